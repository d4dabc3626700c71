"""A CP-SAT model read by HiGHS: LP and MIP optima of hand-solvable models, and the private
HiGHS class `scheduling.mip` relies on, pinned."""

from __future__ import annotations

import importlib.metadata
import math
import tomllib
from pathlib import Path

import highspy
import numpy as np
import pytest
from ortools.sat.python import cp_model

from scheduling.effort import Effort
from scheduling.mip import dive_highs, solve_highs
from wfm.errors import ScheduleError


def _cover_model() -> tuple[cp_model.CpModel, cp_model.IntVar, cp_model.IntVar]:
    """min x + y subject to 2x + 2y >= 3: LP optimum 1.5, integer optimum 2."""
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 5, "x"), model.new_int_var(0, 5, "y")
    model.add(2 * x + 2 * y >= 3)
    model.minimize(x + y)
    return model, x, y


def test_the_lp_relaxation_and_the_mip_have_their_hand_computed_optima():
    model, x, y = _cover_model()
    relaxed = solve_highs(model)
    assert relaxed.status == "Optimal"
    assert relaxed.objective == pytest.approx(1.5) and relaxed.bound == pytest.approx(1.5)
    whole = solve_highs(model, integer=[x.index, y.index])
    assert whole.objective == pytest.approx(2.0)
    assert whole.values is not None and whole.values[x.index] + whole.values[y.index] == 2


def test_a_box_narrows_the_variables_it_names():
    model, x, y = _cover_model()
    boxed = solve_highs(model, integer=[x.index, y.index], box={x.index: (3, 3)})
    assert boxed.values is not None
    assert boxed.values[x.index] == pytest.approx(3) and boxed.values[y.index] == pytest.approx(0)
    assert boxed.objective == pytest.approx(3.0)


def test_negated_literals_in_at_most_one_and_or_constraints_keep_their_meaning():
    model = cp_model.CpModel()
    a, b, c = (model.new_bool_var(n) for n in "abc")
    model.add_at_most_one([a, ~b])  # a <= b
    model.add_bool_or([~c])  # c == 0
    model.minimize(-2 * a + b - 5 * c)
    result = solve_highs(model, integer=[a.index, b.index, c.index])
    # Read as plain literals the optimum would be a=1, b=0, c=1 (objective -7).
    assert result.objective == pytest.approx(-1.0)
    assert [result.values[v.index] for v in (a, b, c)] == pytest.approx([1, 1, 0])


def test_an_infeasible_model_has_no_point_and_an_infinite_bound():
    model, x, y = _cover_model()
    model.add(x + y <= 1)
    result = solve_highs(model, integer=[x.index, y.index])
    assert result.values is None and math.isnan(result.objective) and result.bound == math.inf


def test_enforced_constraints_are_refused_with_a_clear_error():
    model, x, _ = _cover_model()
    flag = model.new_bool_var("flag")
    model.add(x >= 2).only_enforce_if(flag)
    with pytest.raises(ScheduleError, match="enforced constraints"):
        solve_highs(model)


def test_without_crossover_the_lp_bound_stays_below_the_optimum():
    model, _, _ = _cover_model()
    result = solve_highs(model, crossover=False)
    assert 1.5 - 1e-4 <= result.bound <= 1.5


def _pinned(package: str) -> str:
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    pins = dict(dep.split("==") for dep in pyproject["project"]["dependencies"])
    return pins[package]


def test_the_installed_highspy_is_the_pinned_one_and_its_private_core_class_solves_an_lp():
    # scheduling.mip uses highspy._core._Highs (no banner); a new highspy must be checked.
    assert importlib.metadata.version("highspy") == _pinned("highspy")
    highs = highspy._core._Highs()
    highs.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2, 1
    lp.col_cost_ = np.array([1.0, 2.0])
    lp.col_lower_, lp.col_upper_ = np.zeros(2), np.full(2, 10.0)
    lp.row_lower_, lp.row_upper_ = np.array([3.0]), np.array([highspy.kHighsInf])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array([0, 2], dtype=np.int32)
    lp.a_matrix_.index_ = np.array([0, 1], dtype=np.int32)
    lp.a_matrix_.value_ = np.array([1.0, 1.0])
    highs.passModel(lp)
    highs.run()
    assert highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
    assert highs.getInfo().objective_function_value == pytest.approx(3.0)
    assert list(highs.getSolution().col_value) == pytest.approx([3.0, 0.0])


def test_without_the_private_core_class_the_public_one_solves_and_prints_nothing(
    monkeypatch, capfd
):
    monkeypatch.delattr(highspy._core, "_Highs")
    model, x, y = _cover_model()
    whole = solve_highs(model, integer=[x.index, y.index])
    assert whole.objective == pytest.approx(2.0)
    out, err = capfd.readouterr()
    assert "HiGHS" not in out + err


def test_a_dive_rounds_the_lp_point_to_an_integer_optimum():
    model, x, y = _cover_model()
    relaxed, dive = dive_highs(model, integer=[x.index, y.index], effort=Effort(10))
    assert relaxed.bound == pytest.approx(1.5)
    assert dive is not None and dive.values is not None
    assert dive.objective == pytest.approx(2.0)
    assert dive.values[x.index] + dive.values[y.index] == 2
    assert dive.bound == relaxed.bound


def test_a_dive_rounds_the_other_way_when_the_nearest_integer_is_infeasible():
    model = cp_model.CpModel()
    x = model.new_int_var(0, 3, "x")
    model.add(5 * x >= 2)  # LP optimum x = 0.4, nearest integer 0 breaks the constraint
    model.minimize(x)
    _, dive = dive_highs(model, integer=[x.index], effort=Effort(10))
    assert dive is not None and dive.values is not None
    assert dive.values[x.index] == 1


def test_a_dive_with_no_integer_point_near_the_lp_finds_nothing():
    model = cp_model.CpModel()
    x = model.new_int_var(0, 1, "x")
    model.add(2 * x == 1)  # x = 0.5 in the LP, neither 0 nor 1 holds
    model.minimize(x)
    relaxed, dive = dive_highs(model, integer=[x.index], effort=Effort(10))
    assert relaxed.objective == pytest.approx(0.5)
    assert dive is None

"""Deterministic mode: work limits instead of time limits, and the same schedule twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import highspy
from ortools.sat.python import cp_model

from scheduling.baseline import greedy_schedule
from scheduling.effort import Allowance, Effort
from scheduling.problem import from_frames
from scheduling.solve import SolveParams, SolveStatus, solve
from wfm.center import load_center
from wfm.synthetic import synthetic_requirements, synthetic_roster

CENTER = Path(__file__).resolve().parents[2] / "wfm" / "synthetic" / "sample_center.yaml"
WEEK = dt.date(2026, 11, 30)


def test_cp_sat_gets_a_deterministic_limit_and_interleaved_search():
    timed, det = cp_model.CpSolver(), cp_model.CpSolver()
    Effort(7.0).set_cp_sat(timed, n_workers=2, seed=3)
    Effort(7.0, deterministic=True).set_cp_sat(det, n_workers=2, seed=3)
    assert timed.parameters.max_time_in_seconds == 7.0
    assert not timed.parameters.interleave_search
    assert det.parameters.max_deterministic_time == 7.0
    assert det.parameters.interleave_search
    # The wall clock only guards against a runaway stage.
    assert det.parameters.max_time_in_seconds >= 10 * 7.0
    assert (det.parameters.num_workers, det.parameters.random_seed) == (2, 3)


def test_highs_mips_get_a_node_limit_and_no_binding_time_limit():
    timed, det = highspy.Highs(), highspy.Highs()
    Effort(2.0).set_highs(timed, mip=True)
    Effort(2.0, deterministic=True).set_highs(det, mip=True)
    assert timed.getOptionValue("time_limit")[1] == 2.0
    assert timed.getOptionValue("mip_max_nodes")[1] == 2**31 - 1
    assert det.getOptionValue("mip_max_nodes")[1] < 2**31 - 1
    assert det.getOptionValue("time_limit")[1] >= 120.0


def test_a_deterministic_allowance_counts_what_it_gives_not_the_clock():
    allowance = Allowance(Effort(10.0, deterministic=True))
    first = allowance.give(4.0)
    assert allowance.left_s() == 6.0
    allowance.settle(first, 1.5)
    assert allowance.left_s() == 8.5
    # A solve is never charged more than it was given.
    allowance.settle(allowance.give(2.0), 99.0)
    assert allowance.left_s() == 6.5


def test_the_same_inputs_give_the_same_schedule_in_deterministic_mode():
    center = load_center(CENTER)
    problem = from_frames(
        synthetic_requirements(center, WEEK, 12, seed=3),
        synthetic_roster(center, 12, seed=3),
        center,
        week_start=WEEK,
    )
    # A budget far too short to prove anything: every stage stops at its work limit, where
    # a wall-clock limit would stop wherever the machine's load left it.
    params = SolveParams(max_time_s=6, n_workers=2, seed=0, deterministic=True)
    runs = [solve(problem, params=params, hint=greedy_schedule(problem)) for _ in range(2)]
    assert runs[0].status != SolveStatus.OPTIMAL
    assert runs[0].solution == runs[1].solution
    assert runs[0].shortfall_cost == runs[1].shortfall_cost
    assert runs[0].objective == runs[1].objective

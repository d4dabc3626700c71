"""A CP-SAT model handed to HiGHS: its LP relaxation, or a MIP over chosen integer variables.

The schedule model is purely linear (linear, at-most-one and or constraints, no enforcement
literals), so the same proto reads as a linear program. Two uses:
- the LP relaxation solved to optimality: a proven lower bound of the model's optimum;
- integer shift counts on the aggregated problem (identical agents merged): a dive from the
  LP's vertex (`dive_highs`) rounds them to within a few percent of the bound in seconds,
  and a MIP over the counts near the LP's (`solve_highs` with a box) improves from there,
  where CP-SAT's search on the same model stalls far from its bound. Break placements,
  flows and shortfall stay continuous there; CP-SAT places them exactly afterwards.
"""

from __future__ import annotations

import logging
import math
import os
import sys
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat.python import cp_model

from scheduling.effort import Effort
from wfm.errors import ScheduleError

__all__ = ["HighsResult", "dive_highs", "solve_highs"]

log = logging.getLogger(__name__)

_INT64_EDGE = 2**62
# Relative margin below an interior point optimum without crossover: far above the interior
# point method's own relative gap tolerance (1e-8 by default).
_IPM_REL_TOL = 1e-6
# An integer variable this close to an integer counts as that integer in a dive.
_FRACTIONAL_TOL = 1e-6
# Share of the fractional integer variables a dive fixes per LP re-solve.
_DIVE_BATCH_FRAC = 0.5


@dataclass(frozen=True)
class HighsResult:
    """What HiGHS found.

    Attributes:
        status: HiGHS model status text (e.g. "Optimal", "Time limit reached").
        values: a value per proto variable (None when no feasible point was found).
        objective: objective of `values` in the CP-SAT model's units (nan without values).
        bound: proven lower bound of the objective (inf when the model is infeasible).
        wall_s: HiGHS run time, seconds.
        nodes: branch-and-bound nodes of a MIP (its work, which does not depend on the
            machine), 0 for an LP.
    """

    status: str
    values: np.ndarray | None
    objective: float
    bound: float
    wall_s: float
    nodes: int = 0


def _bound(value: int) -> float:
    if value <= -_INT64_EDGE:
        return -highspy.kHighsInf
    if value >= _INT64_EDGE:
        return highspy.kHighsInf
    return float(value)


def _public_highs() -> highspy.Highs:
    """The public class, built with stdout (file descriptor 1, where HiGHS writes its banner
    from C++) sent to the null device for the constructor's duration."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _quiet_highs() -> highspy._core._Highs:
    """A HiGHS instance with its output off."""
    # The public `highspy.Highs` enables callbacks in its constructor, which prints HiGHS's
    # banner to stdout before any option can be set; the private core class it extends solves
    # the same way without. tests/scheduling/test_mip.py pins that class for the pinned
    # highspy; should a release drop it, the public class stands in, its banner kept off
    # stdout as far as a process can (output of other threads meanwhile is lost too).
    core = getattr(getattr(highspy, "_core", None), "_Highs", None)
    highs = core() if core is not None else _public_highs()
    highs.setOptionValue("output_flag", False)
    return highs


def _lp(model: cp_model.CpModel, integer: Collection[int]) -> tuple[highspy.HighsLp, float]:
    """The proto as a HighsLp (rows in CSR form), and the objective scaling factor."""
    proto = model.proto
    n = len(proto.variables)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_lower_ = np.array([float(v.domain[0]) for v in proto.variables])
    lp.col_upper_ = np.array([float(v.domain[len(v.domain) - 1]) for v in proto.variables])
    cost = np.zeros(n)
    np.add.at(
        cost,
        np.array(proto.objective.vars, dtype=np.int64),
        np.array(proto.objective.coeffs, dtype=np.float64),
    )
    lp.col_cost_ = cost
    lp.offset_ = float(proto.objective.offset)
    row_lo, row_hi, starts, index, value = [], [], [0], [], []
    for ct in proto.constraints:
        if len(ct.enforcement_literal):
            raise ScheduleError("HiGHS: enforced constraints are not supported")
        if ct.has_linear():
            domain = ct.linear.domain
            lo, hi = _bound(domain[0]), _bound(domain[len(domain) - 1])
            terms = list(zip(ct.linear.vars, ct.linear.coeffs, strict=True))
        elif ct.has_at_most_one() or ct.has_exactly_one() or ct.has_bool_or():
            kind = (
                "at_most_one"
                if ct.has_at_most_one()
                else "exactly_one"
                if ct.has_exactly_one()
                else "bool_or"
            )
            literals = getattr(ct, kind).literals
            # A negated literal ~x enters as (1 - x): its 1 moves to the right-hand side.
            n_neg = sum(1 for lit in literals if lit < 0)
            lo = -highspy.kHighsInf if kind == "at_most_one" else 1.0 - n_neg
            hi = highspy.kHighsInf if kind == "bool_or" else 1.0 - n_neg
            terms = [(lit, 1) for lit in literals]
        else:
            raise ScheduleError(
                "HiGHS: only linear, at-most-one, exactly-one and or constraints are supported"
            )
        merged: dict[int, float] = {}
        for ref, coeff in terms:
            col, sign = (ref, 1) if ref >= 0 else (-ref - 1, -1)
            merged[col] = merged.get(col, 0.0) + sign * coeff
        row_lo.append(lo)
        row_hi.append(hi)
        index.extend(merged)
        value.extend(merged.values())
        starts.append(len(index))
    lp.num_row_ = len(row_lo)
    lp.row_lower_ = np.array(row_lo)
    lp.row_upper_ = np.array(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(row_lo)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=np.float64)
    if integer:
        kinds = np.full(n, highspy.HighsVarType.kContinuous)
        kinds[np.fromiter(integer, dtype=np.int64)] = highspy.HighsVarType.kInteger
        lp.integrality_ = list(kinds)
    return lp, proto.objective.scaling_factor or 1.0


def _highs(
    model: cp_model.CpModel,
    integer: list[int],
    *,
    effort: Effort,
    seed: int,
    box: Mapping[int, tuple[float, float]] | None,
) -> tuple[highspy._core._Highs, highspy.HighsLp, float]:
    """A quiet HiGHS instance holding the model (bounds tightened by `box`), limited by
    `effort`, its LP and the objective scaling factor."""
    lp, scale = _lp(model, integer)
    if box:
        index = np.fromiter(box, dtype=np.int64)
        lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
        lower[index] = np.maximum(lower[index], [lo for lo, _ in box.values()])
        upper[index] = np.minimum(upper[index], [hi for _, hi in box.values()])
        lp.col_lower_, lp.col_upper_ = lower, upper
    highs = _quiet_highs()
    effort.set_highs(highs, mip=bool(integer))
    highs.setOptionValue("random_seed", int(seed))
    # The interior point method solves these LPs (the root of the MIP included) about ten
    # times faster than the dual simplex: they are large, sparse and highly degenerate.
    highs.setOptionValue("mip_lp_solver" if integer else "solver", "ipm")
    highs.passModel(lp)
    return highs, lp, scale


def solve_highs(
    model: cp_model.CpModel,
    *,
    integer: Collection[int] = (),
    effort: Effort = Effort(120.0),
    rel_gap: float = 1e-4,
    seed: int = 0,
    box: Mapping[int, tuple[float, float]] | None = None,
    crossover: bool = True,
    start: Mapping[int, float] | None = None,
    max_nodes: int | None = None,
) -> HighsResult:
    """Minimise the model's objective with HiGHS.

    Args:
        model: a CP-SAT model with a linear objective to minimise.
        integer: proto indices of the variables kept integer; empty = the LP relaxation.
        effort: HiGHS's time limit, or its work in deterministic mode.
        rel_gap: stop a MIP once its relative gap is below this.
        seed: HiGHS random seed.
        box: tighter bounds for some variables, proto index -> (lower, upper).
        crossover: an LP's interior point is moved to a vertex (an exact optimum). Without,
            the LP optimum is known to the interior point method's tolerance only, so the
            bound is taken _IPM_REL_TOL below it; crossover can take several times the
            interior point method's own time on these degenerate LPs.
        start: a MIP start for some variables, proto index -> value; HiGHS completes the
            rest when it can.
        max_nodes: stop a MIP after this many branch-and-bound nodes (1: the root alone).

    Returns:
        The best point found and the proven bound.

    Raises:
        ScheduleError: a constraint is not linear.
    """
    integer = list(integer)
    highs, lp, scale = _highs(model, integer, effort=effort, seed=seed, box=box)
    highs.setOptionValue("mip_rel_gap", float(rel_gap))
    if max_nodes is not None:
        highs.setOptionValue("mip_max_nodes", int(max_nodes))
    if not integer and not crossover:
        highs.setOptionValue("run_crossover", "off")
    if start:
        highs.setSolution(
            len(start),
            np.fromiter(start, dtype=np.int32),
            np.fromiter(start.values(), dtype=np.float64),
        )
    highs.run()
    return _result(highs, lp, scale, n_integer=len(integer), crossover=crossover)


def _result(
    highs: highspy._core._Highs,
    lp: highspy.HighsLp,
    scale: float,
    *,
    n_integer: int,
    crossover: bool = True,
) -> HighsResult:
    """What the last run found: its point, objective and proven bound."""
    status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    has_point = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    values = np.array(highs.getSolution().col_value) if has_point else None
    objective = info.objective_function_value * scale if has_point else math.nan
    if highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        bound = math.inf
    elif n_integer:
        bound = info.mip_dual_bound * scale
    elif highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        bound = objective if crossover else objective - _IPM_REL_TOL * max(1.0, abs(objective))
    else:
        bound = -math.inf
    log.info(
        "HiGHS %s: objective %.1f, bound %.1f (%d cols, %d integer, %d rows, %.1f s)",
        status,
        objective,
        bound,
        lp.num_col_,
        n_integer,
        lp.num_row_,
        highs.getRunTime(),
    )
    nodes = int(info.mip_node_count) if n_integer else 0
    return HighsResult(status, values, objective, bound, highs.getRunTime(), max(0, nodes))


def dive_highs(
    model: cp_model.CpModel,
    *,
    integer: Collection[int],
    effort: Effort,
    seed: int = 0,
) -> tuple[HighsResult, HighsResult | None]:
    """The LP relaxation at a vertex, then a dive from it to a point with `integer` integral.

    HiGHS's own MIP spends minutes on cut rounds at the root of the shift-count MIP and
    finds its points by rounding the root LP's solution: 13-40 % above the bound where the
    optimum is within 2-3 % of it (scheduling/warmstart.py). A dive follows the LP instead:
    it fixes the least fractional integer variables (half of the fractional ones at a
    time) at their nearest integer and re-solves from the previous basis with the dual
    simplex, a fraction of a second each, until none is fractional. A batch that leaves
    the LP infeasible is undone and retried at half its size; a single variable that
    cannot round to its nearest integer rounds the other way. In deterministic mode the
    dive runs to its end (each step is an LP, solved to the end), under the wall-clock guard.

    Returns:
        The LP relaxation's result (its bound proven) and the dive's point (status "Dive"),
        None when the dive ran out of time or into a contradiction.
    """
    started = time.perf_counter()
    columns = np.fromiter(integer, dtype=np.int32)
    highs, lp, scale = _highs(model, [], effort=effort, seed=seed, box=None)
    time_s = effort.guard_s if effort.deterministic else effort.seconds
    highs.run()
    relaxed = _result(highs, lp, scale, n_integer=0)
    if relaxed.values is None or highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return relaxed, None
    # Re-solves start from the last basis, which presolve would throw away.
    highs.setOptionValue("solver", "simplex")
    highs.setOptionValue("presolve", "off")
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    x = relaxed.values
    batch = len(columns)
    while True:
        distance = np.abs(x[columns] - np.round(x[columns]))
        fractional = np.nonzero(distance > _FRACTIONAL_TOL)[0]
        if not len(fractional):
            break
        left_s = time_s - (time.perf_counter() - started)
        if left_s <= 0:
            # A deterministic dive that hits the guard no longer reproduces.
            level = logging.WARNING if effort.deterministic else logging.INFO
            log.log(level, "dive: out of time with %d fractional counts", len(fractional))
            return relaxed, None
        # HiGHS's clock runs on over the instance's runs.
        highs.setOptionValue("time_limit", highs.getRunTime() + left_s)
        order = fractional[np.argsort(distance[fractional], kind="stable")]
        batch = min(batch, max(1, round(_DIVE_BATCH_FRAC * len(order))))
        fixed = _fix(highs, columns[order[:batch]], np.round(x[columns[order[:batch]]]))
        if fixed is None and batch == 1:
            col = columns[order[:1]]
            fixed = _fix(highs, col, np.round(x[col]) + np.sign(x[col] - np.round(x[col])))
        if fixed is None:
            cols = columns[order[:batch]]
            highs.changeColsBounds(len(cols), cols, lower[cols], upper[cols])
            if batch == 1:
                log.info("dive: no integer point around the LP's")
                return relaxed, None
            batch //= 2
            continue
        x = fixed
    x[columns] = np.round(x[columns])
    dive = _result(highs, lp, scale, n_integer=0)
    log.info("dive: objective %.1f in %.1f s", dive.objective, time.perf_counter() - started)
    return relaxed, HighsResult(
        "Dive", x, dive.objective, relaxed.bound, time.perf_counter() - started
    )


def _fix(highs: highspy._core._Highs, cols: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """Fix columns at values and re-solve: the new point, or None when the LP is infeasible
    (the columns stay fixed then)."""
    highs.changeColsBounds(len(cols), cols, values, values)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.array(highs.getSolution().col_value)

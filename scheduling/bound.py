"""A proven lower bound of the shortfall: the LP relaxation of the aggregated model.

The relaxation is taken on the aggregated problem (identical agents merged into one spec
with a count): its LP has the same optimum as the per-agent LP (average an aggregated
solution over the agents of each type) and is several times smaller.

CP-SAT's own bound comes from an LP that it solves a few iterations at a time between
searches; on a week of 100+ agents it is still far from converged when the time runs out.
Solving the same relaxation to optimality once (HiGHS, `scheduling.mip`) gives the bound
the bench reports beside the shortfall. Where the time allows, the root node of the same
model with integer shift counts per type raises it: HiGHS's cuts at the root are valid for
every integer count, so its dual bound is a bound too, wherever the root stops (on the
sample's triage pool it lifts the bound by about 0.5 % in a few seconds).
"""

from __future__ import annotations

import logging
import math
import time

from scheduling.effort import Effort
from scheduling.mip import solve_highs
from scheduling.model import build_model
from scheduling.problem import ScheduleProblem, aggregate_agents
from wfm.errors import ScheduleError

__all__ = ["shortfall_lp_bound"]

log = logging.getLogger(__name__)

# Least time worth starting the root node with, seconds: its LP alone takes about as long as
# the relaxation's.
_MIN_ROOT_S = 2.0


def shortfall_lp_bound(
    problem: ScheduleProblem,
    *,
    max_total_paid_min: int | None = None,
    effort: Effort = Effort(120.0),
) -> float | None:
    """Lower bound of the tiered shortfall cost: the aggregated model's LP optimum, raised
    by the dual bound of its shift-count MIP's root node in what is left of `effort`.

    Returns:
        The bound, or None when the LP is not solved to optimality within `effort` (logged;
        in deterministic mode the LP runs to its end, under the guard). The root node, which
        no work limit bounds, has the wall-clock time left of `effort` in either mode: the
        bound it proves may differ from run to run, the schedule does not depend on it.
    """
    started = time.perf_counter()
    built = build_model(
        aggregate_agents(problem), shortfall_only=True, max_total_paid_min=max_total_paid_min
    )
    built.model.minimize(built.expr(built.shortfall) + built.short_const_cost)
    try:
        result = solve_highs(built.model, effort=effort, crossover=False)
    except ScheduleError as exc:
        log.warning("no LP bound: %s", exc)
        return None
    if result.status != "Optimal":
        log.warning("no LP bound: HiGHS stopped with status %s", result.status)
        return None
    left_s = effort.seconds - (time.perf_counter() - started)
    if left_s < _MIN_ROOT_S:
        return result.bound
    root = solve_highs(
        built.model,
        integer=[var.index for var in built.v.shift.values()],
        effort=Effort(left_s),
        max_nodes=1,
    )
    return max(result.bound, root.bound) if math.isfinite(root.bound) else result.bound

"""A proven lower bound of the shortfall: the LP relaxation of the aggregated model.

The relaxation is taken on the aggregated problem (identical agents merged into one spec
with a count): its LP has the same optimum as the per-agent LP (average an aggregated
solution over the agents of each type) and is several times smaller.

CP-SAT's own bound comes from an LP that it solves a few iterations at a time between
searches; on a week of 100+ agents it is still far from converged when the time runs out.
Solving the same relaxation to optimality once (HiGHS, `scheduling.mip`) gives the bound
the bench reports beside the shortfall.
"""

from __future__ import annotations

import logging

from scheduling.effort import Effort
from scheduling.mip import solve_highs
from scheduling.model import build_model
from scheduling.problem import ScheduleProblem, aggregate_agents
from wfm.errors import ScheduleError

__all__ = ["shortfall_lp_bound"]

log = logging.getLogger(__name__)


def shortfall_lp_bound(
    problem: ScheduleProblem,
    *,
    max_total_paid_min: int | None = None,
    effort: Effort = Effort(120.0),
) -> float | None:
    """Lower bound of the tiered shortfall cost: the aggregated model's LP optimum.

    Returns:
        The bound, or None when the LP is not solved to optimality within `effort` (logged;
        in deterministic mode the LP runs to its end, under the guard).
    """
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
    return result.bound

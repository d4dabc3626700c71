"""Large-neighbourhood search around CP-SAT: free a few agents' weeks, re-solve, keep gains.

CP-SAT's own neighbourhoods pick variables at random; here a neighbourhood is a set of
agents who share a queue (so their shifts can trade places), freed for the whole week while
every other agent's shifts stay fixed. Break placements, flows and shortfall stay free for
everyone, so breaks re-stagger around the moved shifts.
"""

from __future__ import annotations

import logging

import numpy as np
from ortools.sat.python import cp_model

from scheduling.effort import Allowance, Effort
from scheduling.model import BuiltModel
from scheduling.problem import ScheduleProblem

__all__ = ["improve"]

log = logging.getLogger(__name__)

# Share of the agents freed per neighbourhood, and the time one sub-solve may take (presolve
# of a week of 100+ agents alone takes seconds, so short sub-solves find nothing).
_FREE_FRAC = 0.2
_SUB_SOLVE_S = 15.0
# Least time worth a sub-solve, and so the least a deterministic one is charged, seconds.
_MIN_SUB_S = 1.0


def _neighbourhood(problem: ScheduleProblem, rng: np.random.Generator) -> set[int]:
    n_free = max(4, round(_FREE_FRAC * len(problem.agents)))
    q = int(rng.integers(len(problem.queue_ids)))
    skilled = [a for a, agent in enumerate(problem.agents) if q in agent.skill_queues]
    rng.shuffle(skilled)
    chosen = set(skilled[:n_free])
    others = [a for a in range(len(problem.agents)) if a not in chosen]
    rng.shuffle(others)
    chosen.update(others[: max(0, n_free - len(chosen))])
    return chosen


def improve(
    built: BuiltModel,
    problem: ScheduleProblem,
    values: list[int],
    objective: float,
    *,
    effort: Effort,
    n_workers: int,
    seed: int,
) -> tuple[list[int], float]:
    """Improve a full assignment of the model's variables by agent neighbourhoods.

    Args:
        built: the model, its objective already set.
        problem: the problem it was built from.
        values: a feasible value for every model variable (proto order).
        objective: that assignment's objective value.
        effort: the budget of all neighbourhoods together (in deterministic mode each
            is charged the work CP-SAT reports for it).
        n_workers: CP-SAT workers per sub-solve; seed: random seed.

    Returns:
        The best assignment found and its objective.
    """
    allowance = Allowance(effort)
    rng = np.random.default_rng(seed)
    shift_index = {key: var.index for key, var in built.v.shift.items()}
    n_vars = len(built.model.proto.variables)
    rounds = accepted = 0
    while (left := allowance.left_s()) > _MIN_SUB_S:
        free = _neighbourhood(problem, rng)
        sub = built.model.clone()
        for (a, _), index in shift_index.items():
            if a not in free:
                domain = sub.proto.variables[index].domain
                domain[0] = domain[1] = values[index]
        for index in range(n_vars):
            sub.add_hint(sub.get_int_var_from_proto_index(index), values[index])
        solver = cp_model.CpSolver()
        given = allowance.give(min(_SUB_SOLVE_S, left))
        given.set_cp_sat(solver, n_workers=n_workers, seed=seed + rounds)
        solver.parameters.cp_model_probing_level = 0
        status = solver.solve(sub)
        allowance.settle(given, max(_MIN_SUB_S, solver.response_proto.deterministic_time))
        rounds += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and (
            solver.objective_value < objective - 1e-6
        ):
            values = list(solver.response_proto.solution)
            objective = solver.objective_value
            accepted += 1
    log.info("LNS: %d neighbourhoods, %d improved, objective %.0f", rounds, accepted, objective)
    return values, objective

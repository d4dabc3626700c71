"""The LP relaxation of a CP-SAT model, solved with GLOP: a proven lower bound.

For the shortfall, the relaxation is taken on the aggregated problem (identical agents
merged into one spec with a count): its LP has the same optimum as the per-agent LP (average
an aggregated solution over the agents of each type) and is several times smaller.

CP-SAT's own bound comes from an LP that it solves a few iterations at a time between
searches; on a week of 100+ agents it is still far from converged when the time runs out.
Solving the same relaxation to optimality once gives the bound the bench reports beside
the shortfall. The model must be purely linear (linear and at-most-one constraints, no
enforcement literals), which the schedule model is.
"""

from __future__ import annotations

import logging

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from scheduling.model import build_model
from scheduling.problem import ScheduleProblem, aggregate_agents
from wfm.errors import ScheduleError

__all__ = ["lp_relaxation_bound", "shortfall_lp_bound"]

log = logging.getLogger(__name__)


def lp_relaxation_bound(model: cp_model.CpModel, *, max_time_s: float = 120.0) -> float:
    """Minimum of the model's objective over its LP relaxation.

    Args:
        model: a CP-SAT model with a linear objective to minimise.
        max_time_s: GLOP time limit, seconds.

    Returns:
        The LP optimum (a lower bound of the model's optimum), including the objective offset.

    Raises:
        ScheduleError: a constraint is not linear, or GLOP does not reach optimality.
    """
    proto = model.proto
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetTimeLimit(int(max_time_s * 1000))
    lp_vars = [
        solver.NumVar(float(v.domain[0]), float(v.domain[len(v.domain) - 1]), f"x{i}")
        for i, v in enumerate(proto.variables)
    ]
    inf = solver.infinity()
    for ct in proto.constraints:
        if len(ct.enforcement_literal):
            raise ScheduleError("LP bound: enforced constraints are not supported")
        if ct.has_linear():
            lo, hi = ct.linear.domain[0], ct.linear.domain[len(ct.linear.domain) - 1]
            row = solver.Constraint(float(lo) if lo > -(2**62) else -inf,
                                    float(hi) if hi < 2**62 else inf)
            terms = zip(ct.linear.vars, ct.linear.coeffs, strict=True)
        elif ct.has_at_most_one() or ct.has_exactly_one():
            literals = ct.at_most_one.literals if ct.has_at_most_one() else ct.exactly_one.literals
            # A negated literal ~x enters as (1 - x): move its 1 to the right-hand side.
            n_neg = sum(1 for lit in literals if lit < 0)
            row = solver.Constraint(-inf if ct.has_at_most_one() else 1.0 - n_neg, 1.0 - n_neg)
            terms = ((lit, 1) for lit in literals)
        else:
            raise ScheduleError("LP bound: only linear and at-most-one constraints are supported")
        for ref, coeff in terms:
            if ref >= 0:
                row.SetCoefficient(lp_vars[ref], row.GetCoefficient(lp_vars[ref]) + coeff)
            else:
                var = lp_vars[-ref - 1]
                row.SetCoefficient(var, row.GetCoefficient(var) - coeff)
    objective = proto.objective
    scale = objective.scaling_factor or 1.0
    goal = solver.Objective()
    for ref, coeff in zip(objective.vars, objective.coeffs, strict=True):
        goal.SetCoefficient(lp_vars[ref], goal.GetCoefficient(lp_vars[ref]) + coeff)
    goal.SetMinimization()
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise ScheduleError(f"LP bound: GLOP stopped with status {status}")
    value = (solver.Objective().Value() + objective.offset) * scale
    log.info("LP relaxation bound %.1f (%d vars, %d constraints, %.1f s)", value,
             solver.NumVariables(), solver.NumConstraints(), solver.wall_time() / 1000)
    return value


def shortfall_lp_bound(
    problem: ScheduleProblem,
    *,
    max_total_paid_min: int | None = None,
    max_time_s: float = 120.0,
) -> float | None:
    """Lower bound of the tiered shortfall cost: the aggregated model's LP optimum.

    Returns:
        The bound, or None when GLOP does not finish within `max_time_s` (logged).
    """
    built = build_model(aggregate_agents(problem), shortfall_only=True,
                        max_total_paid_min=max_total_paid_min)
    built.model.minimize(built.expr(built.shortfall) + built.short_const_cost)
    try:
        return lp_relaxation_bound(built.model, max_time_s=max_time_s)
    except ScheduleError as exc:
        log.warning("no LP bound: %s", exc)
        return None

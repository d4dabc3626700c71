"""Solve the schedule model and explain when it cannot be solved.

The objective is lexicographic, solved in two passes:
1. minimise the tiered shortfall. By default this pass is the MIP warm start
   (scheduling.warmstart: shift counts per agent type, rostered to named agents, breaks
   placed), which lands within a few percent of the LP bound where CP-SAT's own search
   stalls near its starting point; without it, CP-SAT and agent-neighbourhood search
   (scheduling.lns) run from the caller's hint. The shortfall is reported beside a proven
   lower bound of the same quantity (`shortfall_cost`, `shortfall_bound`: the LP
   relaxation's optimum, or CP-SAT's bound);
2. keep the shortfall at most the pass-1 value and minimise everything (shortfall, surplus,
   paid hours, preferences, stability, fairness) with CP-SAT from pass 1's schedule;
   `objective`, `best_bound` and `gap` are this pass's.

When CP-SAT finds no schedule in time, the warm start is returned as it is (the MIP warm
start when there is one, else the caller's hint), with status `SolveStatus.WARM_START_ONLY`
and no objective (None); its shortfall is reported against the bound.

Before solving, `precheck` explains contradictions that make the model infeasible (a
contract's minimum hours beyond what the agent's availability allows, no allowed template
inside the availability). Should the solver still prove infeasibility, each agent is solved
alone with one rule family left out at a time to name the agent and the rules in conflict.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ortools.sat.python import cp_model

from scheduling.bound import shortfall_lp_bound
from scheduling.effort import Allowance, Effort
from scheduling.lns import improve
from scheduling.model import HARD_RULES, BuiltModel, build_model, twin_groups
from scheduling.problem import ScheduleProblem
from scheduling.report import summarize
from scheduling.solution import BreakPlacement, Solution, allocate
from scheduling.warmstart import place_breaks, roster_counts, type_shift_counts
from wfm.center import WEEKDAYS
from wfm.errors import InfeasibleError, ScheduleError

__all__ = [
    "ScheduleResult",
    "SolveParams",
    "SolveStatus",
    "explain_infeasible",
    "precheck",
    "relative_gap",
    "solve",
]

log = logging.getLogger(__name__)

# Most of the time limit the LP bound, rostering the MIP's shift counts and placing their
# breaks may take (each usually takes far less).
_LP_FRAC = 0.25
_ROSTER_FRAC = 0.1
_BREAKS_FRAC = 0.1
# When a type's counts no roster met, the same MIP first moves that type's shifts, then
# every agent's from there (the full per-agent MIP, from a complete start): the shortfall
# their rosters lost is won back there or not at all (pass 2 seldom lowers the shortfall).
_REPAIR_FRAC = 0.2

_RULE_TEXT = {
    "weekly_hours_min": "contract minimum weekly hours",
    "weekly_hours_max": "contract maximum weekly hours",
    "max_days": "contract maximum days per week",
    "max_consecutive": "maximum consecutive working days",
    "min_rest": "minimum rest between shifts",
}


@dataclass(frozen=True)
class SolveParams:
    """Solver settings.

    Attributes:
        max_time_s: wall-clock limit for both passes together, seconds.
        n_workers: CP-SAT search workers.
        seed: random seed.
        first_pass_frac: share of the time for pass 1 (shortfall alone).
        lp_bound: also solve pass 1's LP relaxation to optimality (scheduling.bound) for
            a proven shortfall bound (CP-SAT's own is far from converged on a week).
        max_total_paid_h: a labor budget, paid hours of all agents together (None = none).
        lns: without the MIP warm start, spend most of pass 1 in agent-neighbourhood
            search (scheduling.lns) after a first CP-SAT solve.
        mip_start: pass 1 is the MIP warm start (scheduling.warmstart); the caller's hint
            is the fallback when the MIP finds nothing in time.
        mip_frac: share of the time limit for the shift-count MIP.
        deterministic: every stage gets work instead of wall-clock time
            (scheduling.effort), so the same inputs give the same schedule on any machine
            and under any load; max_time_s then sets the work, about as many seconds of
            an idle machine.
    """

    max_time_s: float = 60.0
    n_workers: int = 2
    seed: int = 0
    first_pass_frac: float = 0.7
    lp_bound: bool = True
    max_total_paid_h: float | None = None
    lns: bool = True
    mip_start: bool = True
    mip_frac: float = 0.5
    deterministic: bool = False

    @property
    def effort(self) -> Effort:
        """The whole run's budget."""
        return Effort(self.max_time_s, self.deterministic)


class SolveStatus(StrEnum):
    """How the returned schedule was found, from best to worst.

    OPTIMAL and FEASIBLE are CP-SAT's status names of the final pass (proven optimal, or
    stopped at the time limit); WARM_START_ONLY: CP-SAT found no schedule in time and the
    warm start (the MIP's schedule, else the caller's hint) is returned as it is.
    """

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    WARM_START_ONLY = "WARM_START_ONLY"


@dataclass(frozen=True)
class ScheduleResult:
    """What `solve` returns.

    Attributes:
        status: how the schedule was found.
        objective / best_bound / gap: pass 2's objective, proven bound and relative gap;
            objective and gap are None when no solver schedule exists (WARM_START_ONLY,
            where best_bound is the shortfall bound).
        shortfall_cost / shortfall_bound / shortfall_gap: the returned schedule's tiered
            shortfall cost, its proven lower bound (the better of CP-SAT's bound and, when
            asked, the LP relaxation's optimum) and their relative gap (for WARM_START_ONLY,
            the warm start's own).
        lp_bound: the LP relaxation's optimum of pass 1, or None when not asked.
        wall_s: total solve time, seconds.
        solution: the schedule in slots.
    """

    status: SolveStatus
    objective: float | None
    best_bound: float
    gap: float | None
    shortfall_cost: float | None
    shortfall_bound: float
    shortfall_gap: float | None
    wall_s: float
    solution: Solution
    lp_bound: float | None = None


def relative_gap(value: float, bound: float) -> float:
    """|value - bound| relative to the value (at least 1), as CP-SAT reports gaps."""
    return abs(value - bound) / max(1.0, abs(value))


def _options_hours(problem: ScheduleProblem, a: int) -> set[int]:
    """Weekly paid minutes reachable with at most max_days shifts (rest rules ignored)."""
    agent = problem.agents[a]
    reach: dict[int, set[int]] = {0: {0}}
    for day in range(7):
        paids = {problem.options[k].paid_min for k in agent.options[day]}
        nxt = {n: set(s) for n, s in reach.items()}
        for n, sums in reach.items():
            if n + 1 > agent.max_days:
                continue
            for p in paids:
                nxt.setdefault(n + 1, set()).update(x + p for x in sums)
        reach = nxt
    return set().union(*reach.values())


def precheck(problem: ScheduleProblem) -> list[str]:
    """Contradictions visible without solving: one sentence per agent and rule.

    Returns:
        Reasons; empty when nothing obvious contradicts.
    """
    reasons = []
    for a, agent in enumerate(problem.agents):
        contract = problem.center.contract(agent.contract_id)
        if not any(agent.options):
            if agent.min_paid_min > 0:
                reasons.append(
                    f"agent {agent.agent_id}: no shift template of contract {contract.id} "
                    f"({', '.join(contract.shift_templates)}) fits inside the agent's "
                    f"availability, but the contract asks for at least "
                    f"{agent.min_paid_min / 60:g} h a week"
                )
            continue
        sums = _options_hours(problem, a)
        ok = [s for s in sums if agent.min_paid_min <= s <= agent.max_paid_min]
        if not ok:
            best = max(sums)
            if best < agent.min_paid_min:
                reasons.append(
                    f"agent {agent.agent_id}: contract {contract.id} requires at least "
                    f"{agent.min_paid_min / 60:g} h a week, but the agent's availability and "
                    f"the contract's templates and {agent.max_days}-day limit allow at most "
                    f"{best / 60:g} h"
                )
            else:
                reasons.append(
                    f"agent {agent.agent_id}: no combination of contract {contract.id}'s "
                    f"shifts gives between {agent.min_paid_min / 60:g} and "
                    f"{agent.max_paid_min / 60:g} paid hours a week"
                )
    return reasons


def explain_infeasible(problem: ScheduleProblem, *, params: SolveParams) -> list[str]:
    """Name the agents whose own rules contradict, and which rules, by solving each alone."""
    reasons = []
    empty = np.zeros_like(problem.required)
    for agent in problem.agents:
        alone = dataclasses.replace(problem, agents=(agent,), required=empty)
        if _status(build_model(alone, symmetry=False), params) != cp_model.INFEASIBLE:
            continue
        culprits = [
            rule
            for rule in HARD_RULES
            if _status(build_model(alone, relax=frozenset({rule}), symmetry=False), params)
            != cp_model.INFEASIBLE
        ]
        first = problem.week_start.weekday()
        days = ", ".join(WEEKDAYS[(d + first) % 7] for d in range(7) if agent.options[d])
        days = days or "none"
        named = " + ".join(_RULE_TEXT[r] for r in culprits) or "several rules together"
        reasons.append(
            f"agent {agent.agent_id} (contract {agent.contract_id}, workable days: {days}): "
            f"{named} cannot all hold"
        )
    return reasons


def _status(built: BuiltModel, params: SolveParams) -> int:
    solver = cp_model.CpSolver()
    Effort(min(5.0, params.max_time_s), params.deterministic).set_cp_sat(
        solver, n_workers=1, seed=params.seed
    )
    return solver.solve(built.model)


def _order_twins(problem: ScheduleProblem, hint: Solution) -> Solution:
    """Reorder a hint's rosters between twin agents so it keeps the symmetry breaking."""
    shifts = dict(hint.shifts)
    breaks = dict(hint.breaks)
    for members in twin_groups(problem):
        rosters = sorted(
            (
                (shifts.get(a, ()), {k: hint.breaks.get((a, k), ()) for k in shifts.get(a, ())})
                for a in members
            ),
            key=lambda item: -sum(problem.options[k].paid_min for k in item[0]),
        )
        for a, (ks, bs) in zip(members, rosters, strict=True):
            for old in shifts.get(a, ()):
                breaks.pop((a, old), None)
            shifts[a] = ks
            breaks.update({(a, k): b for k, b in bs.items()})
    return Solution(shifts=shifts, breaks=breaks)


def _add_hint(built: BuiltModel, problem: ScheduleProblem, hint: Solution) -> None:
    """Hint every shift, break count, flow and shortfall tier of a feasible schedule."""
    hint = _order_twins(problem, hint)
    worked = {(a, k) for a, ks in hint.shifts.items() for k in ks}
    for key, var in built.v.shift.items():
        built.model.add_hint(var, int(key in worked))
    group_of = {a: g for g, (_, members) in enumerate(built.v.groups) for a in members}
    starts: dict[tuple[int, int], int] = defaultdict(int)
    for a, k in worked:
        starts[group_of[a], k] += 1
    for key, var in built.v.starts.items():
        built.model.add_hint(var, starts.get(key, 0))
    offsets: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for (a, k), placements in hint.breaks.items():
        for b in placements:
            offsets[group_of[a], k, b.rule_no, b.start_slot - problem.options[k].start_slot] += 1
    for (g, k, rule_no), placements in built.v.brk.items():
        for off, var in placements:
            built.model.add_hint(var, offsets.get((g, k, rule_no, off), 0))
    state = allocate(problem, hint)
    served: dict[tuple[int, int, int], int] = defaultdict(int)
    for a, t in zip(*np.nonzero(state >= 0), strict=True):
        served[group_of[int(a)], int(state[a, t]), int(t)] += 1
    covered: dict[tuple[int, int], int] = defaultdict(int)
    for (g, q, t), var in built.v.flow.items():
        n = served.get((g, q, t), 0)
        built.model.add_hint(var, n)
        covered[q, t] += n
    for (q, t), tiers in built.v.short.items():
        missing = int(problem.required[q, t]) - covered[q, t]
        for var, cap in zip(tiers, (1, 1, missing), strict=False):
            take = max(0, min(cap, missing))
            built.model.add_hint(var, take)
            missing -= take


def _hint_mip_start(
    built: BuiltModel,
    problem: ScheduleProblem,
    params: SolveParams,
    allowance: Allowance,
    budget_min: int | None,
    hint: Solution | None,
) -> tuple[float, Solution] | None:
    """Hint the MIP warm start (scheduling.warmstart): shift counts per agent type, rostered
    to named agents, breaks placed around them; the hint's shifts start the MIP. Returns its
    pass-1 objective and its schedule, or None when a stage found nothing in time (nothing is
    hinted then)."""
    counts, mip = type_shift_counts(
        problem,
        effort=allowance.share(params.mip_frac * params.max_time_s),
        max_total_paid_min=budget_min,
        seed=params.seed,
        start=None if hint is None else hint.shifts,
    )
    if mip.values is None:
        log.warning("the shift-count MIP found nothing in time")
        return None
    rostered = roster_counts(
        problem,
        counts,
        effort=allowance.share(_ROSTER_FRAC * params.max_time_s),
        n_workers=params.n_workers,
        seed=params.seed,
    )
    if rostered is None:
        return None
    shifts, loose = rostered
    shifts = _order_twins(problem, Solution(shifts=shifts, breaks={})).shifts
    placed = place_breaks(
        built,
        shifts,
        effort=allowance.give(_BREAKS_FRAC * params.max_time_s),
        seed=params.seed,
        free=loose,
    )
    if placed is None:
        log.warning("no break placement for the MIP's shifts in time")
        return None
    if loose:
        # The loose types' shifts moved where their agents could; every agent's shifts
        # free, from that complete point, win back what moving them alone could not.
        every = place_breaks(
            built,
            shifts,
            effort=allowance.give(_REPAIR_FRAC * params.max_time_s),
            seed=params.seed,
            free=range(len(problem.agents)),
            start=placed[0],
        )
        if every is not None and every[1] < placed[1] - 0.5:
            log.info("repair with every agent free: %.0f -> %.0f", placed[1], every[1])
            placed = every
    values, objective = placed
    full = [0] * len(built.model.proto.variables)
    for index, value in values.items():
        built.model.add_hint(built.model.get_int_var_from_proto_index(index), value)
        full[index] = value
    return objective, _extract(built, full, problem)


def _solver(params: SolveParams, effort: Effort) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    effort.set_cp_sat(solver, n_workers=params.n_workers, seed=params.seed)
    # Probing in presolve costs tens of seconds on a week of 100+ agents and buys little here.
    solver.parameters.cp_model_probing_level = 0
    return solver


def _extract(built: BuiltModel, values: list[int], problem: ScheduleProblem) -> Solution:
    """The schedule in a full assignment of the model's variables (proto order)."""
    shifts: dict[int, list[int]] = {a: [] for a in range(len(problem.agents))}
    for (a, k), var in built.v.shift.items():
        if values[var.index]:
            shifts[a].append(k)
    workers: dict[tuple[int, int], list[int]] = defaultdict(list)
    group_of = {a: g for g, (_, members) in enumerate(built.v.groups) for a in members}
    for a, ks in shifts.items():
        for k in ks:
            workers[group_of[a], k].append(a)
    breaks: dict[tuple[int, int], list[BreakPlacement]] = defaultdict(list)
    for (g, k, rule_no), placements in built.v.brk.items():
        o = problem.options[k]
        rule = problem.breaks[o.template_id][rule_no]
        # Hand the group's placements out to the agents working this shift, in order.
        offsets = [off for off, var in placements for _ in range(values[var.index])]
        for a, off in zip(workers[g, k], offsets, strict=True):
            breaks[a, k].append(
                BreakPlacement(
                    rule_no, rule.kind, o.start_slot + off, rule.duration_slot, rule.paid
                )
            )
    flow = {key: int(values[var.index]) for key, var in built.v.flow.items()}
    return Solution(
        shifts={
            a: tuple(sorted(ks, key=lambda k: problem.options[k].start_slot))
            for a, ks in shifts.items()
        },
        breaks={key: tuple(sorted(bs, key=lambda b: b.start_slot)) for key, bs in breaks.items()},
        flow={key: n for key, n in flow.items() if n},
    )


def _hint_all(built: BuiltModel, values: list[int]) -> None:
    """Hint every variable of the model with a full assignment."""
    built.model.clear_hints()
    for index, value in enumerate(values):
        built.model.add_hint(built.model.get_int_var_from_proto_index(index), value)


def _check_rules(problem: ScheduleProblem, params: SolveParams) -> None:
    """Raise when the hard rules, or the labor budget, visibly contradict (see `precheck`)."""
    reasons = precheck(problem)
    floor_h = sum(a.min_paid_min for a in problem.agents) / 60
    if params.max_total_paid_h is not None and params.max_total_paid_h < floor_h:
        reasons.append(
            f"labor budget {params.max_total_paid_h:g} h is below the "
            f"{floor_h:g} h the contracts' weekly minimums add up to"
        )
    if reasons:
        raise InfeasibleError("the hard rules contradict each other", reasons)


def _hint_start(
    built: BuiltModel,
    problem: ScheduleProblem,
    params: SolveParams,
    allowance: Allowance,
    budget_min: int | None,
    hint: Solution | None,
) -> Solution | None:
    """Hint pass 1's start: the MIP warm start when asked and no worse than the caller's
    hint, else the hint itself. Returns the MIP warm start's schedule when it is hinted."""
    warm = (
        _hint_mip_start(built, problem, params, allowance, budget_min, hint)
        if params.mip_start
        else None
    )
    if warm is not None and hint is not None:
        # Never start worse than the caller's schedule (its queue split is greedy, so the
        # model can only do better with the same shifts and breaks).
        hint_cost = summarize(problem, hint, allocate(problem, hint)).shortfall_cost
        if hint_cost < warm[0]:
            log.info(
                "the hint is short less than the MIP warm start (%.0f < %.0f): "
                "starting from the hint",
                hint_cost,
                warm[0],
            )
            built.model.clear_hints()
            warm = None
    if warm is None and hint is not None:
        built.model.clear_hints()
        _add_hint(built, problem, hint)
    return None if warm is None else warm[1]


@dataclass(frozen=True)
class _FirstPass:
    """Pass 1's answer (shortfall alone).

    Attributes:
        solution: the schedule; the caller's hint when CP-SAT found none in time.
        values: its full assignment of the model's variables (proto order); None when
            CP-SAT found none.
        cost: its tiered shortfall cost; None when CP-SAT found none.
        bound: proven lower bound of the shortfall cost.
        status: OPTIMAL when proven (never with the hinted variables fixed, which proves
            nothing), else FEASIBLE; WARM_START_ONLY when CP-SAT found none.
    """

    solution: Solution
    values: list[int] | None
    cost: float | None
    bound: float
    status: SolveStatus


def _first_pass(
    built: BuiltModel,
    problem: ScheduleProblem,
    params: SolveParams,
    *,
    hint: Solution | None,
    warm: Solution | None,
    lp: float | None,
    allowance: Allowance,
) -> _FirstPass:
    """Minimise the shortfall from the hinted start (then agent neighbourhoods, scheduling.lns).

    Raises:
        InfeasibleError: CP-SAT proves the hard rules contradict; the reasons name agents.
        ScheduleError: no schedule within the time limit and no hint to fall back on.
    """
    # From a warm start, pass 1 starts from the warm start itself: all hinted variables
    # fixed, the rest completed.
    fixed = warm is not None or (params.lns and hint is not None)
    solver = _solver(params, allowance.give(allowance.left_s() * params.first_pass_frac))
    solver.parameters.fix_variables_to_their_hinted_value = fixed
    status = solver.solve(built.model)
    if warm is not None and status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # The MIP's schedule keeps every rule (HiGHS solved the same model with its shifts
        # fixed); CP-SAT only ran out of time completing it: keep it rather than start over.
        log.warning("CP-SAT did not complete the MIP warm start in time: keeping it as it is")
        return _FirstPass(
            solution=warm,
            values=None,
            cost=None,
            bound=max(built.short_const_cost, lp if lp is not None else -math.inf),
            status=SolveStatus.WARM_START_ONLY,
        )
    if fixed and status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        log.warning("the warm start does not complete to a model solution; solving from scratch")
        fixed = False
        built.model.clear_hints()
        if hint is not None:
            _add_hint(built, problem, hint)
        solver = _solver(params, allowance.give(allowance.left_s()))
        status = solver.solve(built.model)
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(
            "the hard rules contradict each other",
            explain_infeasible(problem, params=params) or ["rules conflict across agents"],
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if hint is None:
            raise ScheduleError(
                f"no schedule found within {params.max_time_s:g} s "
                f"(solver status {solver.status_name(status)}); raise the time limit"
            )
        return _FirstPass(
            solution=hint,
            values=None,
            cost=None,
            bound=max(solver.best_objective_bound, lp if lp is not None else -math.inf),
            status=SolveStatus.WARM_START_ONLY,
        )
    short_cost = solver.objective_value
    # A solve with the hint fixed proves nothing; the shortfall nobody can reach still
    # bounds it.
    cp_bound = built.short_const_cost if fixed else solver.best_objective_bound
    short_bound = max(cp_bound, lp if lp is not None else -math.inf)
    log.info(
        "pass 1 (shortfall): %s %.0f, bound %.0f",
        solver.status_name(status),
        short_cost,
        short_bound,
    )
    values = list(solver.response_proto.solution)
    # The MIP warm start is pass 1's answer: agent neighbourhoods do not improve on it in
    # the time left, which pass 2 uses better.
    if params.lns and warm is None and (fixed or status != cp_model.OPTIMAL):
        # Pass 1 ends when pass 2's share of the run is left.
        lns_s = allowance.left_s() - (1 - params.first_pass_frac) * params.max_time_s
        values, short_cost = improve(
            built,
            problem,
            values,
            short_cost,
            effort=allowance.give(lns_s),
            n_workers=params.n_workers,
            seed=params.seed,
        )
    return _FirstPass(
        solution=_extract(built, values, problem),
        values=values,
        cost=short_cost,
        bound=short_bound,
        status=SolveStatus.FEASIBLE if fixed else SolveStatus(solver.status_name(status)),
    )


def _second_pass(
    built: BuiltModel,
    problem: ScheduleProblem,
    params: SolveParams,
    first: _FirstPass,
    *,
    short_expr: cp_model.LinearExpr,
    lp: float | None,
    allowance: Allowance,
    started: float,
) -> ScheduleResult:
    """Minimise every term with the shortfall held at most pass 1's, from pass 1's schedule;
    pass 1's schedule stands when pass 2 finds nothing in the time left."""
    assert first.values is not None and first.cost is not None
    _hint_all(built, first.values)
    built.model.add(short_expr <= round(first.cost) - built.short_const_cost)
    built.model.minimize(short_expr + built.expr(built.penalties) + built.short_const_cost)
    solver = _solver(params, allowance.give(allowance.left_s()))
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        solution = _extract(built, list(solver.response_proto.solution), problem)
        objective, bound = solver.objective_value, solver.best_objective_bound
        name = SolveStatus(solver.status_name(status))
        # Pass 2 holds the shortfall at most pass 1's and may lower it further.
        short_cost = solver.value(short_expr) + built.short_const_cost
    else:
        # Pass 2 found nothing better in the time left: keep pass 1's schedule.
        solution, name = first.solution, first.status
        objective, bound, short_cost = first.cost, first.bound, first.cost
    wall_s = time.perf_counter() - started
    log.info("pass 2 (all terms): %s %.0f, bound %.0f, %.1f s", name, objective, bound, wall_s)
    return ScheduleResult(
        status=name,
        objective=objective,
        best_bound=bound,
        gap=relative_gap(objective, bound),
        shortfall_cost=short_cost,
        shortfall_bound=first.bound,
        shortfall_gap=relative_gap(short_cost, first.bound),
        wall_s=wall_s,
        solution=solution,
        lp_bound=lp,
    )


def solve(
    problem: ScheduleProblem, *, params: SolveParams, hint: Solution | None = None
) -> ScheduleResult:
    """Build and solve the model in two passes (shortfall, then everything).

    Args:
        problem: the integer problem.
        params: time limit, workers and seed.
        hint: a feasible schedule to start from (e.g. the greedy baseline's).

    Returns:
        The best schedule found, with status, objective, bound and gap of each pass; the
        hint itself (status WARM_START_ONLY, no objective) when CP-SAT found no schedule in
        time.

    Raises:
        InfeasibleError: hard rules contradict; the reasons name agents and rules.
        ScheduleError: no schedule was found within the time limit and there is no hint.
    """
    started = time.perf_counter()
    allowance = Allowance(params.effort)
    _check_rules(problem, params)
    budget_min = None if params.max_total_paid_h is None else round(params.max_total_paid_h * 60)
    built = build_model(problem, max_total_paid_min=budget_min)
    log.info(
        "model built in %.1f s: %d shift options, %d flows",
        time.perf_counter() - started,
        len(built.v.shift),
        len(built.v.flow),
    )
    short_expr = built.expr(built.shortfall)
    built.model.minimize(short_expr + built.short_const_cost)
    lp = (
        shortfall_lp_bound(
            problem, max_total_paid_min=budget_min, effort=params.effort.part(_LP_FRAC)
        )
        if params.lp_bound
        else None
    )
    warm = _hint_start(built, problem, params, allowance, budget_min, hint)
    first = _first_pass(built, problem, params, hint=hint, warm=warm, lp=lp, allowance=allowance)
    if first.values is None:
        log.warning(
            "no solver schedule within %.0f s: returning the warm-start schedule", params.max_time_s
        )
        cost = summarize(problem, first.solution, allocate(problem, first.solution)).shortfall_cost
        return ScheduleResult(
            status=first.status,
            objective=None,
            best_bound=first.bound,
            gap=None,
            shortfall_cost=cost,
            shortfall_bound=first.bound,
            shortfall_gap=relative_gap(cost, first.bound),
            wall_s=time.perf_counter() - started,
            solution=first.solution,
            lp_bound=lp,
        )
    return _second_pass(
        built,
        problem,
        params,
        first,
        short_expr=short_expr,
        lp=lp,
        allowance=allowance,
        started=started,
    )

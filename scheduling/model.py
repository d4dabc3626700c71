"""The CP-SAT schedule model, built in named steps.

Rules, in plain language (the function that posts each one is in brackets):

Hard rules
- An agent works at most one shift per day, chosen among the start times of the shift
  templates its contract allows; a shift belongs to the day it starts on, and night shifts
  run past midnight into the next day (`add_one_shift_per_day`).
- An agent only works inside its availability: a shift that does not fit entirely inside an
  availability window is never a choice (options are filtered in `scheduling.problem`).
- Every worked shift takes each break and lunch of its template exactly once, starting inside
  the window measured from shift start; breaks of one shift never overlap
  (`add_breaks_in_windows`).
- Weekly paid hours stay within the contract's minimum and maximum (`add_weekly_hours`).
- At most the contract's days per week (`add_max_days_per_week`) and at most the labor
  rules' consecutive working days (`add_max_consecutive_days`).
- At least the minimum rest between the end of one shift and the start of the next
  (`add_min_rest`).
- Optionally, a labor budget: total paid minutes at most a cap (`add_labor_budget`).
- An agent serves only queues it is skilled for, and one queue per slot: its time is split
  between queues, never counted twice (`add_coverage_flow`). Agents still on a shift of the
  previous week count as fixed presence on the phones until it ends.
- Across the boundary with the previous week: no shift starts within the minimum rest after
  the agent's last shift of the previous week (options are filtered in `scheduling.problem`),
  and the previous week's worked days count toward the consecutive days
  (`add_max_consecutive_days`).

Soft rules (objective terms)
- Shortfall against the requirement per queue x slot, tiered 1000 / 1500 / 2500 per missing
  agent so shortages are spread thin (`shortfall_penalties`); the slots after the week that
  its last night shifts run into count too, against the next Monday's requirement.
- Idle agents beyond every queue's requirement, small (`surplus_penalties`).
- Paid hours, small (`paid_hours_penalties`).
- Paid time when none of the agent's queues requires agents (`closed_time_penalties`).
- Preferred start time and preferred days off (`preference_penalties`).
- Start times stable across the week around one anchor, and days off in one run
  (`stable_start_penalties`, `days_off_blocks_penalties`).
- Weekend and night work shared fairly (`fairness_penalties`).
  The costs of these three are the center's `schedule_weights` (README, `wfm schedule`,
  Stability and preferences).

Breaks are staggered by the coverage terms: a break costs shortfall where coverage is tight
and nothing where there is surplus, so the solver moves breaks to the slack.

Redundant constraints / symmetry breaking
- Agents that are identical for the model (same skills, contract, availability and
  preferences) are ordered by weekly paid minutes.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduling import constraints as c
from scheduling.problem import ScheduleProblem

__all__ = ["HARD_RULES", "BuiltModel", "add_variables", "build_model", "twin_groups"]

HARD_RULES = ("weekly_hours_min", "weekly_hours_max", "max_days", "max_consecutive", "min_rest")


@dataclass
class BuiltModel:
    """A built model and the handles the solver and the report need.

    Attributes:
        model: the CP-SAT model.
        v: the decision variables.
        shortfall: the tiered shortfall terms (first objective level).
        penalties: every other objective term (second level).
        short_const_cost: shortfall cost nobody can avoid (no skilled agent can be on).
    """

    model: cp_model.CpModel
    v: c.Variables
    shortfall: list[c.Penalty]
    penalties: list[c.Penalty]
    short_const_cost: int

    def expr(self, terms: list[c.Penalty]) -> cp_model.LinearExprT:
        return cp_model.LinearExpr.weighted_sum([p.var for p in terms], [p.coeff for p in terms])


def add_variables(model: cp_model.CpModel, problem: ScheduleProblem) -> c.Variables:
    """Shift choices, skill groups, break counts, on-the-phone terms and flows."""
    v = c.Variables()
    for a, agent in enumerate(problem.agents):
        for day in range(7):
            shift_vars = []
            for k in agent.options[day]:
                var = (
                    model.new_bool_var(f"shift[a={a},d={day},k={k}]")
                    if agent.count == 1
                    else model.new_int_var(0, agent.count, f"shift[a={a},d={day},k={k}]")
                )
                v.shift[a, k] = var
                shift_vars.append(var)
            v.work[a, day] = sum(shift_vars) if shift_vars else 0
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for a, agent in enumerate(problem.agents):
        groups[agent.skill_queues].append(a)
    v.groups = [(skills, tuple(members)) for skills, members in groups.items()]
    for g, (_, members) in enumerate(v.groups):
        options = sorted(
            {k for a in members for d in range(7) for k in problem.agents[a].options[d]}
        )
        for k in options:
            n_can = sum(problem.agents[a].count for a in members if (a, k) in v.shift)
            v.starts[g, k] = model.new_int_var(0, n_can, f"starts[g={g},k={k}]")
            for rule_no, rule in enumerate(problem.breaks[problem.options[k].template_id]):
                v.brk[g, k, rule_no] = [
                    (off, model.new_int_var(0, n_can, f"brk[g={g},k={k},r={rule_no},o={off}]"))
                    for off in range(rule.earliest_offset_slot, rule.latest_offset_slot + 1)
                ]
    # Every slot of the horizon is covered, the spill-over past the week's end too: the
    # week's last night shifts count for the next Monday's early hours.
    needed = problem.required > 0
    on_terms: dict[tuple[int, int], tuple[list, list]] = {}

    def add_term(g: int, t: int, var: cp_model.IntVar, coeff: int) -> None:
        if not needed[list(v.groups[g][0]), t].any():
            return
        vars_, coeffs = on_terms.setdefault((g, t), ([], []))
        vars_.append(var)
        coeffs.append(coeff)

    for (g, k), var in v.starts.items():
        if not v.groups[g][0]:
            continue
        o = problem.options[k]
        for t in range(o.start_slot, o.end_slot):
            add_term(g, t, var, 1)
    for (g, k, rule_no), placements in v.brk.items():
        if not v.groups[g][0]:
            continue
        o = problem.options[k]
        dur = problem.breaks[o.template_id][rule_no].duration_slot
        for off, var in placements:
            for t in range(o.start_slot + off, o.start_slot + off + dur):
                add_term(g, t, var, -1)
    carried: dict[tuple[int, int], int] = defaultdict(int)
    for g, (skills, members) in enumerate(v.groups):
        if skills:
            for a in members:
                for t in problem.agents[a].carried_on_slots:
                    carried[g, t] += problem.agents[a].count
    for (g, t), n in sorted(carried.items()):
        # Agents still on a shift of the previous week: fixed presence on the phones.
        v.carried[g, t] = model.new_constant(n)
        add_term(g, t, v.carried[g, t], 1)
    v.on_terms = on_terms
    for (g, t), (_, coeffs) in on_terms.items():
        if not any(x > 0 for x in coeffs):
            continue
        size = sum(problem.agents[a].count for a in v.groups[g][1])
        for q in v.groups[g][0]:
            req = int(problem.required[q, t])
            if req > 0:
                v.flow[g, q, t] = model.new_int_var(0, min(req, size), f"flow[g={g},q={q},t={t}]")
    return v


def twin_groups(problem: ScheduleProblem) -> list[list[int]]:
    """Agents the model cannot tell apart (same skills, contract, options, preferences and
    previous-week carry: rosters swapped between twins must keep every rule)."""
    twins: dict[tuple, list[int]] = defaultdict(list)
    for a, agent in enumerate(problem.agents):
        twins[agent.twin_key].append(a)
    return [members for members in twins.values() if len(members) > 1]


def _symmetry_breaking(model: cp_model.CpModel, v: c.Variables, problem: ScheduleProblem) -> None:
    """Twins are ordered by weekly paid minutes (first twin works the most)."""
    for members in twin_groups(problem):
        paid = [
            sum(
                problem.options[k].paid_min * v.shift[a, k]
                for d in range(7)
                for k in problem.agents[a].options[d]
            )
            for a in members
        ]
        for first, second in itertools.pairwise(paid):
            model.add(first >= second)


def build_model(
    problem: ScheduleProblem,
    *,
    relax: frozenset[str] = frozenset(),
    symmetry: bool = True,
    max_total_paid_min: int | None = None,
    shortfall_only: bool = False,
) -> BuiltModel:
    """Build the model: variables -> hard rules -> soft rules -> symmetry -> objective.

    Args:
        problem: the integer problem.
        relax: hard-rule families of HARD_RULES to leave out (used to explain infeasibility).
        symmetry: add symmetry breaking between identical agents.
        max_total_paid_min: a labor budget: paid minutes of all agents together at most this.
        shortfall_only: leave out the soft rules and symmetry breaking (the model then only
            minimises shortfall; used on the aggregated relaxation for a lower bound).

    Returns:
        The BuiltModel, its objective set to the weighted sum of every term.
    """
    model = cp_model.CpModel()
    # Variables
    v = add_variables(model, problem)
    # Hard rules
    c.add_one_shift_per_day(model, v, problem)
    c.add_breaks_in_windows(model, v, problem)
    c.add_weekly_hours(
        model,
        v,
        problem,
        minimum="weekly_hours_min" not in relax,
        maximum="weekly_hours_max" not in relax,
    )
    if "max_days" not in relax:
        c.add_max_days_per_week(model, v, problem)
    if "max_consecutive" not in relax:
        c.add_max_consecutive_days(model, v, problem)
    if "min_rest" not in relax:
        c.add_min_rest(model, v, problem)
    c.add_coverage_flow(model, v, problem)
    if max_total_paid_min is not None:
        c.add_labor_budget(model, v, problem, max_total_paid_min)
    # Soft rules
    shortfall = c.shortfall_penalties(v)
    penalties = (
        []
        if shortfall_only
        else [
            *c.surplus_penalties(v, problem),
            *c.paid_hours_penalties(v, problem),
            *c.closed_time_penalties(v, problem),
            *c.preference_penalties(v, problem),
            *c.days_off_blocks_penalties(model, v, problem),
            *c.stable_start_penalties(model, v, problem),
            *c.fairness_penalties(model, v, problem),
        ]
    )
    # Redundant constraints / symmetry breaking
    if symmetry and not shortfall_only:
        _symmetry_breaking(model, v, problem)
    # Objective
    const = sum(
        c.SHORTFALL_TIER_COSTS[min(i, 2)] for req in v.short_const.values() for i in range(req)
    )
    built = BuiltModel(model, v, shortfall, penalties, const)
    model.minimize(built.expr(shortfall) + built.expr(penalties) + const)
    return built

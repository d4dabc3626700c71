"""One function per family of rules.

Hard rules post constraints and return None; soft rules return `list[Penalty]` that the model
adds to the objective. All quantities are in slots (the center's interval) unless the name
says otherwise. The variables live in `Variables` (built by `scheduling.model.add_variables`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduling.problem import ScheduleProblem, clock_distance_min

__all__ = [
    "CLOSED_SLOT_COST",
    "PAID_SLOT_COST",
    "SHORTFALL_TIER_COSTS",
    "SURPLUS_SLOT_COST",
    "Penalty",
    "Variables",
    "add_breaks_in_windows",
    "add_coverage_flow",
    "add_labor_budget",
    "add_max_consecutive_days",
    "add_max_days_per_week",
    "add_min_rest",
    "add_one_shift_per_day",
    "add_weekly_hours",
    "closed_time_penalties",
    "days_off_blocks_penalties",
    "fairness_penalties",
    "paid_hours_penalties",
    "preference_penalties",
    "shortfall_penalties",
    "stable_start_penalties",
    "surplus_penalties",
]

# Shortfall per agent x slot, by tier: the first missing agent of a queue x slot costs 1000,
# the second 1500, every further one 2500. Convex, so the solver spreads a shortage thinly
# instead of leaving one interval badly short.
SHORTFALL_TIER_COSTS = (1000, 1500, 2500)
# An agent on the phones with nothing required of it, per slot.
SURPLUS_SLOT_COST = 2
# Every paid slot (wage cost), so hours beyond what coverage needs are not scheduled.
PAID_SLOT_COST = 1
# A paid slot when none of the agent's queues requires agents (before opening, after
# closing, a Saturday afternoon): paid time no queue can use, on top of the surplus cost.
CLOSED_SLOT_COST = 10
# The stability, preference and fairness costs are the center's (`Center.schedule_weights`).


@dataclass(frozen=True)
class Penalty:
    """One objective term: `coeff * var`, named by `label` for the report."""

    var: cp_model.IntVar | cp_model.LinearExprT
    coeff: int
    label: str


@dataclass
class Variables:
    """The model's decision variables.

    Attributes:
        shift: (agent, option_id) -> bool, the agent works that shift.
        work: (agent, day) -> linear expression, 1 when the agent works that day.
        groups: agents with identical skill sets; group -> (skill queue indices, agents).
        starts: (group, option_id) -> int, the group's agents working that shift.
        brk: (group, option_id, rule) -> list of (offset_slot, int): how many of those agents
            take the rule's break or lunch that many slots after the start. Breaks are
            counted per group: agents of a group working the same shift are
            interchangeable for coverage, so the report hands the placements out.
        on_terms: (group, slot) -> (vars, coeffs) of the number of group agents on the phones.
        flow: (group, queue, slot) -> int, agents of the group serving the queue.
        short: (queue, slot) -> tier variables of the shortfall.
        short_const: (queue, slot) -> required agents nobody can ever cover.
        carried: (group, slot) -> constant, the group's agents on the phones in a shift of
            the previous week.
    """

    shift: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    work: dict[tuple[int, int], cp_model.LinearExprT] = field(default_factory=dict)
    groups: list[tuple[tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)
    starts: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    brk: dict[tuple[int, int, int], list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)
    on_terms: dict[tuple[int, int], tuple[list, list]] = field(default_factory=dict)
    flow: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    short: dict[tuple[int, int], list[cp_model.IntVar]] = field(default_factory=dict)
    short_const: dict[tuple[int, int], int] = field(default_factory=dict)
    carried: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)


def _agent_shifts(v: Variables, a: int, problem: ScheduleProblem, day: int):
    return [(problem.options[k], v.shift[a, k]) for k in problem.agents[a].options[day]]


def _at_most(model: cp_model.CpModel, variables: list, count: int) -> None:
    """At most `count` of the variables (one agent: an at-most-one clique)."""
    if count == 1:
        model.add_at_most_one(variables)
    else:
        model.add(sum(variables) <= count)


def add_one_shift_per_day(model: cp_model.CpModel, v: Variables, problem: ScheduleProblem) -> None:
    """Each agent works at most one shift per day (the day the shift starts on)."""
    for a in range(len(problem.agents)):
        for day in range(7):
            shifts = [var for _, var in _agent_shifts(v, a, problem, day)]
            if len(shifts) > 1:
                _at_most(model, shifts, problem.agents[a].count)


def add_breaks_in_windows(model: cp_model.CpModel, v: Variables, problem: ScheduleProblem) -> None:
    """Every worked shift takes each break and lunch of its template exactly once, inside the
    window measured from its start: per group and shift, the placements of each rule add up
    to the agents working it. Windows of one template never overlap (checked when the
    problem is built), so breaks of one shift never collide."""
    for (g, k), count in v.starts.items():
        members = [a for a in v.groups[g][1] if (a, k) in v.shift]
        model.add(count == sum(v.shift[a, k] for a in members))
    for (g, k, _), placements in v.brk.items():
        model.add(sum(var for _, var in placements) == v.starts[g, k])


def add_weekly_hours(
    model: cp_model.CpModel,
    v: Variables,
    problem: ScheduleProblem,
    *,
    minimum: bool = True,
    maximum: bool = True,
) -> None:
    """Weekly paid minutes stay within the contract's minimum and maximum.

    Args:
        minimum / maximum: post that side (one is left out when explaining infeasibility).
    """
    for a, agent in enumerate(problem.agents):
        terms = [
            (o.paid_min, var) for day in range(7) for o, var in _agent_shifts(v, a, problem, day)
        ]
        paid = sum(c * var for c, var in terms)
        if minimum:
            model.add(paid >= agent.min_paid_min * agent.count)
        if maximum:
            model.add(paid <= agent.max_paid_min * agent.count)


def add_max_days_per_week(model: cp_model.CpModel, v: Variables, problem: ScheduleProblem) -> None:
    """An agent works at most the contract's days per week."""
    for a, agent in enumerate(problem.agents):
        model.add(sum(v.work[a, d] for d in range(7)) <= agent.max_days * agent.count)


def add_max_consecutive_days(
    model: cp_model.CpModel, v: Variables, problem: ScheduleProblem
) -> None:
    """No more than the labor rules' consecutive working days, the previous week's last days
    counted: every window of n + 1 days has at most n worked."""
    n = problem.max_consecutive_days
    for a, agent in enumerate(problem.agents):
        before = set(agent.prev_worked_days)
        for first in range(-n, 7 - n):
            days = range(first, first + n + 1)
            fixed = sum(1 for d in days if d in before)
            if first < 0 and not fixed:
                continue  # fewer than n + 1 days of the week: nothing to limit
            model.add(sum(v.work[a, d] for d in days if d >= 0) <= (n - fixed) * agent.count)


def add_min_rest(model: cp_model.CpModel, v: Variables, problem: ScheduleProblem) -> None:
    """At least min_rest between the end of one shift and the start of the next.

    For each shift on day d+1, it and every shift of day d ending too late for it form a
    clique (at most one worked): a tight linear form with no big-M.
    """
    rest = problem.min_rest_slot
    for a in range(len(problem.agents)):
        for day in range(6):
            today = _agent_shifts(v, a, problem, day)
            for later_day in range(day + 1, 7):
                for o_next, var_next in _agent_shifts(v, a, problem, later_day):
                    clash = [var for o, var in today if o.end_slot + rest > o_next.start_slot]
                    if clash:
                        _at_most(model, [var_next, *clash], problem.agents[a].count)


def add_labor_budget(
    model: cp_model.CpModel, v: Variables, problem: ScheduleProblem, max_total_paid_min: int
) -> None:
    """Paid minutes of all agents together stay within the budget."""
    model.add(
        sum(problem.options[k].paid_min * var for (_, k), var in v.shift.items())
        <= max_total_paid_min
    )


def add_coverage_flow(model: cp_model.CpModel, v: Variables, problem: ScheduleProblem) -> None:
    """Skills and coverage: an on-agent serves one skilled queue per slot (counted once).

    Agents with identical skill sets form a group; flow[g, q, t] agents of group g serve
    queue q at slot t, the group's flows sum to at most its agents on the phones, and a
    queue's coverage (the sum of its flows) never exceeds its requirement, so
    shortfall = required - coverage exactly, split into convex tiers.
    """
    n_q = len(problem.queue_ids)
    by_qt: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_gt: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (g, q, t), var in v.flow.items():
        by_qt[q, t].append(var)
        by_gt[g, t].append(var)
    for (g, t), flows in by_gt.items():
        vars_, coeffs = v.on_terms[g, t]
        model.add(sum(flows) <= cp_model.LinearExpr.weighted_sum(vars_, coeffs))
    for q in range(n_q):
        for t in range(problem.n_slots):
            req = int(problem.required[q, t])
            if req <= 0:
                continue
            flows = by_qt.get((q, t), [])
            if not flows:
                v.short_const[q, t] = req
                continue
            caps = [c for c in (1, 1, req - 2)[:req] if c > 0]
            tiers = [
                model.new_int_var(0, cap, f"short[q={q},t={t},k={tier}]")
                for tier, cap in enumerate(caps)
            ]
            v.short[q, t] = tiers
            model.add(sum(flows) + sum(tiers) == req)


def shortfall_penalties(v: Variables) -> list[Penalty]:
    """Shortfall per queue x slot at the tiered costs (first, second, further agents)."""
    out = []
    for (q, t), tiers in v.short.items():
        for tier, var in enumerate(tiers):
            out.append(Penalty(var, SHORTFALL_TIER_COSTS[tier], f"short[q={q},t={t},k={tier}]"))
    return out


def _on_slots(v: Variables, problem: ScheduleProblem) -> list[tuple[cp_model.IntVar, int]]:
    """(var, coefficient): agent-slots on the phones = shift slots minus break slots."""
    terms = [
        (var, problem.options[k].end_slot - problem.options[k].start_slot)
        for (_, k), var in v.shift.items()
    ]
    for (_, k, rule_no), placements in v.brk.items():
        dur = problem.breaks[problem.options[k].template_id][rule_no].duration_slot
        terms.extend((var, -dur) for _, var in placements)
    return terms


def surplus_penalties(v: Variables, problem: ScheduleProblem) -> list[Penalty]:
    """Agents on the phones beyond every queue's need (idle), per slot."""
    out = [Penalty(var, SURPLUS_SLOT_COST * c, "surplus") for var, c in _on_slots(v, problem)]
    out.extend(Penalty(var, SURPLUS_SLOT_COST, "surplus") for var in v.carried.values())
    out.extend(Penalty(var, -SURPLUS_SLOT_COST, "surplus") for var in v.flow.values())
    return out


def paid_hours_penalties(v: Variables, problem: ScheduleProblem) -> list[Penalty]:
    """Paid time as a cost, per paid slot."""
    return [
        Penalty(
            var,
            PAID_SLOT_COST * (problem.options[k].paid_min // problem.slot_min),
            f"paid[a={a},k={k}]",
        )
        for (a, k), var in v.shift.items()
    ]


def closed_time_penalties(v: Variables, problem: ScheduleProblem) -> list[Penalty]:
    """Slots of a shift when none of the agent's queues requires agents, per slot."""
    open_ = problem.required > 0
    out = []
    for (a, k), var in v.shift.items():
        skills = list(problem.agents[a].skill_queues)
        o = problem.options[k]
        shut = o.end_slot - o.start_slot
        if skills:
            shut -= int(open_[skills, o.start_slot : o.end_slot].any(axis=0).sum())
        if shut:
            out.append(Penalty(var, CLOSED_SLOT_COST * shut, f"closed[a={a},k={k}]"))
    return out


def preference_penalties(v: Variables, problem: ScheduleProblem) -> list[Penalty]:
    """Preferred start time (per hour away from it) and preferred days off (per day worked)."""
    weights = problem.center.schedule_weights
    out = []
    for a, agent in enumerate(problem.agents):
        if agent.preferred_start_min is not None:
            for (aa, k), var in v.shift.items():
                if aa != a:
                    continue
                away_min = clock_distance_min(
                    problem.options[k].start_local_min, agent.preferred_start_min
                )
                coeff = round(weights.preferred_start_miss_cost_per_h * away_min / 60)
                if coeff:
                    out.append(Penalty(var, coeff, f"preferred_start[a={agent.agent_id},k={k}]"))
        if not weights.preferred_day_off_miss_cost_per_day:
            continue
        for day in agent.preferred_days_off:
            out.append(
                Penalty(
                    v.work[a, day],
                    weights.preferred_day_off_miss_cost_per_day,
                    f"preferred_day_off[a={agent.agent_id},d={day}]",
                )
            )
    return out


def stable_start_penalties(
    model: cp_model.CpModel, v: Variables, problem: ScheduleProblem
) -> list[Penalty]:
    """A stable week: start times near one anchor per agent (cost per slot of deviation)."""
    out: list[Penalty] = []
    slot = problem.slot_min
    # Whole per slot: the center refuses a cost per hour that is not.
    per_slot = problem.center.schedule_weights.start_change_cost_per_h * slot // 60
    if not per_slot:
        return out
    horizon = 1440 // slot
    for a, agent in enumerate(problem.agents):
        days = [d for d in range(7) if agent.options[d]]
        if len(days) < 2:
            continue
        anchor = model.new_int_var(0, horizon, f"anchor[a={a}]")
        for day in days:
            shifts = _agent_shifts(v, a, problem, day)
            start = sum((o.start_local_min // slot) * var for o, var in shifts)
            dev = model.new_int_var(0, horizon, f"start_dev[a={a},d={day}]")
            off = 1 - v.work[a, day]
            model.add(dev >= start - anchor - horizon * off)
            model.add(dev >= anchor - start - horizon * off)
            out.append(Penalty(dev, per_slot, f"unstable_start[a={agent.agent_id},d={day}]"))
    return out


def days_off_blocks_penalties(
    model: cp_model.CpModel, v: Variables, problem: ScheduleProblem
) -> list[Penalty]:
    """Days off in one block: each further run of days off in the week (Monday..Sunday, or
    the center's week start) costs `days_off_split_cost_per_block`. A run starts on a day off
    that follows a day worked, or on the week's first day; a day the agent has no shift to
    choose from is a day off."""
    cost = problem.center.schedule_weights.days_off_split_cost_per_block
    if not cost:
        return []
    out = []
    for a, agent in enumerate(problem.agents):
        n = agent.count
        off = [n - v.work[a, d] for d in range(7)]
        starts: list[cp_model.LinearExprT] = [off[0]]
        for d in range(1, 7):
            if not agent.options[d - 1]:
                continue  # off the day before: no run starts here
            if not agent.options[d]:
                starts.append(v.work[a, d - 1])  # off today: a run starts after a day worked
                continue
            first = model.new_int_var(0, n, f"off_run_start[a={a},d={d}]")
            model.add(first >= off[d] - off[d - 1])
            starts.append(first)
        extra = model.new_int_var(0, 3 * n, f"extra_off_runs[a={a}]")
        model.add(extra >= sum(starts) - n)
        out.append(Penalty(extra, cost, f"extra_off_runs[a={agent.agent_id}]"))
    return out


def fairness_penalties(
    model: cp_model.CpModel, v: Variables, problem: ScheduleProblem
) -> list[Penalty]:
    """Weekend and night work shared: a second weekend day costs extra; so do the most nights
    any one agent works."""
    weights = problem.center.schedule_weights
    out = []
    night_counts = []
    for a, agent in enumerate(problem.agents):
        weekend = [v.work[a, d] for d in (5, 6) if agent.options[d]]
        if len(weekend) == 2:
            both = model.new_bool_var(f"both_weekend_days[a={a}]")
            model.add(both >= sum(weekend) - 1)
            out.append(Penalty(both, weights.both_weekend_days_cost, f"both_weekend_days[a={a}]"))
        nights = [var for d in range(7) for o, var in _agent_shifts(v, a, problem, d) if o.is_night]
        if nights:
            night_counts.append(sum(nights))
    if night_counts:
        most = model.new_int_var(0, 7, "max_nights")
        for count in night_counts:
            model.add(most >= count)
        out.append(Penalty(most, weights.max_nights_cost_per_night, "max_nights"))
    return out

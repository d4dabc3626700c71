"""The warm start: shift counts per agent type from a MIP, handed to named agents, then
breaks placed around them by a second MIP.

CP-SAT's search on the full week stalls close to whatever it starts from: from the greedy
baseline it gains a percent or two in two minutes, while the LP bound sits 40 % lower. The
coverage side of the problem is a classic shift-scheduling MIP once identical agents are
merged into types (`aggregate_agents`): integer shift counts per type, continuous breaks,
flows and shortfall. A dive from its LP's vertex, then HiGHS near the LP's counts, solve it
to a few percent of its bound in seconds. The counts are then rostered: a small CP-SAT model
gives each type's shifts to its agents under every per-agent rule (weekly hours, days, rest,
consecutive days) and their preferences. With the shifts fixed (but those of a type whose
counts no roster met), a last MIP places breaks and lunches and splits agents between
queues; CP-SAT improves from there.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections import Counter
from collections.abc import Collection, Mapping

import numpy as np
from ortools.sat.python import cp_model

from scheduling import constraints as c
from scheduling.effort import Allowance, Effort, mip_work_s
from scheduling.mip import HighsResult, dive_highs, solve_highs
from scheduling.model import BuiltModel, build_model
from scheduling.problem import ScheduleProblem, agent_types, aggregate_agents

__all__ = [
    "DAY_MISS_COST",
    "OPTION_MISS_COST",
    "place_breaks",
    "roster_counts",
    "type_shift_counts",
]

log = logging.getLogger(__name__)

# When no roster meets a type's counts exactly: per shift more or fewer than the count of a
# shift option, and (far more) of a day, so a shift moves to another start time that day
# rather than being dropped. Both far above preferences.
OPTION_MISS_COST = 200
DAY_MISS_COST = 2000
# Most of the shift-count time the LP and the dive from it may take: the dive usually ends
# far sooner, and the MIP that starts from its counts gains less per second.
_DIVE_FRAC = 0.8
# A MIP of the search after the dive frees the counts of a chunk of the agent types, about
# this many counts: HiGHS solves such a MIP in seconds, where the MIP over every free count
# of a large pool stays at its root node, separating cuts, for minutes.
_CHUNK_FREE_COUNTS = 100
# Least time worth starting a chunk's MIP with, seconds.
_MIN_CHUNK_S = 1.0
# In deterministic mode a chunk's MIP is charged at least this share of what it was given:
# its root node (presolve, LP, cuts), which the node count does not show, takes most of
# its time, and about 1 / share rounds over the chunks fit in the budget, as they do in the
# time on an idle machine.
_CHUNK_ROOT_FRAC = 0.3
# An LP count this close to an integer counts as that integer.
_INTEGRAL_TOL = 1e-6


def type_shift_counts(
    problem: ScheduleProblem,
    *,
    effort: Effort,
    max_total_paid_min: int | None = None,
    seed: int = 0,
    start: dict[int, tuple[int, ...]] | None = None,
) -> tuple[dict[tuple[int, int], int], HighsResult]:
    """How many agents of each type (`agent_types`) work each shift option.

    Minimises the tiered shortfall plus the small surplus, paid-hours and closed-time costs
    of the full model over the aggregated problem, with only the shift counts integer. The LP
    relaxation is solved first, at a vertex, and a dive from it (`dive_highs`) rounds its
    counts, the least fractional first, re-solving the LP after each batch: within a few
    percent of the LP bound in seconds. MIPs then improve on the dive's counts a chunk of
    the types at a time, searching only between the floor and ceiling of each LP count
    (relaxation enforced neighbourhood search, RENS): most counts are integral at the
    vertex, so each MIP is small, where the unrestricted MIP spends minutes on cuts at the
    root. When the dive finds nothing, one such MIP over all types starts from `start`.

    Args:
        effort: the budget of the LP, the dive and the MIPs together (in deterministic
            mode the MIPs': the LP and the dive run to their end).
        start: a feasible schedule's shifts (per agent index, option ids): the MIP's start
            when the dive finds nothing, its counts added to the searched range, so the MIP
            ends no worse than it.

    Returns:
        (type, option id) -> count (only positive counts), and the HiGHS result of the MIP
        (or of the LP when that found nothing); its values are None when no integer point
        was found in time, and the counts are then empty.
    """
    allowance = Allowance(effort)
    merged = aggregate_agents(problem)
    built = build_model(merged, shortfall_only=True, max_total_paid_min=max_total_paid_min)
    secondary = [
        *c.surplus_penalties(built.v, merged),
        *c.paid_hours_penalties(built.v, merged),
        *c.closed_time_penalties(built.v, merged),
    ]
    built.model.minimize(
        built.expr(built.shortfall) + built.expr(secondary) + built.short_const_cost
    )
    integer = [var.index for var in built.v.shift.values()]
    relaxed, dive = dive_highs(
        built.model, integer=integer, effort=effort.part(_DIVE_FRAC), seed=seed
    )
    if relaxed.values is None:
        return {}, relaxed
    x = relaxed.values
    box = {i: (math.floor(x[i] + _INTEGRAL_TOL), math.ceil(x[i] - _INTEGRAL_TOL)) for i in integer}
    if dive is not None:
        assert dive.values is not None
        start_counts = {i: float(dive.values[i]) for i in integer}
    elif start is not None:
        type_of = {a: t for t, members in enumerate(agent_types(problem)) for a in members}
        worked = Counter((type_of[a], k) for a, ks in start.items() for k in ks)
        start_counts = {var.index: float(worked[key]) for key, var in built.v.shift.items()}
    else:
        start_counts = None
    if start_counts is not None:
        box = {i: (min(lo, n), max(hi, n)) for i, n in start_counts.items() for lo, hi in [box[i]]}
    if dive is not None:
        result = _search_type_chunks(built, box, dive, allowance=allowance, seed=seed)
    else:
        result = solve_highs(
            built.model,
            integer=integer,
            effort=allowance.give(allowance.left_s()),
            rel_gap=0.002,
            seed=seed,
            box=box,
            start=start_counts,
        )
    if result.values is None:
        return {}, result
    counts = {key: round(result.values[var.index]) for key, var in built.v.shift.items()}
    return {key: n for key, n in counts.items() if n > 0}, result


def _search_type_chunks(
    built: BuiltModel,
    box: dict[int, tuple[float, float]],
    start: HighsResult,
    *,
    allowance: Allowance,
    seed: int,
) -> HighsResult:
    """From the dive's counts, MIPs over a chunk of the agent types at a time, the other
    types' counts fixed and every count within `box`; rounds over the chunks until one gains
    nothing or the time is out. Returns the best point (the start when nothing gained)."""
    assert start.values is not None
    type_of = {var.index: t for (t, _), var in built.v.shift.items()}
    n_free = sum(1 for lo, hi in box.values() if hi > lo)
    n_chunks = max(1, math.ceil(n_free / _CHUNK_FREE_COUNTS))
    best = start
    while True:
        gained = False
        for chunk in range(n_chunks):
            left_s = allowance.left_s()
            if left_s < _MIN_CHUNK_S:
                return best
            assert best.values is not None
            current = {i: float(round(best.values[i])) for i in box}
            sub_box = {
                i: bounds if type_of[i] % n_chunks == chunk else (current[i], current[i])
                for i, bounds in box.items()
            }
            # The time left is shared by the chunks left in this round.
            given = allowance.give(left_s / (n_chunks - chunk))
            result = solve_highs(
                built.model,
                integer=list(box),
                effort=given,
                rel_gap=1e-4,
                seed=seed,
                box=sub_box,
                start=current,
            )
            allowance.settle(given, max(_CHUNK_ROOT_FRAC * given.seconds, mip_work_s(result.nodes)))
            if result.values is not None and result.objective < best.objective - 0.5:
                best, gained = result, True
        if not gained or n_chunks == 1:
            return best


def _roster_type(
    problem: ScheduleProblem,
    members: list[int],
    counts: dict[int, int],
    *,
    exact: bool,
    effort: Effort,
    n_workers: int,
    seed: int,
) -> tuple[dict[int, tuple[int, ...]], int] | None:
    """One type's shift counts handed to its agents: a small model of its own (no breaks:
    they are placed later). `exact`: the counts are hard rules, else shifts off their counts
    cost OPTION_MISS_COST and DAY_MISS_COST. Returns the roster and the shifts off their
    counts."""
    alone = dataclasses.replace(
        problem,
        agents=tuple(problem.agents[a] for a in members),
        required=np.zeros_like(problem.required),
        breaks={template: () for template in problem.breaks},
    )
    built = build_model(alone, shortfall_only=True)
    model, v = built.model, built.v
    options = sorted({k for agent in alone.agents for day in agent.options for k in day})
    misses = []

    def miss(worked: cp_model.LinearExprT, target: int, cost: int, label: str) -> None:
        off = model.new_int_var(0, len(members) * 7, label)
        model.add(off >= worked - target)
        model.add(off >= target - worked)
        misses.append(c.Penalty(off, cost, label))

    for k in options:
        worked = sum(v.shift[i, k] for i in range(len(members)) if (i, k) in v.shift)
        if exact:
            model.add(worked == counts.get(k, 0))
        else:
            miss(worked, counts.get(k, 0), OPTION_MISS_COST, f"option_miss[k={k}]")
    if not exact:
        for day in range(7):
            on_day = [k for k in options if problem.options[k].day == day]
            worked = sum(
                v.shift[i, k] for k in on_day for i in range(len(members)) if (i, k) in v.shift
            )
            miss(worked, sum(counts.get(k, 0) for k in on_day), DAY_MISS_COST, f"day_miss[d={day}]")
    model.minimize(
        built.expr(
            [
                *misses,
                *c.preference_penalties(v, alone),
                *c.days_off_blocks_penalties(model, v, alone),
                *c.stable_start_penalties(model, v, alone),
                *c.fairness_penalties(model, v, alone),
            ]
        )
    )
    solver = cp_model.CpSolver()
    effort.set_cp_sat(solver, n_workers=n_workers, seed=seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if missed := sum(solver.value(p.var) for p in misses):
        log.info("roster of type %s: %d shifts off their count", alone.agents[0].agent_id, missed)
    return {
        a: tuple(
            sorted(
                (k for (i, k), var in v.shift.items() if i == pos and solver.value(var)),
                key=lambda k: problem.options[k].start_slot,
            )
        )
        for pos, a in enumerate(members)
    }, missed


def roster_counts(
    problem: ScheduleProblem,
    counts: dict[tuple[int, int], int],
    *,
    effort: Effort,
    n_workers: int = 1,
    seed: int = 0,
) -> tuple[dict[int, tuple[int, ...]], set[int]] | None:
    """Give each type's shift counts to its agents.

    A type of one agent works its counts as they are (its aggregated rules are its own).
    Larger types share nothing once their counts are fixed, so each is a small model of its
    own: every per-agent hard rule holds, the counts are met exactly where a roster can
    (the aggregated rules can admit counts that no roster of named agents reaches, e.g.
    night and day shifts that the rest rule keeps apart for each agent; then shifts move to
    other start times of the same day before any is dropped), and preferences, stable
    starts and fairness within the type are the remaining costs.

    Args:
        effort: the budget of all types together, shared by their number of agents.
        n_workers: CP-SAT search workers.

    Returns:
        Per agent index, the option ids worked, and the agents of the types whose counts
        no roster met exactly (`place_breaks` may move their shifts); None when a type found
        no roster in time.
    """
    allowance = Allowance(effort)
    types = agent_types(problem)
    shifts: dict[int, tuple[int, ...]] = {}
    loose: set[int] = set()

    pending = sum(len(members) for members in types if len(members) > 1)
    for t, members in enumerate(types):
        own = {k: n for (tt, k), n in counts.items() if tt == t}
        if len(members) == 1:
            shifts[members[0]] = tuple(sorted(own, key=lambda k: problem.options[k].start_slot))
            continue
        share = Allowance(allowance.give(allowance.left_s() * len(members) / pending))
        pending -= len(members)
        # Exact counts are found, or proven out of reach, in a fraction of the share.
        part = _roster_type(
            problem,
            members,
            own,
            exact=True,
            n_workers=n_workers,
            seed=seed,
            effort=share.give(0.5 * share.left_s()),
        ) or _roster_type(
            problem,
            members,
            own,
            exact=False,
            n_workers=n_workers,
            seed=seed,
            effort=share.give(share.left_s()),
        )
        if part is None:
            log.warning(
                "no roster for the MIP's shift counts of %s within the time",
                problem.agents[members[0]].agent_id,
            )
            return None
        roster, missed = part
        shifts.update(roster)
        if missed:
            loose.update(members)
    return shifts, loose


def place_breaks(
    built: BuiltModel,
    shifts: dict[int, tuple[int, ...]],
    *,
    effort: Effort,
    seed: int = 0,
    free: Collection[int] = (),
    start: Mapping[int, int] | None = None,
) -> tuple[dict[int, int], float] | None:
    """Breaks, flows and shortfall for fixed shifts: the model's MIP with the shifts fixed.

    With the shifts fixed what remains is small and its LP nearly integral, so HiGHS solves
    it to optimality in seconds, where CP-SAT's search leaves it far from optimal.

    Args:
        built: the full model, its objective set (pass 1: the shortfall).
        shifts: per agent index, the option ids worked (twins already ordered).
        free: agents whose shifts stay free (their `shifts` start the MIP): those of the
            types whose counts no roster met, so the MIP moves their shifts where the
            counts' lost coverage is, under each agent's own rules.
        start: a complete point of the model (as this function returns), the MIP's start
            instead of `shifts` alone: HiGHS keeps a complete start, where it may fail to
            complete a start of the free shifts alone when many agents are free.

    Returns:
        proto index -> value for every shift, shift count, break count, flow and shortfall
        tier variable, and the objective there; None when HiGHS found nothing in time.
    """
    v = built.v
    worked = {(a, k) for a, ks in shifts.items() for k in ks}
    free = set(free)
    box = {
        var.index: (float(key in worked),) * 2 for key, var in v.shift.items() if key[0] not in free
    }
    moving = [var.index for key, var in v.shift.items() if key[0] in free]
    start_point = (
        {i: float(x) for i, x in start.items()}
        if start is not None
        else {var.index: float(key in worked) for key, var in v.shift.items() if key[0] in free}
    )
    placements = [var.index for pairs in v.brk.values() for _, var in pairs]
    flows = [var.index for var in v.flow.values()]
    result = solve_highs(
        built.model,
        integer=moving + placements + flows,
        box=box,
        effort=effort,
        rel_gap=1e-3,
        seed=seed,
        start=start_point or None,
    )
    if result.values is None:
        return None
    keep = [
        *(var.index for var in v.shift.values()),
        *(var.index for var in v.starts.values()),
        *placements,
        *flows,
        *(var.index for tiers in v.short.values() for var in tiers),
    ]
    return {i: round(result.values[i]) for i in keep}, result.objective

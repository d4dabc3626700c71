"""The MIP warm start: shift counts per type, rostered to named agents, breaks placed."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from scheduling.baseline import greedy_schedule
from scheduling.effort import Effort
from scheduling.model import build_model
from scheduling.problem import agent_types
from scheduling.solve import solve
from scheduling.warmstart import place_breaks, roster_counts, type_shift_counts
from tests.scheduling.conftest import PARAMS, problem, tiny_center

NEED = {("office", d, 8 * 60, 18 * 60): 3 for d in (0, 1)} | {
    ("triage", d, 0, 24 * 60): 1 for d in (0, 1)
}
ROWS = [{"agent_id": f"o{i}", "skills": ["office"]} for i in range(4)] + [
    {"agent_id": "t1", "skills": ["triage", "office"]},
    {"agent_id": "t2", "skills": ["triage", "office"], "preferred_start": "22:00"},
]


def _counts(p, shifts) -> Counter:
    type_of = {a: t for t, members in enumerate(agent_types(p)) for a in members}
    return Counter((type_of[a], k) for a, ks in shifts.items() for k in ks)


def test_the_warm_start_reaches_the_shortfall_cp_sat_proves_optimal():
    p = problem(tiny_center(), ROWS, NEED)
    warm = solve(p, params=PARAMS)
    exact = solve(p, params=dataclasses.replace(PARAMS, mip_start=False, max_time_s=20))
    assert exact.status == "OPTIMAL"
    assert warm.shortfall_cost == exact.shortfall_cost
    assert warm.shortfall_bound <= warm.shortfall_cost + 1e-6


def test_rosterable_counts_are_met_exactly():
    p = problem(tiny_center(), ROWS, NEED)
    counts = _counts(p, greedy_schedule(p).shifts)
    rostered = roster_counts(p, dict(counts), effort=Effort(5))
    assert rostered is not None
    shifts, loose = rostered
    assert _counts(p, shifts) == counts
    assert not loose
    assert all(len({p.options[k].day for k in ks}) == len(ks) for ks in shifts.values())


def _six_on_a_monday_shift():
    """Six agents of a four-agent type on one Monday shift (and none on Tuesday), rostered:
    the problem, the office type, the option, the roster and the loose agents."""
    p = problem(tiny_center(), ROWS, NEED)
    office = next(t for t, members in enumerate(agent_types(p)) if len(members) == 4)
    monday = p.agents[agent_types(p)[office][0]].options[0][0]
    rostered = roster_counts(p, {(office, monday): 6}, effort=Effort(5))
    assert rostered is not None
    return p, office, monday, *rostered


def test_counts_no_roster_can_meet_are_met_as_closely_as_the_rules_allow():
    p, office, monday, shifts, loose = _six_on_a_monday_shift()
    # At most four can work it.
    assert _counts(p, shifts)[office, monday] == 4
    assert loose == set(agent_types(p)[office])


def test_the_shift_count_mip_covers_what_its_types_can_cover():
    p = problem(tiny_center(), ROWS, NEED)
    counts, result = type_shift_counts(p, effort=Effort(10))
    assert result.values is not None
    per_day = Counter((t, p.options[k].day) for (t, k), n in counts.items() for _ in range(n))
    sizes = [len(members) for members in agent_types(p)]
    assert all(n <= sizes[t] for (t, _), n in per_day.items())
    assert sum(counts.values()) > 0


def _shortfall_model(p):
    built = build_model(p)
    built.model.minimize(built.expr(built.shortfall) + built.short_const_cost)
    return built


def test_breaks_placed_with_the_loose_types_free_recover_the_coverage_their_roster_lost():
    # Four are rostered on Monday, Tuesday is bare.
    p, _, _, shifts, loose = _six_on_a_monday_shift()
    fixed = place_breaks(_shortfall_model(p), shifts, effort=Effort(10))
    moved = place_breaks(_shortfall_model(p), shifts, effort=Effort(10), free=loose)
    assert fixed is not None and moved is not None
    # No better than the whole model's proven optimum, where every agent is free.
    exact = solve(p, params=dataclasses.replace(PARAMS, mip_start=False, max_time_s=20))
    assert exact.status == "OPTIMAL"
    assert exact.shortfall_cost <= moved[1] < fixed[1]


def test_every_agent_freed_from_a_complete_point_reaches_the_proven_optimum():
    p, _, _, shifts, _ = _six_on_a_monday_shift()
    built = _shortfall_model(p)
    fixed = place_breaks(built, shifts, effort=Effort(10))
    assert fixed is not None
    every = place_breaks(
        built, shifts, effort=Effort(10), free=range(len(p.agents)), start=fixed[0]
    )
    assert every is not None
    exact = solve(p, params=dataclasses.replace(PARAMS, mip_start=False, max_time_s=20))
    assert exact.status == "OPTIMAL"
    # The full MIP from the fixed shifts' point: never worse than it, as good as CP-SAT's
    # proven optimum.
    assert every[1] <= fixed[1]
    assert every[1] == pytest.approx(exact.shortfall_cost)

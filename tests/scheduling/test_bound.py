"""The shortfall bounds never exceed the shortfall of a schedule actually found."""

from __future__ import annotations

import dataclasses

from scheduling.bound import shortfall_lp_bound
from scheduling.effort import Effort
from scheduling.problem import aggregate_agents
from scheduling.solve import solve
from tests.scheduling.conftest import PARAMS, problem

ROWS = [{"agent_id": f"a{i}", "skills": ["office"]} for i in range(3)] + [
    {"agent_id": "t", "skills": ["triage", "office"]}
]
NEED = {("office", 0, 8 * 60, 18 * 60): 3, ("triage", 0, 0, 24 * 60): 1}


def test_identical_agents_merge_into_one_spec_with_a_count(small):
    merged = aggregate_agents(problem(small, ROWS, NEED))
    assert sorted(a.count for a in merged.agents) == [1, 3]


def test_the_lp_bound_is_below_the_solved_shortfall_and_above_the_unreachable_part(small):
    p = problem(small, ROWS, NEED)
    result = solve(p, params=dataclasses.replace(PARAMS, lp_bound=True))
    lp = shortfall_lp_bound(p, effort=Effort(0.5))
    assert lp is not None and result.lp_bound is not None
    assert result.lp_bound >= lp - 1e-6
    # Triage 00:00-02:00 and 02:00-08:00 on Monday: no shift reaches it (16 slots x 1000).
    assert 16 * 1000 <= lp <= result.shortfall_cost + 1e-6
    assert result.shortfall_bound >= lp - 1e-6


def test_the_root_node_raises_the_lp_bound_and_stays_below_the_optimum(small):
    # The root's cuts are valid for integer counts only: its bound may pass the LP's, never
    # the optimum CP-SAT proves.
    p = problem(
        small, ROWS, {("office", 0, 8 * 60, 11 * 60): 2, ("office", 0, 14 * 60, 18 * 60): 1}
    )
    # Too little time for the root node: the LP alone.
    lp_only = shortfall_lp_bound(p, effort=Effort(0.5))
    with_root = shortfall_lp_bound(p, effort=Effort(30.0))
    optimum = solve(p, params=dataclasses.replace(PARAMS, max_time_s=30, mip_start=False))
    assert optimum.status == "OPTIMAL"
    assert lp_only is not None and with_root is not None
    assert lp_only - 1e-6 <= with_root <= optimum.shortfall_cost + 1e-6

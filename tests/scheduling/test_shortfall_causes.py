"""When requirements cannot be met, the best schedule comes back with the causes listed."""

from __future__ import annotations

from scheduling.report import coverage_frame, shortfall_causes
from scheduling.solution import allocate
from scheduling.solve import solve
from tests.scheduling.conftest import PARAMS, problem


def _causes(center, rows, need):
    p = problem(center, rows, need)
    state = allocate(p, solve(p, params=PARAMS).solution)
    return shortfall_causes(p, coverage_frame(p, state))


def test_too_few_skilled_agents_at_night_is_named_with_the_counts(small):
    need = {("triage", 0, 22 * 60, 24 * 60): 3}
    causes = _causes(
        small,
        [{"agent_id": "n", "skills": ["triage"]}, {"agent_id": "o", "skills": ["office"]}],
        need,
    )
    assert len(causes) == 1
    assert causes[0].startswith("triage Mon 2026-11-30 22:00-00:00")
    assert "too few triage-skilled agents can work then (at most 1, 3 required)" in causes[0]


def test_hours_no_shift_can_reach_are_named(small):
    need = {("triage", 0, 3 * 60, 4 * 60): 1}
    causes = _causes(small, [{"agent_id": "n", "skills": ["triage"]}], need)
    assert causes == [
        "triage Mon 2026-11-30 03:00-04:00: short 1 agent-h (up to 1 agents); no "
        "triage-skilled agent has a shift template or availability then"
    ]


def test_a_met_requirement_lists_no_cause(small):
    need = {("office", 0, 9 * 60, 11 * 60): 1}
    assert _causes(small, [{"agent_id": "o", "skills": ["office"]}], need) == []

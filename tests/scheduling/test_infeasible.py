"""Contradictory hard rules give an explanation naming the agent and rules, not a traceback."""

from __future__ import annotations

import pytest

from scheduling.solve import solve
from tests.scheduling.conftest import PARAMS, flex_center, problem
from wfm.errors import InfeasibleError


def test_contract_minimum_beyond_availability_names_the_agent_and_the_hours():
    center = flex_center(hours_min=8, hours_max=8, templates=("day4",), max_days=2)
    monday_only = [{"weekday": 0, "start_min": 0, "end_min": 1440}]
    p = problem(center, [{"agent_id": "a7", "skills": ["office"], "availability": monday_only}], {})
    with pytest.raises(InfeasibleError) as err:
        solve(p, params=PARAMS)
    text = str(err.value)
    assert "agent a7" in text
    assert "at least 8 h" in text and "at most 4 h" in text


def test_no_template_inside_the_availability_is_explained():
    center = flex_center(hours_min=4, hours_max=8, templates=("day4",), max_days=2)
    early = [{"weekday": 0, "start_min": 0, "end_min": 7 * 60}]
    p = problem(center, [{"agent_id": "a1", "skills": ["office"], "availability": early}], {})
    with pytest.raises(InfeasibleError, match=r"agent a1: no shift template of contract flex"):
        solve(p, params=PARAMS)


def test_rest_rule_against_contract_minimum_is_found_by_solving_the_agent_alone():
    # Only a Monday night and a Tuesday morning shift fit the availability: 6 h apart, while
    # the contract needs both (7.5 paid h) and the rest rule asks 11 h.
    center = flex_center(
        hours_min=7.5,
        hours_max=8,
        templates=(
            "day4",
            "night4",
        ),
        max_days=2,
    )
    avail = [
        {"weekday": 0, "start_min": 22 * 60, "end_min": 26 * 60},
        {"weekday": 1, "start_min": 8 * 60, "end_min": 12 * 60},
    ]
    p = problem(center, [{"agent_id": "n3", "skills": ["triage"], "availability": avail}], {})
    with pytest.raises(InfeasibleError) as err:
        solve(p, params=PARAMS)
    text = str(err.value)
    assert "agent n3" in text
    assert "minimum rest between shifts" in text


def test_a_labor_budget_below_the_contract_minimums_is_explained():
    import dataclasses

    center = flex_center(hours_min=8, hours_max=8, templates=("day4",), max_days=2)
    p = problem(
        center,
        [{"agent_id": "a", "skills": ["office"]}, {"agent_id": "b", "skills": ["office"]}],
        {},
    )
    with pytest.raises(InfeasibleError, match="labor budget 10 h is below the 16 h"):
        solve(p, params=dataclasses.replace(PARAMS, max_total_paid_h=10))

"""Agents with states but no schedule, and with a schedule but no states."""

from __future__ import annotations

from tests.wfm.adherence.conftest import DAY, at, schedule, states
from wfm.adherence import adherence


def test_states_without_schedule_are_work_while_off_and_have_no_adherence(center):
    plan = schedule([("a1", "work", "08:00", "12:00")])
    actual = states(
        [("a1", "Available", "08:00", "12:00"), ("ghost", "Available", "09:00", "10:00")]
    )
    result = adherence(plan, actual, center, as_of=at("13:00"))
    ghost = result.agent_days.filter(agent_id="ghost").row(0, named=True)
    assert ghost["date"] == DAY
    assert (ghost["scheduled_s"], ghost["worked_s"]) == (0.0, 3600.0)
    assert ghost["adherence"] is None and ghost["conformance"] is None
    kinds = result.exceptions.filter(agent_id="ghost").get_column("kind").to_list()
    assert kinds == ["worked_while_off"]


def test_schedule_without_states_is_zero_adherence(center):
    plan = schedule([("a1", "work", "08:00", "12:00"), ("gone", "work", "08:00", "12:00")])
    actual = states([("a1", "Available", "08:00", "12:00")])
    result = adherence(plan, actual, center, as_of=at("13:00"))
    gone = result.agent_days.filter(agent_id="gone").row(0, named=True)
    assert (gone["scheduled_s"], gone["in_adherence_s"], gone["adherence"]) == (14400.0, 0.0, 0.0)
    assert gone["conformance"] == 0.0


def test_scheduled_off_rows_are_not_scheduled_time(center):
    plan = schedule([("a1", "off", "00:00", "24:00")])
    actual = states([("a1", "Logged Out", "08:00", "12:00")])
    result = adherence(plan, actual, center, as_of=at("13:00"))
    assert result.agent_days.height == 0
    assert result.exceptions.height == 0

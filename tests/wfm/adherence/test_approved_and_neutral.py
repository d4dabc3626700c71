"""Approved exceptions override the schedule; neutral states and activities count neither way."""

from __future__ import annotations

from tests.wfm.adherence.conftest import at, schedule, states
from wfm.adherence import AdherenceRules, adherence

SHIFT = [("a1", "work", "08:00", "12:00")]


def test_an_approved_meeting_puts_the_meeting_in_adherence(center):
    actual = states(
        [
            ("a1", "Available", "08:00", "10:00"),
            ("a1", "Meeting", "10:00", "10:30"),
            ("a1", "Available", "10:30", "12:00"),
        ]
    )
    without = adherence(schedule(SHIFT), actual, center, as_of=at("13:00"))
    assert without.exceptions.get_column("kind").to_list() == ["unscheduled_state"]
    approved = schedule([("a1", "meeting", "10:00", "10:30")])
    result = adherence(schedule(SHIFT), actual, center, as_of=at("13:00"), approved=approved)
    assert result.exceptions.height == 0
    row = result.agent_days.row(0, named=True)
    assert (row["adherence"], row["work_scheduled_s"], row["worked_s"]) == (1.0, 12600.0, 12600.0)


def test_approved_time_off_removes_the_early_leave(center):
    actual = states([("a1", "Available", "08:00", "11:00"), ("a1", "Logged Out", "11:00", None)])
    approved = schedule([("a1", "off", "11:00", "12:00")])
    result = adherence(schedule(SHIFT), actual, center, as_of=at("13:00"), approved=approved)
    assert result.exceptions.height == 0
    assert result.agent_days.select("scheduled_s", "adherence").rows() == [(10800.0, 1.0)]


def test_a_neutral_state_is_left_out_of_scheduled_time(center):
    rules = AdherenceRules(mapping={"Available": "work", "System Down": "neutral"})
    actual = states(
        [("a1", "Available", "08:00", "11:00"), ("a1", "System Down", "11:00", "12:00")]
    )
    result = adherence(schedule(SHIFT), actual, center, as_of=at("13:00"), rules=rules)
    assert result.agent_days.select("scheduled_s", "in_adherence_s").rows() == [(10800.0, 10800.0)]
    assert result.exceptions.height == 0


def test_a_neutral_activity_is_left_out_of_scheduled_time(center):
    plan = schedule(
        [*SHIFT[:0], ("a1", "work", "08:00", "11:00"), ("a1", "training", "11:00", "12:00")]
    )
    actual = states([("a1", "Available", "08:00", "12:00")])
    rules = AdherenceRules(neutral_activities=("training",))
    result = adherence(plan, actual, center, as_of=at("13:00"), rules=rules)
    assert result.agent_days.select("scheduled_s", "adherence").rows() == [(10800.0, 1.0)]
    strict = adherence(plan, actual, center, as_of=at("13:00"))
    assert strict.agent_days.select("scheduled_s", "adherence").rows() == [(14400.0, 0.75)]


def test_a_schedule_row_on_top_of_work_wins_where_they_overlap(center):
    # A scheduler may send one work row for the shift and break rows on top of it.
    plan = schedule([("a1", "work", "08:00", "12:00"), ("a1", "break", "10:00", "10:15")])
    actual = states(
        [
            ("a1", "Available", "08:00", "10:00"),
            ("a1", "Break", "10:00", "10:15"),
            ("a1", "Available", "10:15", "12:00"),
        ]
    )
    result = adherence(plan, actual, center, as_of=at("13:00"))
    assert result.agent_days.select("scheduled_s", "work_scheduled_s", "adherence").rows() == [
        (14400.0, 13500.0, 1.0)
    ]

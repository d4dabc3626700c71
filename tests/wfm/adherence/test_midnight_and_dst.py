"""Shifts crossing midnight belong to the day they start; daylight-saving days have 23/25 h."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.wfm.adherence.conftest import DAY, at, schedule, states
from wfm.adherence import adherence

NIGHT = [
    ("n1", "work", "22:00", "26:00"),
    ("n1", "break", "26:00", "26:15"),
    ("n1", "work", "26:15", "30:00"),
]


def test_a_night_shift_belongs_to_the_day_it_starts(center):
    actual = states(
        [
            ("n1", "Available", "22:00", "26:00"),
            ("n1", "Break", "26:00", "26:15"),
            ("n1", "Available", "26:15", "29:30"),
            ("n1", "Logged Out", "29:30", None),
        ]
    )
    result = adherence(schedule(NIGHT), actual, center, as_of=at("32:00"))
    assert result.agent_days.select("date", "scheduled_s").rows() == [(DAY, 480 * 60.0)]
    exc = result.exceptions.row(0, named=True)
    assert (exc["kind"], exc["date"], exc["duration_s"]) == ("early_leave", DAY, 1800.0)
    assert exc["start"] == at("05:30", DAY + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("day", "hours"),
    [(dt.date(2026, 3, 7), 7), (dt.date(2026, 10, 31), 9), (dt.date(2026, 11, 10), 8)],
    ids=["spring-forward", "fall-back", "plain"],
)
def test_a_night_shift_over_a_dst_change_lasts_its_real_hours(center, day, hours):
    shift = [("n1", "work", "22:00", "30:00")]
    actual = states([("n1", "Available", "22:00", "30:00")], day)
    result = adherence(schedule(shift, day), actual, center, as_of=at("32:00", day))
    row = result.agent_days.row(0, named=True)
    assert row["date"] == day
    assert row["scheduled_s"] == hours * 3600
    assert row["adherence"] == 1.0


@pytest.mark.parametrize(
    ("day", "after_midnight_h"),
    [(dt.date(2026, 3, 7), 3), (dt.date(2026, 10, 31), 5)],
    ids=["spring-forward", "fall-back"],
)
def test_unscheduled_work_is_split_at_local_midnight_on_dst_days(center, day, after_midnight_h):
    # No schedule at all: 23:00 to 04:00 local is 4 real hours in spring, 6 in fall.
    actual = states([("x", "Available", "23:00", "28:00")], day)
    other = schedule([("y", "work", "08:00", "09:00")], day)
    result = adherence(other, actual, center, as_of=at("30:00", day))
    exc = result.exceptions.filter(agent_id="x").sort("start")
    next_day = day + dt.timedelta(days=1)
    assert exc.select("kind", "date", "duration_s").rows() == [
        ("worked_while_off", day, 3600.0),
        ("worked_while_off", next_day, after_midnight_h * 3600.0),
    ]
    days = result.agent_days.filter(agent_id="x").sort("date")
    assert days.select("date", "worked_s", "scheduled_s").rows() == [
        (day, 3600.0, 0.0),
        (next_day, after_midnight_h * 3600.0, 0.0),
    ]
    assert days.get_column("adherence").to_list() == [None, None]


def test_a_day_shift_on_the_dst_day_is_counted_in_real_seconds(center):
    day = dt.date(2026, 11, 1)
    shift = [("d1", "work", "00:30", "08:30")]  # crosses the repeated 01:00-02:00 hour
    actual = states([("d1", "Available", "00:30", "08:30")], day)
    result = adherence(schedule(shift, day), actual, center, as_of=at("12:00", day))
    assert result.agent_days.select("date", "scheduled_s").rows() == [(day, 9 * 3600.0)]

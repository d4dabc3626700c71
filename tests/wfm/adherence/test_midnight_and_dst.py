"""Shifts crossing midnight belong to the day they start; daylight-saving days have 23/25 h."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.wfm.adherence.conftest import DAY, at, logged_out_at, on_plan, schedule, states
from wfm.adherence import adherence

NIGHT = [
    ("n1", "work", "22:00", "26:00"),
    ("n1", "break", "26:00", "26:15"),
    ("n1", "work", "26:15", "30:00"),
]


def test_a_night_shift_belongs_to_the_day_it_starts(center):
    actual = states(logged_out_at(on_plan(NIGHT), "29:30"))
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


@pytest.mark.parametrize(
    ("day", "hours"), [(dt.date(2026, 3, 8), 7), (dt.date(2026, 11, 1), 9)], ids=["spring", "fall"]
)
def test_a_day_shift_on_the_dst_day_is_counted_in_real_seconds(center, day, hours):
    shift = [("d1", "work", "00:30", "08:30")]  # crosses the skipped / repeated hour
    actual = states([("d1", "Available", "00:30", "08:00")], day)
    result = adherence(schedule(shift, day), actual, center, as_of=at("12:00", day))
    row = result.agent_days.row(0, named=True)
    assert (row["date"], row["scheduled_s"]) == (day, hours * 3600.0)
    assert row["in_adherence_s"] == (hours - 0.5) * 3600.0
    assert result.exceptions.select("kind", "duration_s").rows() == [("early_leave", 1800.0)]


def test_staying_late_after_a_night_shift_counts_on_the_shift_day(center):
    actual = states(logged_out_at(on_plan(NIGHT), "30:20"))
    result = adherence(schedule(NIGHT), actual, center, as_of=at("34:00"))
    assert result.agent_days.select("date", "worked_s", "conformance").rows() == [
        (DAY, (465 + 20) * 60.0, 485 / 465)
    ]
    exc = result.exceptions.row(0, named=True)
    assert (exc["kind"], exc["date"], exc["duration_s"]) == ("worked_while_off", DAY, 1200.0)


def test_logging_in_early_for_a_midnight_shift_counts_on_the_shift_day(center):
    shift = [("m1", "work", "24:00", "32:00")]
    actual = states([("m1", "Available", "23:50", "32:00")])
    result = adherence(schedule(shift), actual, center, as_of=at("34:00"))
    next_day = DAY + dt.timedelta(days=1)
    assert result.agent_days.select("date", "worked_s").rows() == [(next_day, 490 * 60.0)]

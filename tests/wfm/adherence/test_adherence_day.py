"""Full-day adherence and conformance on a hand-built shift with known answers."""

from __future__ import annotations

import pytest

from tests.wfm.adherence.conftest import DAY, DAY_SHIFT, at, schedule, states
from wfm.adherence import AGENT_DAY_COLUMNS, AdherenceRules, adherence


def test_perfect_day_is_fully_adherent_and_conformant(center):
    actual = states(
        [
            ("a1", "Available", "08:00", "10:00"),
            ("a1", "Break", "10:00", "10:15"),
            ("a1", "On Call", "10:15", "12:00"),
            ("a1", "Lunch", "12:00", "12:30"),
            ("a1", "After Call Work", "12:30", "16:30"),
            ("a1", "Logged Out", "16:30", None),
        ]
    )
    result = adherence(schedule(DAY_SHIFT), actual, center, as_of=at("20:00"))
    row = result.agent_days.row(0, named=True)
    assert tuple(result.agent_days.columns) == AGENT_DAY_COLUMNS
    assert row["date"] == DAY
    assert row["scheduled_s"] == 510 * 60
    assert row["in_adherence_s"] == 510 * 60
    assert row["adherence"] == 1.0
    assert row["work_scheduled_s"] == 465 * 60
    assert row["worked_s"] == 465 * 60
    assert row["conformance"] == 1.0
    assert row["n_exceptions"] == 0
    assert result.exceptions.height == 0


def test_late_long_break_long_lunch_early_leave_give_minute_exact_figures(center):
    actual = states(
        [
            ("a1", "Available", "08:07", "10:00"),
            ("a1", "Break", "10:00", "10:25"),
            ("a1", "On Call", "10:25", "12:00"),
            ("a1", "Lunch", "12:00", "12:45"),
            ("a1", "Available", "12:45", "16:00"),
            ("a1", "Logged Out", "16:00", None),
        ]
    )
    result = adherence(schedule(DAY_SHIFT), actual, center, as_of=at("20:00"))
    row = result.agent_days.row(0, named=True)
    out_min = 7 + 10 + 15 + 30
    assert row["in_adherence_s"] == (510 - out_min) * 60
    assert row["adherence"] == pytest.approx((510 - out_min) / 510)
    # Worked: 08:07-10:00, 10:25-12:00, 12:45-16:00 = 113 + 95 + 195 minutes.
    assert row["worked_s"] == (113 + 95 + 195) * 60
    assert row["conformance"] == pytest.approx(403 / 465)
    kinds = result.exceptions.select("kind", "duration_s", "severity").rows()
    assert kinds == [
        ("late_start", 420.0, "warning"),
        ("long_break", 600.0, "warning"),
        ("long_lunch", 900.0, "severe"),
        ("early_leave", 1800.0, "severe"),
    ]
    first = result.exceptions.row(0, named=True)
    assert (first["start"], first["end"]) == (at("08:00"), at("08:07"))
    assert first["scheduled_activity"] == "work"
    assert first["actual_state"] is None


def test_overtime_makes_conformance_exceed_one(center):
    shift = [("a1", "work", "08:00", "12:00")]
    actual = states([("a1", "Available", "08:00", "13:00"), ("a1", "Logged Out", "13:00", None)])
    result = adherence(schedule(shift), actual, center, as_of=at("20:00"))
    row = result.agent_days.row(0, named=True)
    assert row["adherence"] == 1.0
    assert row["conformance"] == pytest.approx(300 / 240)
    assert result.exceptions.select("kind", "duration_s").rows() == [("worked_while_off", 3600.0)]


def test_team_rollup_is_a_ratio_of_sums(center):
    shift = [("a1", "work", "08:00", "12:00"), ("a2", "work", "08:00", "10:00")]
    actual = states(
        [
            ("a1", "Available", "08:00", "12:00"),
            ("a2", "Available", "09:00", "10:00"),
        ]
    )
    import polars as pl

    roster = pl.DataFrame({"agent_id": ["a1", "a2"], "team": ["sched_a", "sched_a"]})
    result = adherence(schedule(shift), actual, center, as_of=at("20:00"), roster=roster)
    team = result.teams.row(0, named=True)
    assert team["team"] == "sched_a"
    assert team["n_agents"] == 2
    assert team["scheduled_s"] == 360 * 60
    assert team["adherence"] == pytest.approx(300 / 360)
    assert team["n_exceptions"] == 1


def test_scheduled_time_after_as_of_is_not_counted_yet(center):
    actual = states([("a1", "Available", "08:00", None)])
    result = adherence(
        schedule(DAY_SHIFT), actual, center, as_of=at("09:30"), rules=AdherenceRules()
    )
    row = result.agent_days.row(0, named=True)
    assert row["scheduled_s"] == 90 * 60
    assert row["adherence"] == 1.0

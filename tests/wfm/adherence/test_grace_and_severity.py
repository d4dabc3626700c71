"""The grace threshold forgives short deviation runs; the severe threshold flags long ones."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.wfm.adherence.conftest import TS, at, available_except, schedule, states
from wfm.adherence import AdherenceRules, adherence

SHIFT = [("a1", "work", "08:00", "12:00")]


def _late_by(seconds: int) -> pl.DataFrame:
    start = at("08:00") + dt.timedelta(seconds=seconds)
    return pl.DataFrame(
        {"agent_id": ["a1"], "state": ["Available"], "start": [start], "end": [at("12:00")]},
        schema={"agent_id": pl.String, "state": pl.String, "start": TS, "end": TS},
    )


@pytest.mark.parametrize(
    ("late_s", "counted"), [(0, False), (60, False), (299, False), (300, True), (301, True)]
)
def test_a_late_start_counts_only_from_the_grace_threshold_on(center, late_s, counted):
    result = adherence(schedule(SHIFT), _late_by(late_s), center, as_of=at("13:00"))
    row = result.agent_days.row(0, named=True)
    expected_in = 240 * 60 - (late_s if counted else 0)
    assert row["in_adherence_s"] == expected_in
    assert row["n_exceptions"] == (1 if counted else 0)
    # Conformance never gets grace: it measures worked time.
    assert row["worked_s"] == 240 * 60 - late_s


def test_several_short_deviations_are_each_forgiven(center):
    deviations = [("Break", "09:00", "09:04"), ("Meeting", "10:00", "10:04")]
    actual = states(available_except(deviations, "08:00", "12:00"))
    result = adherence(schedule(SHIFT), actual, center, as_of=at("13:00"))
    assert result.agent_days.get_column("adherence").to_list() == [1.0]
    assert result.exceptions.height == 0


def test_consecutive_deviations_of_different_states_form_one_run(center):
    # 3 min break then 3 min meeting: each under grace, but one 6-minute run together.
    deviations = [("Break", "09:00", "09:03"), ("Meeting", "09:03", "09:06")]
    actual = states(available_except(deviations, "08:00", "12:00"))
    result = adherence(schedule(SHIFT), actual, center, as_of=at("13:00"))
    assert result.agent_days.get_column("in_adherence_s").to_list() == [234 * 60.0]
    assert result.exceptions.select("kind", "duration_s").rows() == [
        ("long_break", 180.0),
        ("unscheduled_state", 180.0),
    ]


@pytest.mark.parametrize(
    ("late_min", "severity"), [(10, "warning"), (15, "severe"), (40, "severe")]
)
def test_severity_follows_the_severe_threshold(center, late_min, severity):
    result = adherence(
        schedule(SHIFT),
        _late_by(late_min * 60),
        center,
        as_of=at("13:00"),
        rules=AdherenceRules(grace_s=120, severe_s=900),
    )
    assert result.exceptions.get_column("severity").to_list() == [severity]


def test_a_zero_grace_counts_every_second(center):
    result = adherence(
        schedule(SHIFT), _late_by(30), center, as_of=at("13:00"), rules=AdherenceRules(grace_s=0)
    )
    assert result.agent_days.get_column("in_adherence_s").to_list() == [240 * 60 - 30.0]

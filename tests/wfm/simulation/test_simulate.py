"""`simulate` end to end: reproducibility, roll-ups, skills from the roster, deferred work."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from tests.wfm.simulation.conftest import (
    T0,
    TS,
    constant_agents,
    constant_volumes,
    one_queue_center,
)
from wfm.center import Center
from wfm.errors import ConfigError, DataError
from wfm.simulation import simulate


def test_the_same_seed_gives_the_same_tables_and_another_seed_does_not() -> None:
    center = one_queue_center(patience_s=120.0)
    args = (constant_agents(5, 6), constant_volumes(12.0, 16), center)
    first = simulate(*args, replications=3, seed=4)
    again = simulate(*args, replications=3, seed=4)
    other = simulate(*args, replications=3, seed=5)
    assert first.intervals.equals(again.intervals)
    assert not first.intervals.equals(other.intervals)


def test_days_and_summary_add_up_the_intervals() -> None:
    result = simulate(
        constant_agents(6, 50), constant_volumes(15.0, 4 * 48), one_queue_center(), replications=2
    )
    assert result.days["date"].to_list() == [dt.date(2026, 1, 5), dt.date(2026, 1, 6)]
    assert result.days["offered"].sum() == pytest.approx(result.intervals["offered"].sum())
    assert result.summary["offered"][0] == pytest.approx(result.intervals["offered"].sum())
    row = result.summary.row(0, named=True)
    assert row["offered"] == row["answered"] + row["abandoned"] + row["unserved"]
    assert result.intervals["staffed_agents"].to_list() == [6.0] * (4 * 48)
    assert row["service_level_lo"] <= row["service_level"] <= row["service_level_hi"]


def test_without_agents_every_real_time_contact_abandons() -> None:
    schedule = constant_agents(1, 2).with_columns(activity=pl.lit("break"))
    result = simulate(
        schedule, constant_volumes(10.0, 4), one_queue_center(patience_s=60.0), replications=2
    )
    row = result.summary.row(0, named=True)
    assert row["answered"] == 0
    assert row["abandon_rate"] == 1.0
    assert row["service_level"] == 0.0


def _two_queue_center() -> Center:
    voice = {
        "id": "voice",
        "channel": "voice",
        "skill": "s",
        "open_hours": "24/7",
        "target": {"service_level_frac": 0.8, "answer_within_s": 20},
        "aht_s": 300,
        "patience_s": 60,
    }
    email = {
        "id": "email",
        "channel": "email",
        "skill": "s",
        "open_hours": "24/7",
        "target": {"response_target_h": 1},
        "aht_s": 300,
    }
    return Center.model_validate(
        {
            "name": "t",
            "timezone": "UTC",
            "interval_min": 15,
            "shrinkage_frac": 0.0,
            "queues": [voice, email],
        }
    )


def test_work_without_queue_id_serves_the_roster_skills_and_email_never_abandons() -> None:
    center = _two_queue_center()
    volumes = pl.concat(
        [
            constant_volumes(4.0, 8).with_columns(queue_id=pl.lit("voice")),
            constant_volumes(4.0, 8).with_columns(queue_id=pl.lit("email")),
        ]
    )
    schedule = constant_agents(3, 5).with_columns(queue_id=pl.lit(None, dtype=pl.String))
    roster = pl.DataFrame(
        {
            "agent_id": ["a000", "a001", "a002"],
            "skills": [
                [{"queue_id": "voice", "proficiency": 1.0}],
                [
                    {"queue_id": "voice", "proficiency": 1.0},
                    {"queue_id": "email", "proficiency": 1.0},
                ],
                [{"queue_id": "email", "proficiency": 0.5}],
            ],
        }
    )
    result = simulate(schedule, volumes, center, roster=roster, replications=3)
    by_queue = {r["queue_id"]: r for r in result.summary.iter_rows(named=True)}
    assert by_queue["email"]["abandoned"] == 0
    assert by_queue["email"]["answered"] == by_queue["email"]["offered"]
    assert by_queue["email"]["threshold_s"] == 3600.0
    assert by_queue["voice"]["staffed_h"] == pytest.approx(2 * 2.0)  # two voice agents x 2 h
    assert by_queue["email"]["staffed_h"] == pytest.approx(2 * 2.0)


def test_work_without_queue_id_and_without_roster_is_an_error() -> None:
    schedule = constant_agents(1, 1).with_columns(queue_id=pl.lit(None, dtype=pl.String))
    with pytest.raises(DataError, match="work of agent a000 has no queue_id \\(no roster given\\)"):
        simulate(schedule, constant_volumes(1.0, 2), one_queue_center(), replications=1)


def test_zero_replications_is_refused() -> None:
    with pytest.raises(ConfigError, match="replications must be >= 1"):
        simulate(
            constant_agents(1, 1), constant_volumes(1.0, 2), one_queue_center(), replications=0
        )


def test_a_contact_arriving_during_a_break_waits_for_its_end() -> None:
    # One agent, one contact per interval on average, a break covering the second interval.
    schedule = pl.DataFrame(
        {
            "agent_id": ["a", "a", "a"],
            "activity": ["work", "break", "work"],
            "start": pl.Series(
                [T0, T0 + dt.timedelta(minutes=15), T0 + dt.timedelta(minutes=30)], dtype=TS
            ),
            "end": pl.Series(
                [
                    T0 + dt.timedelta(minutes=15),
                    T0 + dt.timedelta(minutes=30),
                    T0 + dt.timedelta(hours=2),
                ],
                dtype=TS,
            ),
            "queue_id": ["q", None, "q"],
        }
    )
    result = simulate(
        schedule, constant_volumes(1.0, 3, aht_s=30.0), one_queue_center(), replications=20
    )
    staffed = result.intervals["staffed_agents"].to_list()
    assert staffed == [1.0, 0.0, 1.0]
    second = result.intervals.row(1, named=True)
    assert second["asa_s"] > 60  # nobody answers before the break ends

"""A one-team, one-queue center and its interval forecast, for the capacity engine's tests."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from wfm.center import Center
from wfm.grid import grid

START = dt.date(2027, 1, 4)  # a Monday


@pytest.fixture(scope="session")
def small_center() -> Center:
    return Center.model_validate(
        {
            "name": "Small",
            "timezone": "America/Chicago",
            "interval_min": 30,
            "shrinkage_frac": 0.2,
            "max_occupancy_frac": 0.9,
            "queues": [
                {
                    "id": "voice",
                    "channel": "voice",
                    "skill": "s",
                    "open_hours": {d: "08:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")},
                    "target": {"service_level_frac": 0.8, "answer_within_s": 20},
                    "aht_s": 300,
                }
            ],
            "teams": [{"id": "t1", "name": "T1", "supervisor": "Sam", "site": "x"}],
            "shift_templates": [
                {
                    "id": "d8",
                    "earliest_start": "08:00",
                    "latest_start": "10:00",
                    "length_h": 8,
                    "start_step_min": 30,
                }
            ],
            "contracts": [
                {
                    "id": "ft40",
                    "weekly_hours_min": 32,
                    "weekly_hours_max": 40,
                    "shift_templates": ["d8"],
                },
                {
                    "id": "pt20",
                    "weekly_hours_min": 10,
                    "weekly_hours_max": 20,
                    "shift_templates": ["d8"],
                },
            ],
        }
    )


@pytest.fixture(scope="session")
def small_roster() -> pl.DataFrame:
    """Ten full-time agents and two half-time ones, all on the one queue."""
    skills = [{"queue_id": "voice", "proficiency": 1.0}]
    return pl.DataFrame(
        {
            "agent_id": [f"A{i:02d}" for i in range(12)],
            "team": ["t1"] * 12,
            "skills": [skills] * 12,
            "contract": ["ft40"] * 10 + ["pt20"] * 2,
        }
    )


def intervals_for(center: Center, n_weeks: int, contacts: float) -> pl.DataFrame:
    """`contacts` per open half hour on every open interval of `n_weeks` weeks from START."""
    starts = grid(START, START + dt.timedelta(weeks=n_weeks), center.tz, center.interval_s)
    local = starts.dt.convert_time_zone(center.timezone)
    is_open = (local.dt.weekday() <= 5) & (local.dt.hour() >= 8) & (local.dt.hour() < 18)
    return pl.DataFrame(
        {
            "queue_id": "voice",
            "interval_start": starts,
            "volume": pl.Series(is_open).cast(pl.Float64) * contacts,
            "aht_s": 300.0,
        }
    )

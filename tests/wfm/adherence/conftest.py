"""Minute-level builders for hand-made adherence cases (local times of America/New_York)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

import wfm.synthetic
from wfm.center import Center, load_center

TZ = ZoneInfo("America/New_York")
DAY = dt.date(2026, 11, 10)  # a plain Tuesday, UTC-5
TS = pl.Datetime("us", "UTC")


def at(clock: str, day: dt.date = DAY) -> dt.datetime:
    """Local "HH:MM" on `day` as a UTC instant; "25:30" means 01:30 the next day."""
    hours, minutes = (int(x) for x in clock.split(":"))
    local = dt.datetime.combine(day + dt.timedelta(days=hours // 24), dt.time(hours % 24, minutes))
    return local.replace(tzinfo=TZ).astimezone(dt.UTC)


def schedule(rows: list[tuple[str, str, str, str]], day: dt.date = DAY) -> pl.DataFrame:
    """(agent_id, activity, start, end) rows -> a schedule frame."""
    return pl.DataFrame(
        {
            "agent_id": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "start": [at(r[2], day) for r in rows],
            "end": [at(r[3], day) for r in rows],
            "queue_id": [None] * len(rows),
        },
        schema={
            "agent_id": pl.String,
            "activity": pl.String,
            "start": TS,
            "end": TS,
            "queue_id": pl.String,
        },
    )


def states(rows: list[tuple], day: dt.date = DAY) -> pl.DataFrame:
    """(agent_id, state, start, end-or-None[, event_id]) rows -> a states frame."""
    data = {
        "agent_id": [r[0] for r in rows],
        "state": [r[1] for r in rows],
        "start": [at(r[2], day) for r in rows],
        "end": [None if r[3] is None else at(r[3], day) for r in rows],
    }
    schema = {"agent_id": pl.String, "state": pl.String, "start": TS, "end": TS}
    if rows and len(rows[0]) > 4:
        data["event_id"] = [r[4] for r in rows]
        schema["event_id"] = pl.String
    return pl.DataFrame(data, schema=schema)


def minutes(seconds: float) -> float:
    return seconds / 60


@pytest.fixture(scope="session")
def center() -> Center:
    return load_center(Path(wfm.synthetic.__file__).parent / "sample_center.yaml")

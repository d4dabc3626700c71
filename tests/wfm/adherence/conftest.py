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

# Agent a1's 8.5-hour day: 08:00-16:30 with a break at 10:00 and lunch at 12:00.
DAY_SHIFT = [
    ("a1", "work", "08:00", "10:00"),
    ("a1", "break", "10:00", "10:15"),
    ("a1", "work", "10:15", "12:00"),
    ("a1", "lunch", "12:00", "12:30"),
    ("a1", "work", "12:30", "16:30"),
]
_STATE_ON_PLAN = {"work": "Available", "break": "Break", "lunch": "Lunch"}


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


def on_plan(shift: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str]]:
    """State rows of agents who follow `shift` (schedule rows) to the minute."""
    return [(agent, _STATE_ON_PLAN[activity], start, end) for agent, activity, start, end in shift]


def logged_out_at(rows: list[tuple], clock: str) -> list[tuple]:
    """State rows whose last state ends at `clock`, when the agent logs out for good."""
    agent, state, start, _end = rows[-1]
    return [*rows[:-1], (agent, state, start, clock), (agent, "Logged Out", clock, None)]


def available_except(
    deviations: list[tuple[str, str, str]], start: str, end: str, agent: str = "a1"
) -> list[tuple[str, str, str, str]]:
    """State rows of `agent`, Available from `start` to `end` but for the (state, start, end)
    deviations, given in order."""
    rows, clock = [], start
    for state, dev_start, dev_end in deviations:
        if dev_start > clock:
            rows.append((agent, "Available", clock, dev_start))
        rows.append((agent, state, dev_start, dev_end))
        clock = dev_end
    return [*rows, (agent, "Available", clock, end)]


def minutes(seconds: float) -> float:
    return seconds / 60


@pytest.fixture(scope="session")
def center() -> Center:
    return load_center(Path(wfm.synthetic.__file__).parent / "sample_center.yaml")

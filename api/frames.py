"""Stored rows <-> the polars tables of the README's Tables section, so routes hand the
engines and loaders exactly the frames they expect (Datetime("us", "UTC") timestamps, the
tables' column names)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl

from api.schemas import RosterAgentIn, ScheduleRowIn
from wfm.loaders import SCHEMAS, roster_text_frame

__all__ = [
    "HISTORY_SCHEMA",
    "ROSTER_TEAMS_SCHEMA",
    "SCHEDULE_SCHEMA",
    "STATES_SCHEMA",
    "STORED_STATES_SCHEMA",
    "history_frame",
    "roster_table",
    "roster_teams_frame",
    "schedule_table",
    "states_frame",
    "stored_states_frame",
]

TS = pl.Datetime("us", "UTC")
SCHEDULE_SCHEMA = {
    "agent_id": pl.String,
    "activity": pl.String,
    "start": TS,
    "end": TS,
    "queue_id": pl.String,
}
STATES_SCHEMA = {
    "agent_id": pl.String,
    "state": pl.String,
    "start": TS,
    "end": TS,
    "event_id": pl.String,
}
STORED_STATES_SCHEMA = {"id": pl.Int64, **STATES_SCHEMA}
ROSTER_TEAMS_SCHEMA = {"agent_id": pl.String, "team": pl.String}
HISTORY_SCHEMA = SCHEMAS["history"].dtypes


def _typed(rows: list[Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows -> frame; timestamp columns may come as datetimes or as SQLite's UTC text."""
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pl.DataFrame(
        [
            _timestamps(list(values), name) if dtype == TS else pl.Series(name, values, dtype=dtype)
            for (name, dtype), values in zip(schema.items(), columns, strict=True)
        ]
    )


def _timestamps(values: list[Any], name: str) -> pl.Series:
    first = next((v for v in values if v is not None), None)
    if isinstance(first, str):
        text = pl.Series(name, values, dtype=pl.String)
        return text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", time_unit="us", time_zone="UTC")
    return pl.Series(name, values, dtype=pl.Datetime("us", "UTC"))


def schedule_table(rows: Iterable[Sequence[Any]] | Iterable[ScheduleRowIn]) -> pl.DataFrame:
    """A schedule table from tuples (agent_id, activity, start, end, queue_id) or API rows."""
    tuples = [
        (r.agent_id, r.activity, r.start, r.end, r.queue_id) if isinstance(r, ScheduleRowIn) else r
        for r in rows
    ]
    return _typed(tuples, SCHEDULE_SCHEMA)


def history_frame(rows: Iterable[Sequence[Any]]) -> pl.DataFrame:
    """A history table from tuples in the history schema's column order."""
    return _typed(list(rows), HISTORY_SCHEMA)


def states_frame(rows: Iterable[Sequence[Any]]) -> pl.DataFrame:
    """An agent-states table from tuples (agent_id, state, start, end, event_id)."""
    return _typed(list(rows), STATES_SCHEMA)


def stored_states_frame(rows: Iterable[Sequence[Any]]) -> pl.DataFrame:
    """Stored states with their row id: tuples (id, agent_id, state, start, end, event_id)."""
    return _typed(list(rows), STORED_STATES_SCHEMA)


def roster_teams_frame(teams_of: dict[str, str]) -> pl.DataFrame:
    """`agent_id, team`: the part of the roster the adherence engine uses."""
    return pl.DataFrame(
        {"agent_id": list(teams_of), "team": list(teams_of.values())}, schema=ROSTER_TEAMS_SCHEMA
    )


def roster_table(agents: list[RosterAgentIn]) -> pl.DataFrame:
    """The roster as its on-disk text table, for `wfm.loaders.load_roster` to check."""
    return roster_text_frame(a.model_dump() for a in agents)

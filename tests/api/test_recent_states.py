"""The in-memory mirror of recent states equals what the database returns for the same window,
follows later inserts, forgets states past its window, and (outside SQLite) picks up a row
whose transaction committed after one holding larger ids."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from sqlalchemy import insert

from api import crud
from api.db import Database, StateEvent, open_database
from api.recent_states import RecentStates

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
WINDOW = dt.timedelta(hours=40)


@pytest.fixture
def database(db_url: str):
    database = open_database(db_url)
    yield database
    database.dispose()


def store(database: Database, rows: list[tuple[str, str, float, float | None]], **extra) -> None:
    """Rows (event_id, agent_id, start hours before NOW, end hours before NOW or None)."""
    values = [
        {
            "event_id": event_id,
            "agent_id": agent,
            "state": "Available",
            "start": NOW - dt.timedelta(hours=start_h),
            "end": None if end_h is None else NOW - dt.timedelta(hours=end_h),
            "received_at": NOW,
            **extra,
        }
        for event_id, agent, start_h, end_h in rows
    ]
    with database.write_session() as session:
        session.execute(insert(StateEvent), values)
        session.commit()


def from_database(database: Database, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    with database.read_session() as session:
        _, states = crud.adherence_inputs(session, start=start, end=end, agent_ids=None, tz=dt.UTC)
    return states.sort("event_id")


def synced(recent: RecentStates, database: Database, now: dt.datetime = NOW) -> None:
    with database.read_session() as session:
        recent.sync(session, now=now)


def test_the_mirror_equals_the_database_window_as_rows_arrive(database: Database) -> None:
    store(database, [("old", "a", 50, 49), ("day", "a", 20, 19), ("open", "b", 3, None)])
    recent = RecentStates(WINDOW)
    synced(recent, database)
    store(database, [("late", "a", 2, 1), ("now", "c", 0.5, None), ("short", "b", 17, 15.5)])
    synced(recent, database)
    start, end = NOW - dt.timedelta(hours=16), NOW + dt.timedelta(seconds=1)
    mirrored = recent.between(start, end).sort("event_id")
    expected = from_database(database, start, end)
    assert mirrored.equals(expected)
    assert mirrored.get_column("event_id").to_list() == ["late", "now", "open", "short"]


def test_states_past_the_window_are_forgotten(database: Database) -> None:
    store(database, [("s1", "a", 30, 29), ("s2", "a", 1, None)])
    recent = RecentStates(dt.timedelta(hours=40))
    synced(recent, database)
    synced(recent, database, now=NOW + dt.timedelta(hours=15))  # s1 is now 45 h old
    everything = recent.between(NOW - dt.timedelta(days=10), NOW + dt.timedelta(days=1))
    assert everything.get_column("event_id").to_list() == ["s2"]


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_a_row_committed_after_larger_ids_is_picked_up(database: Database) -> None:
    store(database, [("first", "a", 2, None)], id=1000)
    recent = RecentStates(WINDOW, settle_s=60)
    synced(recent, database)
    # As if its transaction had taken id 500 before "first" but committed after the sync.
    store(database, [("slow", "b", 1, None)], id=500)
    synced(recent, database)
    synced(recent, database)  # and re-reading it does not duplicate it
    everything = recent.between(NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1))
    assert sorted(everything.get_column("event_id").to_list()) == ["first", "slow"]

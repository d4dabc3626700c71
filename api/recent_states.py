"""The agent states of the last hours, mirrored in memory for the real-time view.

A real-time snapshot needs every agent's states since its shift began. Reading them from the
database on every snapshot cost ~1 s at 60,000 stored events (row decoding), so
`RecentStates` keeps them in a polars frame and each `sync` reads only the rows stored since
the last one (by primary key). Rows written by any process are seen, not just this one's.

In SQLite, writers are serialized, so row ids become visible in increasing order and the id
tail is exact. Elsewhere (PostgreSQL) a transaction may commit after one holding larger ids,
so a sync also re-reads the rows received in the last `settle_s` seconds (duplicates are
dropped by id): only a transaction taking longer than that between stamping its rows and
committing could be missed by the real-time view. Stored data and every other read are
unaffected.
"""

from __future__ import annotations

import datetime as dt
import threading

import polars as pl
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.crud import STATE_LOOKBACK, raw_timestamp
from api.db import StateEvent
from api.frames import stored_states_frame

__all__ = ["RecentStates"]


class RecentStates:
    """States that started within `window` of now, kept in step with the table by `sync`.

    Args:
        window: how far back to keep states (the real-time lookback plus STATE_LOOKBACK).
        settle_s: re-read horizon for backends whose ids may commit out of order.
    """

    def __init__(self, window: dt.timedelta, *, settle_s: float = 5.0) -> None:
        self.window = window
        self.settle_s = settle_s
        self._frame = stored_states_frame([])
        self._last_id: int | None = None
        self._lock = threading.Lock()

    def sync(self, session: Session, *, now: dt.datetime) -> None:
        """Read the rows stored since the last sync and drop those older than the window."""
        columns = select(
            StateEvent.id,
            StateEvent.agent_id,
            StateEvent.state,
            raw_timestamp(StateEvent.start),
            raw_timestamp(StateEvent.end),
            StateEvent.event_id,
        )
        horizon = now - self.window
        rereads = session.get_bind().dialect.name != "sqlite"
        with self._lock:
            if self._last_id is None:
                query = columns.where(StateEvent.start >= horizon)
            elif not rereads:
                query = columns.where(StateEvent.id > self._last_id)
            else:
                recent = now - dt.timedelta(seconds=self.settle_s)
                query = columns.where(
                    or_(StateEvent.id > self._last_id, StateEvent.received_at >= recent)
                )
            new = stored_states_frame(session.execute(query).all())
            if rereads and self._last_id is not None:
                new = new.filter(~pl.col("id").is_in(self._frame.get_column("id").implode()))
            frame = pl.concat([self._frame, new]) if new.height else self._frame
            self._frame = frame.filter(pl.col("start") >= horizon)
            stored_max = new.get_column("id").max()
            self._last_id = max(self._last_id or 0, int(stored_max) if stored_max else 0)

    def between(self, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
        """States overlapping [start, end) in the agent-states table shape, with the same
        rule as `crud.adherence_inputs` (none that started STATE_LOOKBACK before `start`)."""
        frame = self._frame
        return frame.filter(
            pl.col("start") < end,
            pl.col("start") >= start - STATE_LOOKBACK,
            pl.col("end").is_null() | (pl.col("end") > start),
        ).drop("id")

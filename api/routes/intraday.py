"""GET /v1/intraday: per queue, today so far against the morning forecast, the reforecast of
the rest of the day, agents required / scheduled / staffed / expected, the service level to
expect and the moves that would help (the engine is `wfm.intraday`).

The morning forecast is made once per local day from the history stored before it (and made
again when that history changes); without `at`, one view of the whole center serves every
caller for `INTRADAY_CACHE_S`. A supervisor gets the queues its teams' agents are skilled for,
each with the whole queue's figures: a queue's service level depends on every agent on it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from api import crud
from api.db import Database, utcnow
from api.deps import CenterDep, CurrentDep, DatabaseDep, ReaderUser, RulesDep
from api.schemas import IntradayPublic, Timestamp
from api.snapshots import SnapshotCache
from wfm.adherence import AdherenceRules
from wfm.center import Center
from wfm.grid import local_midnight_utc
from wfm.intraday import Intraday, intraday
from wfm.usecases.intraday import MORNING_HISTORY_DAYS, morning_forecast

__all__ = ["INTRADAY_CACHE_S", "MorningForecasts", "router"]

router = APIRouter()

INTRADAY_CACHE_S = 15.0
_NOW_KEY = "now"


class MorningForecasts:
    """The morning forecast per (center version, local day, stored history before it)."""

    def __init__(self, max_entries: int = 8) -> None:
        self._entries: dict[Hashable, pl.DataFrame] = {}
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: Hashable, make: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        """The forecast for `key`, made by `make` when missing.

        Made outside the lock: a thread of the server's pool never waits for another's
        forecast (requests waiting in every pool thread could starve the one computing).
        """
        with self._lock:
            found = self._entries.get(key)
        if found is not None:
            return found
        made = make()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = made
        return made


def _compute(
    database: Database,
    forecasts: MorningForecasts,
    center: Center,
    center_version: int | None,
    rules: AdherenceRules,
    at: dt.datetime,
) -> Intraday:
    day = center.local_date(at)
    midnight = local_midnight_utc(day, center.tz)
    next_midnight = local_midnight_utc(day + dt.timedelta(days=1), center.tz)
    since = local_midnight_utc(day - dt.timedelta(days=MORNING_HISTORY_DAYS), center.tz)
    with database.read_session() as session:
        stamp = crud.history_stamp(session, before=midnight)
        history = crud.read_history(session, start=since)
        schedule, states = crud.adherence_inputs(
            session, start=midnight, end=next_midnight, agent_ids=None, tz=center.tz
        )
        roster = crud.roster_skills(session)
    forecast = forecasts.get(
        (center_version, day, stamp), lambda: morning_forecast(history, center, day)
    )
    return intraday(
        center,
        forecast=forecast,
        history=history,
        at=at,
        schedule=schedule,
        states=states.filter(pl.col("start") < at),
        roster=roster,
        rules=rules,
    )


def _roster_skills(database: Database) -> pl.DataFrame:
    with database.read_session() as session:
        return crud.roster_skills(session)


def _visible_queues(user: ReaderUser, roster: pl.DataFrame, teams_of: dict[str, str]) -> set[str]:
    mine = [a for a, t in teams_of.items() if t in user.teams]
    skills = roster.filter(pl.col("agent_id").is_in(mine)).explode("skills").drop_nulls("skills")
    return set(skills.get_column("skills").struct.field("queue_id").to_list())


@router.get("", response_model=IntradayPublic)
async def intraday_view(
    request: Request,
    user: ReaderUser,
    current: CurrentDep,
    database: DatabaseDep,
    center: CenterDep,
    rules: RulesDep,
    at: Annotated[Timestamp | None, Query(description="instant (default: now)")] = None,
) -> IntradayPublic:
    """Per queue: today's volume so far against the forecast, the rest of the day
    reforecast, the agents it needs against those scheduled and staffed, the service level
    to expect and where overtime, a moved break or voluntary time off would help."""
    forecasts: MorningForecasts = request.app.state.morning_forecasts
    cache: SnapshotCache[Intraday] = request.app.state.intraday_views

    def compute(instant: dt.datetime) -> Intraday:
        return _compute(database, forecasts, center, current.center_version_id, rules, instant)

    if at is not None:
        result = await run_in_threadpool(compute, at)
    else:
        key = (_NOW_KEY, current.center_version_id)
        found = cache.peek(key)
        if found is None:
            # Callers wait here, on the event loop, not in the server's thread pool.
            lock: asyncio.Lock = request.app.state.intraday_lock
            async with lock:
                found = cache.peek(key) or await run_in_threadpool(
                    cache.get_or_compute, key, lambda: compute(utcnow())
                )
        result = found
    queues = None
    if user.is_scoped:
        roster = await run_in_threadpool(_roster_skills, database)
        queues = _visible_queues(user, roster, current.teams_of)

    def rows(frame: pl.DataFrame) -> list[dict]:
        return (
            frame if queues is None else frame.filter(pl.col("queue_id").is_in(queues))
        ).to_dicts()

    return IntradayPublic(
        at=result.at,
        date=result.date,
        queues=rows(result.queues),
        intervals=rows(result.intervals),
        moves=rows(result.moves),
    )

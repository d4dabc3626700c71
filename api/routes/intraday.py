"""GET /v1/intraday: per queue, today so far against the morning forecast, the reforecast of
the rest of the day, agents required / scheduled / staffed / expected, the service level to
expect and the moves that would help (the engine is `wfm.intraday`).

The morning forecast is made once per local day from the history stored before it (and made
again when that history changes); without `at`, one view of the whole center serves every
caller for `INTRADAY_CACHE_S`. A supervisor gets the queues its teams' agents are skilled for,
each with the whole queue's figures: a queue's service level depends on every agent on it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Hashable
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

    def get(self, key: Hashable, make: callable) -> pl.DataFrame:  # type: ignore[valid-type]
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                found = make()
                if len(self._entries) >= self.max_entries:
                    self._entries.pop(next(iter(self._entries)))
                self._entries[key] = found
            return found


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

    def view() -> tuple[Intraday, set[str] | None]:
        def compute(instant: dt.datetime) -> Intraday:
            return _compute(database, forecasts, center, current.center_version_id, rules, instant)

        result = (
            compute(at)
            if at is not None
            else cache.get_or_compute(
                (_NOW_KEY, current.center_version_id), lambda: compute(utcnow())
            )
        )
        if not user.is_scoped:
            return result, None
        with database.read_session() as session:
            roster = crud.roster_skills(session)
        return result, _visible_queues(user, roster, current.teams_of)

    result, queues = await run_in_threadpool(view)

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

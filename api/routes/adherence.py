"""Adherence: real time for a team, per agent / team over a date range, and exceptions.

Each handler reads the stored schedule and states for the window it needs and hands them to
the adherence engine (wfm.adherence); no adherence rule lives here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import polars as pl
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from api import crud
from api.db import utcnow
from api.deps import CenterDep, DatabaseDep, RulesDep, ScopeDep, SessionDep
from api.frames import roster_teams_frame, schedule_table
from api.recent_states import RecentStates
from api.schemas import (
    AgentDayPublic,
    AgentDaysPublic,
    Day,
    ExceptionPublic,
    ExceptionsPublic,
    RealtimePublic,
    TeamDayPublic,
    TeamDaysPublic,
    Timestamp,
)
from api.snapshots import CenterSnapshot, SnapshotCache, encode_realtime
from wfm.adherence import AdherenceResult, AdherenceRules, adherence, realtime_snapshot
from wfm.center import Center
from wfm.errors import DataError, DataIssue
from wfm.grid import local_midnight_utc

__all__ = ["router"]

router = APIRouter()

# A shift is at most 16 h long: a real-time view never needs older states or schedule rows.
REALTIME_LOOKBACK = dt.timedelta(hours=16)
MAX_RANGE_DAYS = 31
REALTIME_KEY = "center"
StartDate = Annotated[Day, Query(description="first local day")]
EndDate = Annotated[Day, Query(description="last local day (inclusive)")]


@router.get("/realtime", response_model=RealtimePublic)
async def realtime(
    request: Request,
    scope: ScopeDep,
    database: DatabaseDep,
    center: CenterDep,
    rules: RulesDep,
    at: Annotated[Timestamp | None, Query(description="instant (default: now)")] = None,
) -> Response:
    """Each agent's scheduled activity, actual state and time out of adherence, worst first.

    Without `at`, one snapshot of the whole center serves every poller and is renewed every
    `realtime_cache_s` in the background, so it may be up to about twice that old; its
    instant is in `at`.
    """
    agents = None if scope.agent_ids is None else frozenset(scope.agent_ids)
    if at is not None:

        def at_instant() -> bytes:
            with database.read_session() as session:
                frame = _snapshot(session, agents, scope.teams_of, center, rules, at)
            return encode_realtime(at, frame)

        return _json(await run_in_threadpool(at_instant))
    cache: SnapshotCache[CenterSnapshot] = request.app.state.snapshots
    # The common case, a fresh snapshot already cut for these agents, is answered here on
    # the event loop; computing or cutting one (database, polars) goes to a worker thread.
    fresh = cache.peek(REALTIME_KEY)
    body = fresh.encoded(agents) if fresh is not None else None
    if body is not None:
        return _json(body)

    def whole_center() -> CenterSnapshot:
        now = utcnow()
        start, end = now - REALTIME_LOOKBACK, now + dt.timedelta(seconds=1)
        recent: RecentStates = request.app.state.recent_states
        with database.read_session() as session:
            recent.sync(session, now=now)
            rows = crud.schedule_rows_between(
                session, start=start, end=end, agent_ids=None, tz=center.tz
            )
        states = recent.between(start, end)
        frame = _engine(schedule_table(rows), states, scope.teams_of, center, rules, now)
        return CenterSnapshot(now, frame)

    # An agent's row does not depend on who asks: one snapshot of the center, computed once
    # per period, is cut per caller (and each cut's body is encoded once).
    def cut() -> bytes:
        return cache.get_or_compute(REALTIME_KEY, whole_center).body(agents)

    return _json(await run_in_threadpool(cut))


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


def _snapshot(
    session: Session,
    agent_ids: frozenset[str] | None,
    teams_of: dict[str, str],
    center: Center,
    rules: AdherenceRules,
    at: dt.datetime,
) -> pl.DataFrame:
    schedule, states = crud.adherence_inputs(
        session,
        start=at - REALTIME_LOOKBACK,
        end=at + dt.timedelta(seconds=1),
        agent_ids=None if agent_ids is None else set(agent_ids),
        tz=center.tz,
    )
    return _engine(schedule, states, teams_of, center, rules, at)


def _engine(
    schedule: pl.DataFrame,
    states: pl.DataFrame,
    teams_of: dict[str, str],
    center: Center,
    rules: AdherenceRules,
    at: dt.datetime,
) -> pl.DataFrame:
    return realtime_snapshot(
        schedule, states, center, at=at, rules=rules, roster=roster_teams_frame(teams_of)
    )


def _period(
    scope: ScopeDep,
    session: SessionDep,
    center: CenterDep,
    rules: RulesDep,
    start_date: StartDate,
    end_date: EndDate,
) -> AdherenceResult:
    """Adherence over the local days asked for, for the agents the caller may see."""
    n_days = (end_date - start_date).days + 1
    if not 1 <= n_days <= MAX_RANGE_DAYS:
        message = f"end_date must be on or after start_date, at most {MAX_RANGE_DAYS} days"
        raise DataError("query", [DataIssue(None, "end_date", message)])
    # A night shift starting on end_date runs into the next day; its states come after it.
    start = local_midnight_utc(start_date - dt.timedelta(days=1), center.tz)
    end = local_midnight_utc(end_date + dt.timedelta(days=2), center.tz)
    schedule, states = crud.adherence_inputs(
        session, start=start, end=end, agent_ids=scope.agent_ids, tz=center.tz
    )
    dates = [start_date + dt.timedelta(days=i) for i in range(n_days)]
    return adherence(
        schedule,
        states,
        center,
        rules=rules,
        as_of=min(utcnow(), end),
        roster=roster_teams_frame(scope.teams_of),
        dates=dates,
    )


PeriodDep = Annotated[AdherenceResult, Depends(_period)]


@router.get("/agents", response_model=AgentDaysPublic)
def agent_days(result: PeriodDep) -> AgentDaysPublic:
    """Adherence and conformance per agent and local day (`team` / `agent_id` narrow it)."""
    data = [AgentDayPublic(**row) for row in result.agent_days.to_dicts()]
    return AgentDaysPublic(data=data, count=len(data))


@router.get("/teams", response_model=TeamDaysPublic)
def team_days(result: PeriodDep) -> TeamDaysPublic:
    """Adherence and conformance per team and local day (ratios of sums)."""
    data = [TeamDayPublic(**row) for row in result.teams.to_dicts()]
    return TeamDaysPublic(data=data, count=len(data))


@router.get("/exceptions", response_model=ExceptionsPublic)
def exceptions(result: PeriodDep) -> ExceptionsPublic:
    """Adherence exceptions (late start, long break, ...) over the date range."""
    data = [ExceptionPublic(**row) for row in result.exceptions.to_dicts()]
    return ExceptionsPublic(data=data, count=len(data))

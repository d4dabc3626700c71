"""Schedules: a planner publishes a week (one transaction, a new version); readers read it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from api import crud
from api.deps import PlannerUser, ScopeDep, SessionDep, WriteSessionDep
from api.openapi import CONFLICT
from api.schemas import (
    Day,
    ScheduleCreate,
    SchedulePublic,
    SchedulePublishedPublic,
    ScheduleRowPublic,
)

__all__ = ["router"]

router = APIRouter()


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SchedulePublishedPublic,
    responses=CONFLICT,
)
def publish_schedule(
    payload: ScheduleCreate, user: PlannerUser, session: WriteSessionDep
) -> SchedulePublishedPublic:
    """Publish a week: all rows become visible together as the week's next version. With
    `expected_version`, 409 unless the week's latest version is that one (0: none yet)."""
    _, center = crud.current_center(session)
    version = crud.publish_schedule(
        session,
        week_start=payload.week_start,
        rows=payload.rows,
        center=center,
        known_agents=set(crud.agent_teams(session)),
        by=user.name,
        expected_version=payload.expected_version,
    )
    return SchedulePublishedPublic.model_validate(version, from_attributes=True)


@router.get("/{week_start}", response_model=SchedulePublic)
def read_schedule(
    week_start: Day,
    scope: ScopeDep,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> SchedulePublic:
    """The week's latest version (or `version`), for the agents the caller may see."""
    found, rows = crud.read_schedule(
        session, week_start=week_start, version=version, agent_ids=scope.agent_ids
    )
    data = [ScheduleRowPublic.model_validate(r, from_attributes=True) for r in rows]
    return SchedulePublic(
        week_start=found.week_start,
        version=found.version,
        published_at=found.published_at,
        published_by=found.published_by,
        data=data,
        count=len(data),
    )

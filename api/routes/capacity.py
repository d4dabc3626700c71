"""Capacity plans: a manager starts one (202) and polls it; the result is the plan's tables.

The request carries the plan's supply assumptions and the scenarios in the shapes of the
plan and scenario files (README, `wfm capacity`); they are checked against the stored center
and roster before the run is queued (422 naming `plan` or `scenarios` and the field).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from api import crud
from api.capacity_run import capacity_roster, check_capacity_request
from api.deps import ManagerUser, SessionDep, WriteSessionDep
from api.errors import ConflictError
from api.routes.runs import RunsLimit, finished_run, list_runs, queue_run, read_run
from api.schemas import Day, ForecastModel, ForecastRunPublic, ForecastRunsPublic, Strict
from wfm.capacity.plan import CapacityPlan
from wfm.capacity.scenarios import Scenario

__all__ = ["CapacityCreate", "CapacityResultPublic", "router"]

router = APIRouter()
KIND = "capacity"


class CapacityCreate(Strict):
    """A capacity plan over the server's history table (and drivers / events)."""

    start: Day = Field(
        description="the plan's first day (its 'today'): the center's week start, Monday "
        "unless center.week_start says otherwise"
    )
    horizon_weeks: int = Field(default=52, ge=1, le=104)
    model: ForecastModel = "auto"
    level: int = Field(default=80, ge=50, le=99, description="band level, %")
    band_step_weeks: int = Field(
        default=8, ge=1, le=26, description="weeks between the band's backtest origins"
    )
    plan: CapacityPlan = Field(default_factory=CapacityPlan)
    scenarios: list[Scenario] = Field(default_factory=list, max_length=20)


class CapacityResultPublic(BaseModel):
    """The plan's tables (README, `wfm capacity`): one object per row."""

    id: str
    summary: list[dict[str, Any]]
    groups: list[dict[str, Any]]
    hiring: list[dict[str, Any]]
    band: list[dict[str, Any]]
    band_coverage: list[dict[str, Any]]


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=ForecastRunPublic)
def start_capacity(
    payload: CapacityCreate, user: ManagerUser, session: WriteSessionDep, request: Request
) -> ForecastRunPublic:
    """Queue a capacity plan; poll GET /v1/capacity/{id} until it is done or failed."""
    _, center = crud.current_center(session)
    if request.app.state.settings.history_path is None:
        raise ConflictError("the server has no history table configured (WFM_HISTORY_PATH)")
    check_capacity_request(
        payload.plan,
        payload.scenarios,
        center=center,
        roster=capacity_roster(session),
        start=payload.start,
    )
    params = {"kind": KIND, **payload.model_dump(mode="json")}
    return queue_run(session, request, params=params, by=user.name)


@router.get("", response_model=ForecastRunsPublic)
def list_capacity(
    _user: ManagerUser, session: SessionDep, limit: RunsLimit = 50
) -> ForecastRunsPublic:
    """The latest capacity plans, newest first (without their results)."""
    return list_runs(session, limit=limit, kind=KIND)


@router.get("/{run_id}", response_model=ForecastRunPublic)
def read_capacity(run_id: str, _user: ManagerUser, session: SessionDep) -> ForecastRunPublic:
    """A plan's status: queued, running, done or failed (with its error)."""
    return read_run(session, run_id=run_id, kind=KIND)


@router.get("/{run_id}/result", response_model=CapacityResultPublic)
def capacity_result(run_id: str, _user: ManagerUser, session: SessionDep) -> CapacityResultPublic:
    """The tables of a finished plan (409 until it is done)."""
    run = finished_run(session, run_id=run_id, kind=KIND)
    return CapacityResultPublic(id=run.id, **run.result)

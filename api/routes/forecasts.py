"""Forecast runs: a manager starts one (202), anyone planning polls it and fetches the result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from api import crud
from api.auth import Principal, Role
from api.deps import ManagerUser, SessionDep, WriteSessionDep, require_roles
from api.errors import ConflictError
from api.openapi import CONFLICT
from api.routes.runs import RunsLimit, finished_run, list_runs, queue_run, read_run
from api.schemas import (
    ForecastCreate,
    ForecastResultPublic,
    ForecastRunPublic,
    ForecastRunsPublic,
)

__all__ = ["router"]

router = APIRouter()
KIND = "forecast"

ForecastReader = Annotated[
    Principal, Depends(require_roles(Role.PLANNER, Role.MANAGER, Role.ADMIN))
]


@router.post(
    "", status_code=status.HTTP_202_ACCEPTED, response_model=ForecastRunPublic, responses=CONFLICT
)
def start_forecast(
    payload: ForecastCreate, user: ManagerUser, session: WriteSessionDep, request: Request
) -> ForecastRunPublic:
    """Queue a forecast run; poll GET /v1/forecasts/{id} until it is done or failed."""
    crud.current_center(session)  # 404 now rather than a failed run later
    if request.app.state.settings.history_path is None and not crud.has_history(session):
        raise ConflictError(
            "the service has no history: push actual volumes to POST /v1/history "
            "(wfm service push-history), or set WFM_HISTORY_PATH"
        )
    return queue_run(session, request, params=payload.model_dump(mode="json"), by=user.name)


@router.get("", response_model=ForecastRunsPublic)
def list_forecasts(
    _user: ForecastReader, session: SessionDep, limit: RunsLimit = 50
) -> ForecastRunsPublic:
    """The latest forecast runs, newest first (without their results)."""
    return list_runs(session, limit=limit, kind=KIND)


@router.get("/{run_id}", response_model=ForecastRunPublic)
def read_forecast(run_id: str, _user: ForecastReader, session: SessionDep) -> ForecastRunPublic:
    """A run's status: queued, running, done or failed (with its error)."""
    return read_run(session, run_id=run_id, kind=KIND)


@router.get("/{run_id}/result", response_model=ForecastResultPublic, responses=CONFLICT)
def forecast_result(
    run_id: str, _user: ForecastReader, session: SessionDep
) -> ForecastResultPublic:
    """The forecast table and backtest scores of a finished run (409 until it is done)."""
    run = finished_run(session, run_id=run_id, kind=KIND)
    rows = run.result["forecast"]
    return ForecastResultPublic(id=run.id, data=rows, count=len(rows), scores=run.result["scores"])

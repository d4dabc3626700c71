"""What the forecast and capacity routers share: both kinds of background run are rows of one
runs table, queued, listed and read the same way (`kind` tells them apart)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from sqlalchemy.orm import Session

from api import crud
from api.db import ForecastRun
from api.errors import ConflictError
from api.schemas import ForecastRunPublic, ForecastRunsPublic

__all__ = ["RunsLimit", "finished_run", "list_runs", "queue_run", "read_run"]

RunsLimit = Annotated[int, Query(ge=1, le=1000)]


def queue_run(
    session: Session, request: Request, *, params: dict[str, Any], by: str
) -> ForecastRunPublic:
    run = crud.create_forecast_run(session, params=params, by=by)
    request.app.state.forecast_jobs.submit(run.id)
    return ForecastRunPublic.model_validate(run, from_attributes=True)


def list_runs(session: Session, *, limit: int, kind: str) -> ForecastRunsPublic:
    runs = crud.list_forecast_runs(session, limit=limit, kind=kind)
    data = [ForecastRunPublic.model_validate(r, from_attributes=True) for r in runs]
    return ForecastRunsPublic(data=data, count=len(data))


def read_run(session: Session, *, run_id: str, kind: str) -> ForecastRunPublic:
    run = crud.get_forecast_run(session, run_id=run_id, kind=kind)
    return ForecastRunPublic.model_validate(run, from_attributes=True)


def finished_run(session: Session, *, run_id: str, kind: str) -> ForecastRun:
    """The run, done and with its result.

    Raises:
        ConflictError: it is still queued or running, or it failed.
    """
    run = crud.get_forecast_run(session, run_id=run_id, kind=kind)
    if run.status != "done" or run.result is None:
        raise ConflictError(f"{kind} run {run_id} is {run.status}, not done")
    return run

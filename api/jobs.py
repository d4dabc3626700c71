"""Background runs: queued -> running -> done | failed, in a small thread pool.

A forecast run reads the history pushed to the service (POST /v1/history), or the history
table of the settings when one is configured, and the drivers / events when configured,
through the forecast use case (`wfm.usecases.forecast`, the same as `wfm forecast`), and
stores the forecast table and backtest scores in the run's row; a capacity run
(`params.kind = "capacity"`, `api.capacity_run`) reads the same history and stores the
capacity plan's tables. Runs left unfinished by a stopped server are marked failed at
start-up.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import polars as pl

from api import crud
from api.capacity_run import capacity_roster, capacity_tables
from api.db import Database, ForecastRun, utcnow
from wfm.center import Center
from wfm.errors import WfmError
from wfm.output import json_records
from wfm.settings import Settings
from wfm.usecases.forecast import forecast_from, load_forecast_inputs

__all__ = ["ForecastJobs"]

logger = logging.getLogger(__name__)


class ForecastJobs:
    """Runs forecast jobs in `settings.forecast_workers` background threads."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self._futures: list[Future[None]] = []
        self._pool = ThreadPoolExecutor(
            max_workers=settings.forecast_workers, thread_name_prefix="forecast"
        )
        with database.write_session() as session:
            n_failed = crud.fail_interrupted_runs(session)
        if n_failed:
            logger.warning("%d forecast run(s) were interrupted by a restart", n_failed)

    def submit(self, run_id: str) -> None:
        self._futures.append(self._pool.submit(self._run, run_id))

    def wait(self, timeout_s: float) -> bool:
        """Wait until every submitted run has finished; False on timeout."""
        _, pending = wait(self._futures, timeout=timeout_s)
        return not pending

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _set(self, run_id: str, **values: Any) -> None:
        with self.database.write_session() as session:
            crud.update_forecast_run(session, run_id=run_id, **values)

    def _run(self, run_id: str) -> None:
        self._set(run_id, status="running", started_at=utcnow())
        try:
            result = self._compute(run_id)
        except WfmError as exc:
            self._set(run_id, status="failed", error=str(exc), finished_at=utcnow())
        except Exception:
            logger.exception("forecast run %s failed", run_id)
            error = "internal error; see the server log"
            self._set(run_id, status="failed", error=error, finished_at=utcnow())
        else:
            self._set(run_id, status="done", result=result, finished_at=utcnow())

    def _compute(self, run_id: str) -> dict[str, Any]:
        settings = self.settings
        with self.database.read_session() as session:
            run = session.get(ForecastRun, run_id)
            assert run is not None
            params = run.params
            _, center = crud.current_center(session)
            # A history file in the settings wins; else what was pushed to the service.
            history = settings.history_path or crud.read_history(session)
            roster = capacity_roster(session) if params.get("kind") == "capacity" else None
        if isinstance(history, pl.DataFrame) and history.is_empty():
            raise WfmError(
                "no history: push actual volumes to POST /v1/history "
                "(wfm service push-history), or set WFM_HISTORY_PATH"
            )
        if roster is not None:
            tables = capacity_tables(center, roster, history, settings, params)
            return {name: json_records(frame) for name, frame in tables.items()}
        return self._forecast(center, history, params)

    def _forecast(
        self, center: Center, history: Path | pl.DataFrame, params: dict[str, Any]
    ) -> dict[str, Any]:
        settings = self.settings
        inputs = load_forecast_inputs(
            center, history, drivers=settings.drivers_path, events=settings.events_path
        )
        result = forecast_from(
            inputs,
            start=dt.date.fromisoformat(params["start"]),
            horizon_days=params["horizon_days"],
            model=params["model"],
            level=params["level"],
            granularity=params["granularity"],
        )
        return {"forecast": json_records(result.forecast), "scores": json_records(result.scores)}

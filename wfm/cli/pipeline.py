"""The planner's week as one call: forecast -> staff -> schedule.

This is the composition layer the DESIGN reserves for `wfm.cli`: each stage stays in its own
package and is called through its public function; nothing here computes anything itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from forecasting.run import forecast
from scheduling.pooled import PooledSchedule, schedule_pools
from scheduling.solve import SolveParams
from wfm.center import Center, load_center
from wfm.errors import DataError, DataIssue
from wfm.execution import Executor
from wfm.loaders import load_drivers, load_events, load_history, load_roster
from wfm.staffing.frame import requirements_from_frame
from wfm.validate import find_table

__all__ = ["WeekPlan", "plan_week"]


@dataclass(frozen=True)
class WeekPlan:
    """Every table the week's plan produced, stage by stage."""

    center: Center
    forecast: pl.DataFrame
    forecast_scores: pl.DataFrame
    requirements: pl.DataFrame
    schedule: PooledSchedule


def _required(data_dir: Path, kind: str) -> Path:
    path = find_table(data_dir, kind)
    if path is None:
        raise DataError(data_dir / f"{kind}.parquet", [DataIssue(None, None, "file not found")])
    return path


def plan_week(
    center_path: Path,
    *,
    week_start: dt.date,
    data_dir: Path | None = None,
    model: str = "auto",
    params: SolveParams,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> WeekPlan:
    """Forecast the week from history, staff it, and schedule the roster against it.

    Args:
        center_path: the center YAML.
        week_start: the local Monday the week starts on; history must end before it.
        data_dir: folder with history, roster and optional drivers/events tables
            (default: the center file's folder).
        model: forecasting model, or "auto" to choose per queue by backtest.
        params: solver time limit (for the week, shared among the pools), workers and seed.
        progress: called with a short label as each stage (forecast queue, schedule pool)
            finishes.
        executor: runs the forecast's queues and the schedule's agent pools (default
            in-process); results do not depend on it.

    Raises:
        WfmError: any stage's error (bad tables, no history, contradictory rules, ...).
    """
    center = load_center(center_path)
    data_dir = data_dir or center_path.parent
    history = load_history(_required(data_dir, "history"), center)
    roster = load_roster(_required(data_dir, "roster"), center)
    drivers_path, events_path = find_table(data_dir, "drivers"), find_table(data_dir, "events")
    result = forecast(
        history,
        center,
        start=week_start,
        horizon_days=7,
        drivers=load_drivers(drivers_path, center) if drivers_path else None,
        events=load_events(events_path, center) if events_path else None,
        model=model,
        progress=progress,
        executor=executor,
    )
    requirements = requirements_from_frame(result.forecast, center)
    if progress is not None:
        progress("staffing")
    week = schedule_pools(
        requirements,
        roster,
        center,
        week_start=week_start,
        params=params,
        executor=executor,
        on_pool=None if progress is None else lambda pool_id: progress(f"schedule {pool_id}"),
    )
    return WeekPlan(center, result.forecast, result.scores, requirements, week)

"""The planner's week as one use case: forecast -> staff -> schedule, every stage on disk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from forecasting import ForecastResult
from scheduling.pooled import PooledSchedule, schedule_pools
from scheduling.previous import PreviousWeek
from scheduling.solve import SolveParams
from wfm.center import Center
from wfm.client import ServiceClient
from wfm.errors import ServiceError
from wfm.execution import Executor
from wfm.folder import CenterFolder
from wfm.output import TableFormat, write_table
from wfm.staffing.lived import LivedAllowance
from wfm.usecases.forecast import ForecastInputs, forecast_from
from wfm.usecases.lived import allowance_for, forecast_requirements, write_weekly_errors
from wfm.usecases.previous import holds_week_before, load_previous_week
from wfm.usecases.schedule import write_schedule
from wfm.usecases.service import PublishedWeek, previous_week_from_service, publish_schedule

__all__ = ["PlanRun", "WeekPlan", "plan_week", "run_plan"]


@dataclass(frozen=True)
class WeekPlan:
    """Every table the week's plan produced, stage by stage (`allowance`: what the
    requirements were built for when the center's `life.staff_as_lived`, else None)."""

    center: Center
    forecast: ForecastResult
    requirements: pl.DataFrame
    schedule: PooledSchedule
    previous: PreviousWeek | None
    allowance: LivedAllowance | None = None


def plan_week(
    folder: CenterFolder,
    *,
    week_start: dt.date,
    model: str = "auto",
    params: SolveParams,
    previous: str | Path | pl.DataFrame | PreviousWeek | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> WeekPlan:
    """Forecast the week from the folder's history, staff it, and schedule its roster.

    The forecast and requirements cover the week and the next Monday, whose early hours the
    week's Sunday-night shifts run into. With the center's `life.staff_as_lived` the
    requirements are built for life (`wfm.staffing.lived`; the adherence loss measured from
    the folder's states and schedule).

    Args:
        folder: the center and its tables: history and roster, optional drivers and events,
            and its `schedule` table, the previous week by default when it holds the week
            before.
        week_start: the local Monday the week starts on; history must end before it.
        previous: the published week before (a schedule file, a folder holding one, or a
            frame); None: the folder's schedule when it holds the week before.
        model: forecasting model, or "auto" to choose per queue by backtest.
        params: solver time limit (for the week, shared among the pools), workers and seed.
        progress: called with a short label as each stage (forecast queue, schedule pool)
            finishes.
        executor: runs the forecast's queues and the schedule's agent pools (default
            in-process); results do not depend on it.

    Raises:
        WfmError: any stage's error (bad tables, no history, contradictory rules, ...).
    """
    center = folder.center
    inputs = ForecastInputs(
        center,
        folder.load("history"),
        drivers=folder.load_optional("drivers"),
        events=folder.load_optional("events"),
    )
    roster = folder.load("roster")
    before = _previous(folder, roster, week_start, previous)
    result = forecast_from(
        inputs,
        start=week_start,
        horizon_days=8,
        model=model,
        progress=progress,
        executor=executor,
    )
    allowance = allowance_for(
        center, states=folder.path("states"), schedule=folder.path("schedule"), roster=roster
    )
    requirements, allowance = forecast_requirements(
        result.forecast, center, allowance, result.weekly_ratios
    )
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
        previous=before,
    )
    return WeekPlan(center, result, requirements, week, before, allowance)


def _previous(
    folder: CenterFolder,
    roster: pl.DataFrame,
    week_start: dt.date,
    previous: str | Path | pl.DataFrame | PreviousWeek | None,
) -> PreviousWeek | None:
    if isinstance(previous, PreviousWeek):
        return previous
    if previous is not None:
        return load_previous_week(previous, folder.center, roster=roster)
    if folder.path("schedule") is None:
        return None
    found = load_previous_week(folder.directory, folder.center, roster=roster)
    return found if holds_week_before(found.schedule, folder.center, week_start) else None


@dataclass(frozen=True)
class PlanRun:
    """A planned week, the files written for it and, when published, the service's weeks."""

    plan: WeekPlan
    files: list[Path]
    published: list[PublishedWeek]


def run_plan(
    folder: CenterFolder,
    *,
    week_start: dt.date,
    out_dir: str | Path,
    fmt: TableFormat = "both",
    model: str = "auto",
    params: SolveParams,
    previous: str | Path | pl.DataFrame | None = None,
    service: ServiceClient | None = None,
    publish: bool = False,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> PlanRun:
    """Plan the week (`plan_week`) and write forecast.csv, requirements.csv and the schedule's
    files into `out_dir`.

    Args:
        service: a client of the service: without `previous`, the week before is the one
            published there (when it is; else the folder's schedule).
        publish: publish the planned week to `service` once its files are written.
    """
    if previous is None and service is not None:
        previous = previous_week_from_service(
            service, folder.center, week_start=week_start, roster=folder.load("roster")
        )
    plan = plan_week(
        folder,
        week_start=week_start,
        model=model,
        params=params,
        previous=previous,
        progress=progress,
        executor=executor,
    )
    out = Path(out_dir)
    files = [
        write_table(plan.forecast.forecast, out / "forecast.csv"),
        *(
            [write_weekly_errors(plan.forecast.weekly_ratios, out / "forecast.csv")]
            if plan.allowance is not None and plan.allowance.forecast_quantile is not None
            else []
        ),
        write_table(plan.requirements, out / "requirements.csv"),
        *write_schedule(plan.schedule, out, fmt=fmt),
    ]
    published = []
    if publish:
        if service is None:
            raise ServiceError("publishing the plan needs the service's URL and a planner key")
        published = publish_schedule(service, plan.schedule.schedule, folder.center)
    return PlanRun(plan, files, published)

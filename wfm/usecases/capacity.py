"""Capacity plan use case: load, forecast weekly, calibrate the band by horizon, plan, write."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from forecasting.horizon import backtest_origins, band_coverage, calibrate_band, horizon_errors
from wfm.capacity.plan import CapacityPlan, check_plan, load_plan
from wfm.capacity.plot import plot_capacity
from wfm.capacity.run import CapacityResult, plan_capacity
from wfm.capacity.scenarios import Scenario, check_scenarios, load_scenarios
from wfm.center import Center
from wfm.errors import ForecastError
from wfm.execution import Executor
from wfm.grid import week_start_of
from wfm.loaders import load_roster
from wfm.output import TableFormat, write_page, write_tables, write_workbook
from wfm.usecases.forecast import (
    ForecastInputs,
    Source,
    first_day_after,
    forecast_from,
    load_forecast_inputs,
)

__all__ = ["CapacityInputs", "CapacityOutcome", "CapacityRun", "compute_capacity", "run_capacity"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CapacityInputs:
    """What a capacity plan reads, loaded and checked."""

    forecast: ForecastInputs
    roster: pl.DataFrame
    plan: CapacityPlan
    scenarios: list[Scenario]
    start: dt.date


@dataclass(frozen=True)
class CapacityOutcome:
    """The plan and the band behind it.

    Attributes:
        result: the plan's tables.
        band: weeks_ahead, week, lo_ratio, hi_ratio, n_weeks: the volume band used.
        coverage: the band's leave-one-origin-out coverage per horizon bucket (empty when
            the band was not calibrated).
    """

    result: CapacityResult
    band: pl.DataFrame
    coverage: pl.DataFrame


def _plan_start(history: pl.DataFrame, center: Center, start: dt.date | None) -> dt.date:
    """`start`, or the first week start on or after the day after the history."""
    if start is not None:
        return start
    day = first_day_after(history, center)
    return week_start_of(day + dt.timedelta(days=6), center.week_start)


def load_capacity_inputs(
    center: Center,
    history: Source,
    roster: Source,
    *,
    plan: str | Path | CapacityPlan | None = None,
    scenarios: str | Path | list[Scenario] | None = None,
    drivers: Source | None = None,
    events: Source | None = None,
    start: dt.date | None = None,
) -> CapacityInputs:
    """Load and check every input (tables, plan file, scenario file).

    Raises:
        DataError: a table breaks its rules.
        ConfigError: the plan or scenario file is invalid (naming file and field).
    """
    inputs = load_forecast_inputs(center, history, drivers=drivers, events=events)
    roster_frame = load_roster(roster, center)
    first = _plan_start(inputs.history, center, start)
    plan_source = Path(plan).name if isinstance(plan, str | Path) else "plan"
    plan_model = (
        plan
        if isinstance(plan, CapacityPlan)
        else CapacityPlan()
        if plan is None
        else load_plan(plan)
    )
    scenario_source = Path(scenarios).name if isinstance(scenarios, str | Path) else "scenarios"
    scenario_list = (
        scenarios
        if isinstance(scenarios, list)
        else []
        if scenarios is None
        else load_scenarios(scenarios)
    )
    teams = set(roster_frame["team"].unique().to_list())
    check_plan(plan_model, center, roster_teams=teams, start=first, source=plan_source)
    check_scenarios(scenario_list, center, roster_teams=teams, start=first, source=scenario_source)
    return CapacityInputs(inputs, roster_frame, plan_model, scenario_list, first)


def _band(
    inputs: CapacityInputs,
    models: dict[str, str],
    *,
    n_weeks: int,
    level: int,
    step_weeks: int,
    executor: Executor | None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The horizon-calibrated band for the plan's weeks and its measured coverage."""
    fc = inputs.forecast
    origins = backtest_origins(fc.history, fc.center, step_weeks=step_weeks)
    errors = horizon_errors(
        fc.history,
        fc.center,
        models=models,
        origins=origins,
        horizon_weeks=min(n_weeks, 52),
        drivers=fc.drivers,
        events=fc.events,
        executor=executor,
    )
    band = calibrate_band(errors, level=level, horizon_weeks=n_weeks)
    try:
        coverage = band_coverage(errors, level=level)
    except ForecastError as exc:
        log.warning("band coverage not measured: %s", exc)
        coverage = pl.DataFrame()
    weeks = [inputs.start + dt.timedelta(weeks=int(k) - 1) for k in band["weeks_ahead"]]
    return band.with_columns(pl.Series("week", weeks, dtype=pl.Date)), coverage


def compute_capacity(
    inputs: CapacityInputs,
    *,
    horizon_weeks: int = 52,
    model: str = "auto",
    level: int = 80,
    band_step_weeks: int = 8,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> CapacityOutcome:
    """Forecast the plan's weeks, calibrate the band by horizon, plan every case.

    Raises:
        ForecastError, StaffingError: the forecast or the staffing engine fails.
    """
    fc = forecast_from(
        inputs.forecast,
        start=inputs.start,
        horizon_days=7 * horizon_weeks,
        model=model,
        level=level,
        granularity="week",
        fte_hours=inputs.plan.fte_hours,
        progress=progress,
        executor=executor,
    )
    assert fc.intervals is not None
    models = dict(fc.forecast.select("queue_id", "model").unique().iter_rows())
    band, coverage = _band(
        inputs,
        models,
        n_weeks=horizon_weeks,
        level=level,
        step_weeks=band_step_weeks,
        executor=executor,
    )
    result = plan_capacity(
        fc.intervals,
        inputs.forecast.center,
        inputs.roster,
        inputs.plan,
        start=inputs.start,
        n_weeks=horizon_weeks,
        band=band,
        scenarios=inputs.scenarios,
        events=inputs.forecast.events,
    )
    return CapacityOutcome(result, band, coverage)


@dataclass(frozen=True)
class CapacityRun:
    """A capacity plan written to disk."""

    inputs: CapacityInputs
    outcome: CapacityOutcome
    files: list[Path]


def run_capacity(
    center: Center,
    history: Source,
    roster: Source,
    *,
    out_dir: str | Path,
    plan: str | Path | None = None,
    scenarios: str | Path | None = None,
    drivers: Source | None = None,
    events: Source | None = None,
    start: dt.date | None = None,
    horizon_weeks: int = 52,
    model: str = "auto",
    level: int = 80,
    band_step_weeks: int = 8,
    fmt: TableFormat = "both",
    plot: bool = True,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> CapacityRun:
    """Plan capacity and write capacity.xlsx, the tables and capacity.png / .html.

    Raises:
        DataError, ConfigError, ForecastError, StaffingError, OutputError.
    """
    inputs = load_capacity_inputs(
        center,
        history,
        roster,
        plan=plan,
        scenarios=scenarios,
        drivers=drivers,
        events=events,
        start=start,
    )
    outcome = compute_capacity(
        inputs,
        horizon_weeks=horizon_weeks,
        model=model,
        level=level,
        band_step_weeks=band_step_weeks,
        progress=progress,
        executor=executor,
    )
    result = outcome.result
    out = Path(out_dir)
    tables = {
        "summary": result.summary,
        "groups": result.groups,
        "queues": result.queues,
        "hiring": result.hiring,
        "band": outcome.band,
        "band_coverage": outcome.coverage,
    }
    files = write_tables(tables, out, fmt=fmt)
    sheets = {
        "summary": result.summary,
        **{
            name: result.groups.filter(pl.col("scenario") == name).drop("scenario")
            for name in result.summary["scenario"]
        },
        "hiring": result.hiring,
        "band": outcome.band,
    }
    files.append(write_workbook(sheets, out / "capacity.xlsx"))
    if plot:
        png = plot_capacity(
            result.groups,
            result.hiring,
            title=f"{center.name}: capacity plan from {inputs.start}",
        )
        files += write_page(
            png, out / "capacity.png", title=f"{center.name}: capacity plan", alt="FTE per group"
        )
    return CapacityRun(inputs, outcome, files)

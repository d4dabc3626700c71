"""Forecast and backtest use cases: load history (and drivers, events), run, write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, Unpack

import polars as pl

from forecasting import ForecastResult, backtest, forecast
from forecasting.plots import plot_forecast
from wfm.center import Center
from wfm.execution import Executor
from wfm.loaders import load_drivers, load_events, load_history
from wfm.output import write_page, write_table
from wfm.staffing.lived import forecast_quantile
from wfm.usecases.lived import write_weekly_errors

__all__ = [
    "BacktestRun",
    "ForecastInputs",
    "ForecastOptions",
    "ForecastRun",
    "forecast_from",
    "load_forecast_inputs",
    "run_backtest",
    "run_forecast",
]

Source = str | Path | pl.DataFrame


@dataclass(frozen=True)
class ForecastInputs:
    """What a forecast reads: the center, its history and the optional drivers and events."""

    center: Center
    history: pl.DataFrame
    drivers: pl.DataFrame | None = None
    events: pl.DataFrame | None = None


def load_forecast_inputs(
    center: Center,
    history: Source,
    *,
    drivers: Source | None = None,
    events: Source | None = None,
) -> ForecastInputs:
    """Load (and check) the history, drivers and events a forecast reads.

    Raises:
        DataError: a table breaks its rules.
    """
    return ForecastInputs(
        center=center,
        history=load_history(history, center),
        drivers=None if drivers is None else load_drivers(drivers, center),
        events=None if events is None else load_events(events, center),
    )


def first_day_after(history: pl.DataFrame, center: Center) -> dt.date:
    """The local day after the history's last interval."""
    return center.local_date(history["interval_start"].max()) + dt.timedelta(days=1)


def forecast_from(
    inputs: ForecastInputs,
    *,
    start: dt.date | None = None,
    horizon_days: int,
    model: str = "auto",
    level: int = 80,
    granularity: str = "interval",
    fte_hours: float = 40.0,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> ForecastResult:
    """Forecast `horizon_days` local days from `start` (default: the day after the history).

    Raises:
        ForecastError, StaffingError: see `forecasting.forecast`.
    """
    return forecast(
        inputs.history,
        inputs.center,
        start=start or first_day_after(inputs.history, inputs.center),
        horizon_days=horizon_days,
        drivers=inputs.drivers,
        events=inputs.events,
        model=model,
        level=level,
        granularity=granularity,
        fte_hours=fte_hours,
        weekly_errors=forecast_quantile(inputs.center) is not None,
        progress=progress,
        executor=executor,
    )


@dataclass(frozen=True)
class ForecastRun:
    """A forecast written to disk.

    Attributes:
        inputs: what it read.
        result: the forecast table and the backtest scores behind the model choice.
        first_day: the first local day forecast.
        files: the table and the plot files written.
    """

    inputs: ForecastInputs
    result: ForecastResult
    first_day: dt.date
    files: list[Path]


class ForecastOptions(TypedDict, total=False):
    """`forecast_from`'s options, passed on as they are by `run_forecast`."""

    start: dt.date | None
    horizon_days: int
    model: str
    level: int
    granularity: str
    fte_hours: float
    progress: Callable[[str], None] | None
    executor: Executor | None


def run_forecast(
    inputs: ForecastInputs,
    *,
    out_path: str | Path,
    plot: bool = True,
    **options: Unpack[ForecastOptions],
) -> ForecastRun:
    """Forecast (`forecast_from` with `options`) and write the forecast table, and with
    `plot` OUT.png and OUT.html (recent history and the forecast band per queue). When the
    backtest's weekly errors were measured (a center staffing at a quantile of them) they
    are written beside the table (`wfm.usecases.lived.weekly_errors_path`).

    Raises:
        DataError, ForecastError, OutputError.
    """
    center = inputs.center
    first_day = options.pop("start", None) or first_day_after(inputs.history, center)
    result = forecast_from(inputs, start=first_day, **options)  # type: ignore[misc]
    files = [write_table(result.forecast, out_path)]
    if (
        forecast_quantile(center) is not None
        and options.get("granularity", "interval") == "interval"
    ):
        files.append(write_weekly_errors(result.weekly_ratios, out_path))
    if plot:
        weekly = options.get("granularity") == "week"
        png = plot_forecast(inputs.history, result.forecast, center, weekly=weekly)
        title = f"{center.name}: forecast from {first_day}"
        files += write_page(
            png, Path(out_path).with_suffix(".png"), title=title, alt="forecast per queue"
        )
    return ForecastRun(inputs, result, first_day, files)


@dataclass(frozen=True)
class BacktestRun:
    """A backtest: the error table and the file it was written to (if any)."""

    table: pl.DataFrame
    files: list[Path]


def run_backtest(
    inputs: ForecastInputs,
    *,
    horizon_days: int,
    n_folds: int,
    out_path: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> BacktestRun:
    """Rolling-origin errors per queue and model (and the table written to `out_path`).

    Raises:
        ForecastError, OutputError.
    """
    table = backtest(
        inputs.history,
        inputs.center,
        horizon_days=horizon_days,
        n_folds=n_folds,
        drivers=inputs.drivers,
        events=inputs.events,
        progress=progress,
        executor=executor,
    )
    files = [] if out_path is None else [write_table(table, out_path)]
    return BacktestRun(table, files)

"""Intraday use cases: the morning forecast of a day, and the intraday view from files.

The service (`GET /v1/intraday`) calls `morning_forecast` and `intraday_view` on the tables it
stores; `wfm intraday` calls `run_intraday` on files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from forecasting.run import forecast
from wfm.adherence.mapping import load_rules
from wfm.center import Center
from wfm.grid import local_midnight_utc
from wfm.intraday import Intraday, intraday
from wfm.loaders import load_forecast, load_history, load_optional
from wfm.output import TableFormat, write_tables

__all__ = [
    "MORNING_HISTORY_DAYS",
    "MORNING_MODEL",
    "IntradayRun",
    "morning_forecast",
    "run_intraday",
]

# The morning forecast when none is given: the same-weekday weighted average of daily totals
# spread by the weekday's intraday profile (`wfm forecast --model weighted_avg_daily`): fast
# (about 2 s for the sample's 8 queues), and it needs only the last weeks of history.
MORNING_MODEL = "weighted_avg_daily"
MORNING_HISTORY_DAYS = 70


def morning_forecast(
    history: pl.DataFrame, center: Center, day: dt.date, *, model: str = MORNING_MODEL
) -> pl.DataFrame:
    """The forecast of local `day` from the history before it (the forecast table).

    Raises:
        ForecastError: no usable history before `day`.
    """
    since = local_midnight_utc(day - dt.timedelta(days=MORNING_HISTORY_DAYS), center.tz)
    recent = history.filter(pl.col("interval_start") >= since)
    return forecast(recent, center, start=day, horizon_days=1, model=model).forecast


@dataclass(frozen=True)
class IntradayRun:
    """An intraday view and the files written for it."""

    result: Intraday
    files: list[Path]


def run_intraday(
    history: str | Path,
    center: Center,
    *,
    at: dt.datetime,
    forecast_path: str | Path | None = None,
    schedule: str | Path | None = None,
    states: str | Path | None = None,
    roster: str | Path | None = None,
    rules: str | Path | None = None,
    out_dir: str | Path | None = None,
    fmt: TableFormat = "both",
) -> IntradayRun:
    """The intraday view at `at` from files; with `out_dir`, its tables written there
    (`intraday_queues`, `intraday_intervals`, `intraday_moves`).

    Raises:
        DataError, ForecastError, AdherenceError, StaffingError, OutputError.
    """
    history_frame = load_history(history, center)
    result = intraday(
        center,
        forecast=morning_forecast(history_frame, center, center.local_date(at))
        if forecast_path is None
        else load_forecast(forecast_path, center),
        history=history_frame,
        at=at,
        schedule=load_optional("schedule", schedule, center),
        states=load_optional("states", states, center),
        roster=load_optional("roster", roster, center),
        rules=load_rules(rules),
    )
    files: list[Path] = []
    if out_dir is not None:
        tables = {
            "intraday_queues": result.queues,
            "intraday_intervals": result.intervals,
            "intraday_moves": result.moves,
        }
        files = write_tables(tables, out_dir, fmt=fmt)
    return IntradayRun(result, files)

"""`forecast` (planner and manager views) and `backtest`: frames in, frames out.

`model=` is auto (backtest the candidates and pick per queue) or a name of the model registry
(`forecasting.registry.MODELS`).
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from forecasting.core import Forecaster
from forecasting.metrics import bias, mase, wape
from forecasting.registry import DAILY_MODEL_NAMES, MODEL_NAMES, make_models
from wfm.center import Center
from wfm.errors import ForecastError
from wfm.execution import Executor, InProcessExecutor
from wfm.grid import local_midnight_utc, week_start_expr, with_local_columns
from wfm.loaders import FORECAST_COLUMNS

__all__ = [
    "WEEKLY_ERROR_FOLDS",
    "ForecastResult",
    "QueueTask",
    "backtest",
    "backtest_queue",
    "forecast",
    "forecast_queue",
    "to_weekly",
]

log = logging.getLogger(__name__)

# Weekly origins of the backtest behind an interval forecast's weekly errors: a quarter of
# weeks, enough for a conformal 90 % bound (n + 1 >= 10) without reaching back to last season.
WEEKLY_ERROR_FOLDS = 13


@dataclass(frozen=True)
class ForecastResult:
    """The forecast table plus the backtest scores behind the automatic choice.

    `intervals` is the interval table behind a weekly forecast (None for interval ones):
    the capacity plan staffs it interval by interval. `weekly_ratios`: per queue, the chosen
    model's backtest ratios of actual / forecast weekly totals, when measured (weekly
    forecasts, or `weekly_errors`); `forecasting.core.ratio_band` turns them into a band.
    """

    forecast: pl.DataFrame
    scores: pl.DataFrame
    intervals: pl.DataFrame | None = None
    weekly_ratios: Mapping[str, tuple[float, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueTask:
    """One queue's work unit: plain data an executor can ship to another process.

    Attributes:
        forecaster: an unfitted Forecaster (models, center, backtest settings); the work
            function fits a copy, so one prototype serves every queue.
        queue_id: the queue to forecast.
        history: this queue's history rows.
        end_date: the last forecast day + 1 (local), or None (backtest_queue).
        start: first local day to forecast, or None (backtest_queue).
        horizon_days: days to forecast (forecast_queue) or per backtest fold (backtest_queue).
        drivers: the drivers table, or None.
        events: the events table, or None.
    """

    forecaster: Forecaster
    queue_id: str
    history: pl.DataFrame
    end_date: dt.date | None
    start: dt.date | None
    horizon_days: int
    drivers: pl.DataFrame | None
    events: pl.DataFrame | None


def _queue_tasks(
    history: pl.DataFrame,
    forecaster: Forecaster,
    *,
    start: dt.date | None,
    horizon_days: int,
    drivers: pl.DataFrame | None,
    events: pl.DataFrame | None,
) -> list[QueueTask]:
    """One task per center queue with history rows, in the center's queue order."""
    forecaster.check_history(history)
    rows = history.partition_by("queue_id", as_dict=True)
    tasks = []
    for queue in forecaster.center.queues:
        if (queue.id,) not in rows:
            log.warning("queue %s: no history rows; not forecast", queue.id)
            continue
        tasks.append(
            QueueTask(
                forecaster=forecaster,
                queue_id=queue.id,
                history=rows[(queue.id,)],
                end_date=None if start is None else start + dt.timedelta(days=horizon_days),
                start=start,
                horizon_days=horizon_days,
                drivers=drivers,
                events=events,
            )
        )
    return tasks


def forecast_queue(
    task: QueueTask,
) -> tuple[
    pl.DataFrame,
    list[dict[str, object]],
    dict[str, tuple[float, float]],
    dict[str, tuple[float, ...]],
]:
    """Choose, fit and predict one queue: its forecast rows, backtest scores and (when the
    forecaster measures them) the weekly band and the backtest's weekly ratios behind it
    (Forecaster.weekly_band_, weekly_ratios_)."""
    if task.start is None or task.end_date is None:
        raise ForecastError(f"queue {task.queue_id}: a forecast task needs its start day")
    forecaster = copy.deepcopy(task.forecaster)
    forecaster.fit(
        task.history,
        end_date=task.end_date,
        drivers=task.drivers,
        events=task.events,
        queue_ids=[task.queue_id],
    )
    return (
        forecaster.predict(task.start, task.horizon_days),
        forecaster.scores_,
        forecaster.weekly_band_,
        forecaster.weekly_ratios_,
    )


def backtest_queue(task: QueueTask) -> list[dict[str, object]]:
    """Rolling-origin errors of every model on one queue (rows of the backtest table)."""
    forecaster = task.forecaster
    queue = forecaster.center.queue(task.queue_id)
    week = 7 * forecaster.n_slots
    rows: list[dict[str, object]] = []
    series = forecaster.series_for_backtest(
        task.history, queue, drivers=task.drivers, events=task.events
    )
    results = forecaster.backtest_series(forecaster.models, series)
    first_origin = min(o for preds in results.values() for o, _ in preds) if results else 0
    train = series.offered[:first_origin]
    for alias, preds in results.items():
        y = np.concatenate([series.offered[o : o + task.horizon_days] for o, _ in preds])
        y_hat = np.concatenate([p.mean for _, p in preds])
        closed_day = ~np.isfinite(y).all(axis=1)
        for lvl, a, f, tr, m in (
            ("interval", y, y_hat, train.ravel(), week),
            (
                "daily",
                y.sum(axis=1),
                np.where(closed_day, np.nan, y_hat.sum(axis=1)),
                train.sum(axis=1),
                7,
            ),
        ):
            rows.append(
                {
                    "queue_id": task.queue_id,
                    "model": alias,
                    "level": lvl,
                    "wape": wape(a, f),
                    "mase": mase(a, f, tr, season_length=m),
                    "bias": bias(a, f),
                    "n_folds": len(preds),
                }
            )
    return rows


def _candidates(model: str, granularity: str) -> tuple[str, ...]:
    if model != "auto":
        return (model,)
    # Repeating last week's pattern cannot see a season coming: weekly plans use daily models.
    return DAILY_MODEL_NAMES if granularity == "week" else MODEL_NAMES


def forecast(
    history: pl.DataFrame,
    center: Center,
    *,
    start: dt.date,
    horizon_days: int,
    drivers: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    model: str = "auto",
    level: int = 80,
    granularity: str = "interval",
    n_folds: int = 4,
    fte_hours: float = 40.0,
    weekly_errors: bool = False,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> ForecastResult:
    """Forecast volume, AHT and prediction intervals per queue.

    Args:
        history: the history table (README, Tables); rows on or after `start` are ignored.
        center: the center.
        start: first local day to forecast.
        horizon_days: number of local days to forecast.
        drivers: the drivers table (date + driver columns, past and planned), or None.
        events: the events table, or None.
        model: "auto" or a model name (MODEL_NAMES).
        level: prediction interval level in %.
        granularity: "interval" (the forecast table) or "week" (one row per queue and
            local week, interval_start = local Monday midnight, plus the staffing engine's
            gross agent hours and FTE needed: the seasonal capacity plan).
        n_folds: rolling origins for the automatic choice.
        fte_hours: paid hours of one full-time equivalent per week (week view only).
        weekly_errors: an interval forecast also measures the chosen model's weekly errors
            (`ForecastResult.weekly_ratios`) on `WEEKLY_ERROR_FOLDS` weekly backtest origins:
            what staffing at a quantile of the forecast's error reads (a weekly forecast
            always measures them).
        progress: called with each queue id when it is done.
        executor: runs the queues (default in-process); the result does not depend on it.

    Raises:
        ForecastError: unknown model or granularity, no usable history, start inside a gap.
        StaffingError: the staffing engine rejects the forecast (week view only).
    """
    if granularity not in ("interval", "week"):
        raise ForecastError(f"unknown granularity {granularity!r}; use interval or week")
    if horizon_days < 1:
        raise ForecastError(f"horizon must be at least one day, got {horizon_days}")
    history = history.filter(pl.col("interval_start") < local_midnight_utc(start, center.tz))
    if history.height == 0:
        raise ForecastError(f"no history before the forecast start {start}")
    weekly = granularity == "week"
    forecaster = Forecaster(
        make_models(_candidates(model, granularity), center),
        center=center,
        level=level,
        n_folds=2 if weekly else n_folds,
        backtest_days=min(horizon_days, 84) if weekly else 7,
        fold_step_days=28 if weekly else 7,
        weekly_bands=weekly or weekly_errors,
        band_folds=None if weekly else WEEKLY_ERROR_FOLDS,
    )
    tasks = _queue_tasks(
        history, forecaster, start=start, horizon_days=horizon_days, drivers=drivers, events=events
    )
    frames, score_rows = [], []
    bands: dict[str, tuple[float, float]] = {}
    ratios: dict[str, tuple[float, ...]] = {}
    for task, (frame, queue_scores, queue_bands, queue_ratios) in zip(
        tasks, (executor or InProcessExecutor()).imap(forecast_queue, tasks), strict=True
    ):
        frames.append(frame)
        score_rows.extend(queue_scores)
        bands.update(queue_bands)
        ratios.update(queue_ratios)
        if progress is not None:
            progress(task.queue_id)
    table = pl.concat(frames)
    scores = pl.DataFrame(
        score_rows, schema={"queue_id": pl.Utf8, "model": pl.Utf8, "score": pl.Float64}
    )
    if not weekly:
        return ForecastResult(forecast=table, scores=scores, weekly_ratios=ratios)
    if fte_hours <= 0:
        raise ForecastError(f"fte_hours must be positive, got {fte_hours}")
    weeks = to_weekly(table, center, fte_hours=fte_hours, band_ratios=bands)
    return ForecastResult(forecast=weeks, scores=scores, intervals=table, weekly_ratios=ratios)


def to_weekly(
    table: pl.DataFrame,
    center: Center,
    *,
    fte_hours: float | None = None,
    band_ratios: Mapping[str, tuple[float, float]] | None = None,
) -> pl.DataFrame:
    """Sum a forecast table to local weeks (from the center's `week_start`, Monday by
    default); AHT is volume-weighted.

    The weekly band of a queue in `band_ratios` is its weekly volume times the (lo, hi)
    ratios (the backtest's quantiles of actual / forecast weekly totals); other queues get
    the sum of their interval bands, which is wide (it treats all errors as one).

    `interval_start` becomes the UTC instant of the week's first local midnight. With
    `fte_hours`, the staffing engine turns every interval into gross agents (targets,
    patience, concurrency, shrinkage of the center) and the week gets `agent_h_gross` (agent
    hours) and `fte_needed` = agent_h_gross / fte_hours.
    """
    if fte_hours is not None:
        from wfm.staffing.frame import requirements_from_frame

        needed = requirements_from_frame(table, center).select(
            "queue_id", "interval_start", "agents_gross"
        )
        table = table.join(needed, on=["queue_id", "interval_start"], how="left")
    local = with_local_columns(table, center.tz)
    assert isinstance(local, pl.DataFrame)
    local = local.with_columns(
        week_start_expr(pl.col("local_date"), center.week_start).alias("week")
    )
    out = local.group_by("queue_id", "week").agg(
        pl.col("volume").sum(),
        pl.col("volume_lo").sum(),
        pl.col("volume_hi").sum(),
        ((pl.col("aht_s").fill_nan(None) * pl.col("volume")).sum() / pl.col("volume").sum()).alias(
            "aht_s"
        ),
        pl.col("model").first(),
        *(
            [(pl.col("agents_gross").sum() * center.interval_s / 3600).alias("agent_h_gross")]
            if fte_hours is not None
            else []
        ),
    )
    if fte_hours is not None:
        out = out.with_columns((pl.col("agent_h_gross") / fte_hours).alias("fte_needed"))
    if band_ratios:
        lo = pl.col("queue_id").replace_strict(
            {q: r[0] for q, r in band_ratios.items()}, default=None, return_dtype=pl.Float64
        )
        hi = pl.col("queue_id").replace_strict(
            {q: r[1] for q, r in band_ratios.items()}, default=None, return_dtype=pl.Float64
        )
        out = out.with_columns(
            (pl.col("volume") * lo).fill_null(pl.col("volume_lo")).alias("volume_lo"),
            (pl.col("volume") * hi).fill_null(pl.col("volume_hi")).alias("volume_hi"),
        )
    starts = {w: local_midnight_utc(w, center.tz) for w in out["week"].unique().to_list()}
    return (
        out.with_columns(
            pl.col("week")
            .replace_strict(starts, return_dtype=pl.Datetime("us", "UTC"))
            .alias("interval_start")
        )
        .select(
            *FORECAST_COLUMNS,
            *(["agent_h_gross", "fte_needed"] if fte_hours is not None else []),
        )
        .sort("queue_id", "interval_start")
    )


def backtest(
    history: pl.DataFrame,
    center: Center,
    *,
    horizon_days: int = 7,
    n_folds: int = 4,
    models: tuple[str, ...] = MODEL_NAMES,
    drivers: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    progress: Callable[[str], None] | None = None,
    executor: Executor | None = None,
) -> pl.DataFrame:
    """Rolling-origin errors per queue and model, at interval and daily level.

    The last `n_folds` weeks (origins 7 days apart) are each forecast `horizon_days` ahead
    from the history before them. WAPE and bias are fractions of actual volume; MASE scales
    the mean absolute error by the in-sample seasonal naive error of the training data (lag
    one week of intervals, or 7 days for daily totals). `executor` runs the queues (default
    in-process); the table does not depend on it.

    Returns:
        queue_id, model, level ("interval" | "daily"), wape, mase, bias, n_folds.
    """
    forecaster = Forecaster(
        make_models(models, center),
        center=center,
        n_folds=n_folds,
        backtest_days=horizon_days,
        fold_step_days=7,
    )
    tasks = _queue_tasks(
        history, forecaster, start=None, horizon_days=horizon_days, drivers=drivers, events=events
    )
    rows = []
    for task, queue_rows in zip(
        tasks, (executor or InProcessExecutor()).imap(backtest_queue, tasks), strict=True
    ):
        rows.extend(queue_rows)
        if progress is not None:
            progress(task.queue_id)
    if not rows:
        raise ForecastError("no queue has enough history to backtest")
    return pl.DataFrame(rows)

"""Weekly prediction bands that widen with the horizon, calibrated by long backtests.

The weekly band of `forecast(granularity="week")` comes from backtests at most 12 weeks
long, so it is as wide 52 weeks ahead as 1 week ahead. Here each queue's chosen model is
refit from several origins (Mondays `step_weeks` apart, each with at least `min_train_days`
of history before it, the features built from that history alone) and forecasts up to 52
weeks; every (queue, origin, week) gives log(actual / forecast) at its weeks ahead.

`calibrate_band` turns those errors into (lo, hi) ratios per weeks ahead: per horizon bucket
(weeks 1-4, 5-13, 14-26, 27-52 by default), the split-conformal order statistics of the log
ratios pooled over queues (log ratios are scale-free), placed at the bucket's mean weeks
ahead, interpolated linearly between buckets, its width made non-decreasing (a band may
shift with a bias that grows with the horizon, but never narrows). `band_coverage` measures
the band honestly: each origin's weeks are scored against a band calibrated without that
origin.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from forecasting.core import Combination, Forecaster
from forecasting.models import Model, z_score
from forecasting.registry import model_from_name
from forecasting.run import to_weekly
from wfm.center import Center
from wfm.errors import ForecastError
from wfm.execution import Executor, InProcessExecutor
from wfm.grid import week_start_of

__all__ = [
    "HORIZON_BUCKETS_WEEKS",
    "HorizonTask",
    "backtest_origins",
    "band_coverage",
    "calibrate_band",
    "horizon_errors",
    "horizon_errors_queue",
    "weekly_actuals",
]

log = logging.getLogger(__name__)

HORIZON_BUCKETS_WEEKS: tuple[int, ...] = (4, 13, 26, 52)
ERROR_COLUMNS: dict[str, pl.DataType] = {
    "queue_id": pl.String(),
    "origin": pl.Date(),
    "week": pl.Date(),
    "weeks_ahead": pl.Int64(),
    "forecast": pl.Float64(),
    "actual": pl.Float64(),
    "log_ratio": pl.Float64(),
}


def weekly_actuals(history: pl.DataFrame, center: Center) -> pl.DataFrame:
    """Offered contacts per queue and local week (Monday): queue_id, week, actual.

    Only weeks whose seven local days all lie inside the history's span are kept.
    """
    first = center.local_date(history["interval_start"].min())
    last = center.local_date(history["interval_start"].max())
    frame = history.select(
        "queue_id",
        "interval_start",
        pl.col("offered").cast(pl.Float64).alias("volume"),
        pl.lit(0.0).alias("volume_lo"),
        pl.lit(0.0).alias("volume_hi"),
        pl.lit(None, dtype=pl.Float64).alias("aht_s"),
        pl.lit("actual").alias("model"),
    )
    weekly = to_weekly(frame, center).with_columns(
        pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().alias("week")
    )
    return weekly.filter(
        (pl.col("week") >= first) & (pl.col("week") + pl.duration(days=6) <= last)
    ).select("queue_id", "week", pl.col("volume").alias("actual"))


def backtest_origins(
    history: pl.DataFrame,
    center: Center,
    *,
    step_weeks: int = 4,
    min_train_days: int = 182,
    min_ahead_weeks: int = 1,
) -> list[dt.date]:
    """Mondays `step_weeks` apart, from the first with `min_train_days` of history before it
    to the last with `min_ahead_weeks` whole weeks of history after it.

    Raises:
        ForecastError: the history is too short for one origin.
    """
    if step_weeks < 1:
        raise ForecastError(f"the origin step must be at least one week, got {step_weeks}")
    first = center.local_date(history["interval_start"].min())
    last = center.local_date(history["interval_start"].max())
    earliest = first + dt.timedelta(days=min_train_days)
    earliest = week_start_of(earliest + dt.timedelta(days=6), center.week_start)
    latest = week_start_of(
        last + dt.timedelta(days=1) - dt.timedelta(weeks=min_ahead_weeks), center.week_start
    )
    if latest < earliest:
        raise ForecastError(
            f"the history ({first} to {last}) is too short for a backtest origin with "
            f"{min_train_days} days before it and {min_ahead_weeks} week(s) after it"
        )
    n = (latest - earliest).days // (7 * step_weeks)
    return [latest - dt.timedelta(weeks=step_weeks * k) for k in range(n, -1, -1)]


@dataclass(frozen=True)
class HorizonTask:
    """One queue's long backtest: plain data an executor can ship to another process.

    Attributes:
        center: the center.
        queue_id: the queue.
        model: the model (or combination) to refit at every origin.
        history: this queue's history rows.
        origins: local Mondays to forecast from.
        horizon_weeks: the longest forecast (cut at the history's end).
        drivers: the drivers table, or None.
        events: the events table, or None.
    """

    center: Center
    queue_id: str
    model: Model | Combination
    history: pl.DataFrame
    origins: tuple[dt.date, ...]
    horizon_weeks: int
    drivers: pl.DataFrame | None
    events: pl.DataFrame | None


def horizon_errors_queue(task: HorizonTask) -> pl.DataFrame:
    """log(actual / forecast) of one queue's weekly totals, per origin and weeks ahead."""
    center = task.center
    actual = weekly_actuals(task.history, center).drop("queue_id")
    last_week = actual["week"].max()
    frames = []
    for origin in task.origins:
        assert isinstance(last_week, dt.date)
        weeks = min(task.horizon_weeks, (last_week - origin).days // 7 + 1)
        before = task.history.filter(
            pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date() < origin
        )
        if weeks < 1 or before.height == 0:
            continue
        forecaster = Forecaster([copy.deepcopy(task.model)], center=center)
        try:
            forecaster.fit(
                before,
                end_date=origin + dt.timedelta(weeks=weeks),
                drivers=task.drivers,
                events=task.events,
                queue_ids=[task.queue_id],
            )
            table = forecaster.predict(origin, 7 * weeks)
        except ForecastError as exc:
            log.info("queue %s: origin %s skipped: %s", task.queue_id, origin, exc)
            continue
        weekly = to_weekly(table, center).with_columns(
            pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().alias("week")
        )
        frames.append(
            weekly.join(actual, on="week", how="inner").select(
                pl.lit(task.queue_id).alias("queue_id"),
                pl.lit(origin).alias("origin"),
                "week",
                ((pl.col("week") - pl.lit(origin)).dt.total_days() // 7 + 1).alias("weeks_ahead"),
                pl.col("volume").alias("forecast"),
                "actual",
            )
        )
    if not frames:
        return pl.DataFrame(schema=ERROR_COLUMNS)
    return (
        pl.concat(frames)
        .filter((pl.col("forecast") > 0) & (pl.col("actual") > 0))
        .with_columns((pl.col("actual") / pl.col("forecast")).log().alias("log_ratio"))
        .cast(ERROR_COLUMNS)  # type: ignore[arg-type]
    )


def horizon_errors(
    history: pl.DataFrame,
    center: Center,
    *,
    models: Mapping[str, str],
    origins: Sequence[dt.date],
    horizon_weeks: int = 52,
    drivers: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    executor: Executor | None = None,
) -> pl.DataFrame:
    """Weekly backtest errors of every queue in `models` (queue id -> model name, e.g. the
    `model` column of a forecast: "sarimax", "mean(prophet+sarimax)").

    Returns:
        queue_id, origin, week, weeks_ahead (1 = the origin's week), forecast, actual,
        log_ratio = log(actual / forecast).

    Raises:
        ForecastError: a model name the registry does not know.
    """
    rows = history.partition_by("queue_id", as_dict=True)
    tasks = [
        HorizonTask(
            center=center,
            queue_id=qid,
            model=model_from_name(name, center),
            history=rows[(qid,)],
            origins=tuple(origins),
            horizon_weeks=horizon_weeks,
            drivers=drivers,
            events=events,
        )
        for qid, name in models.items()
        if (qid,) in rows
    ]
    frames = list((executor or InProcessExecutor()).imap(horizon_errors_queue, tasks))
    return pl.concat(frames) if frames else pl.DataFrame(schema=ERROR_COLUMNS)


def _bucket(weeks_ahead: pl.Expr, buckets: Sequence[int]) -> pl.Expr:
    """The index of the first bucket bound at or above weeks ahead (beyond the last: last)."""
    expr = pl.lit(len(buckets) - 1)
    for i in range(len(buckets) - 2, -1, -1):
        expr = pl.when(weeks_ahead <= buckets[i]).then(pl.lit(i)).otherwise(expr)
    return expr


def _conformal(values: np.ndarray, tail: float) -> tuple[float, float]:
    """Split-conformal lower and upper order statistics bounding 1 - 2 tail of new values."""
    ranked = np.sort(values)
    n = ranked.size
    lo = float(ranked[max(int(np.floor((n + 1) * tail)), 1) - 1])
    hi = float(ranked[min(int(np.ceil((n + 1) * (1 - tail))), n) - 1])
    return lo, hi


def calibrate_band(
    errors: pl.DataFrame,
    *,
    level: int = 80,
    buckets: Sequence[int] = HORIZON_BUCKETS_WEEKS,
    horizon_weeks: int | None = None,
    min_weeks: int = 8,
) -> pl.DataFrame:
    """(lo, hi) ratios of actual / forecast per weeks ahead, from backtest errors.

    Args:
        errors: the `horizon_errors` table.
        level: band level in %.
        buckets: upper bounds (weeks ahead, ascending) of the horizon buckets.
        horizon_weeks: rows 1 .. this (default the last bucket bound); beyond the last
            bucket with errors the band stays as wide as there.
        min_weeks: a bucket with fewer errors is merged into the one before it.

    Returns:
        weeks_ahead, lo_ratio, hi_ratio (lo <= 1 <= hi), n_weeks (backtest weeks in its
        bucket).

    Raises:
        ForecastError: fewer than `min_weeks` errors in all.
    """
    tail = (1 - level / 100) / 2
    z_score(level)
    horizon = horizon_weeks or buckets[-1]
    if errors.height < min_weeks:
        raise ForecastError(
            f"{errors.height} backtest weeks are too few to calibrate a band (need {min_weeks})"
        )
    tagged = errors.with_columns(_bucket(pl.col("weeks_ahead"), buckets).alias("bucket"))
    centers, los, his = [], [], []
    pending = pl.DataFrame(schema=tagged.schema)
    for b in range(len(buckets)):
        part = pl.concat([pending, tagged.filter(pl.col("bucket") == b)])
        if part.height < min_weeks:
            pending = part  # too thin: pooled with the next bucket
            continue
        lo, hi = _conformal(part["log_ratio"].to_numpy(), tail)
        centers.append(float(part["weeks_ahead"].mean()))  # type: ignore[arg-type]
        los.append(min(lo, 0.0))
        his.append(max(hi, 0.0))
        pending = pl.DataFrame(schema=tagged.schema)
    if not centers:  # every bucket thin: one band from all the errors
        lo, hi = _conformal(tagged["log_ratio"].to_numpy(), tail)
        centers, los, his = [1.0], [min(lo, 0.0)], [max(hi, 0.0)]
    weeks = np.arange(1, horizon + 1)
    lo_log, hi_log = np.interp(weeks, centers, los), np.interp(weeks, centers, his)
    # The band may shift (a bias that grows with the horizon) but never narrows: its width
    # is made non-decreasing around its midpoint, and it always holds the point forecast.
    mid, half = (lo_log + hi_log) / 2, np.maximum.accumulate((hi_log - lo_log) / 2)
    lo_log, hi_log = np.minimum(mid - half, 0.0), np.maximum(mid + half, 0.0)
    counts = dict(tagged.group_by("bucket").len().iter_rows())
    bucket_of = np.searchsorted(np.asarray(buckets), weeks).clip(max=len(buckets) - 1)
    return pl.DataFrame(
        {
            "weeks_ahead": weeks,
            "lo_ratio": np.exp(lo_log),
            "hi_ratio": np.exp(hi_log),
            "n_weeks": [counts.get(int(b), 0) for b in bucket_of],
        },
        schema={
            "weeks_ahead": pl.Int64,
            "lo_ratio": pl.Float64,
            "hi_ratio": pl.Float64,
            "n_weeks": pl.Int64,
        },
    )


def band_coverage(
    errors: pl.DataFrame,
    *,
    level: int = 80,
    buckets: Sequence[int] = HORIZON_BUCKETS_WEEKS,
) -> pl.DataFrame:
    """Leave-one-origin-out coverage of the calibrated band, per horizon bucket.

    Each origin's weeks are scored against the band calibrated from the other origins'
    errors, so no week helps set the band that judges it (weeks of neighbouring origins
    overlap in time, so this is still somewhat optimistic).

    Returns:
        bucket (e.g. "1-4"), up_to_weeks, weeks (scored), origins, coverage (share inside),
        median_width_frac ((hi - lo) ratio at those weeks).
    """
    scored = []
    for (origin,), test in errors.group_by("origin"):
        train = errors.filter(pl.col("origin") != origin)
        if train.height < 8:
            continue
        band = calibrate_band(train, level=level, buckets=buckets)
        joined = test.join(band, on="weeks_ahead", how="inner")
        scored.append(
            joined.with_columns(
                pl.col("log_ratio")
                .is_between(pl.col("lo_ratio").log(), pl.col("hi_ratio").log())
                .alias("inside"),
                (pl.col("hi_ratio") - pl.col("lo_ratio")).alias("width_frac"),
            )
        )
    if not scored:
        raise ForecastError("too few backtest origins to measure the band's coverage")
    table = pl.concat(scored).with_columns(_bucket(pl.col("weeks_ahead"), buckets).alias("b"))
    bounds = [0, *buckets]
    return (
        table.group_by("b")
        .agg(
            pl.len().alias("weeks"),
            pl.col("origin").n_unique().alias("origins"),
            pl.col("inside").mean().alias("coverage"),
            pl.col("width_frac").median().alias("median_width_frac"),
        )
        .sort("b")
        .select(
            pl.col("b")
            .map_elements(lambda b: f"{bounds[b] + 1}-{bounds[b + 1]}", return_dtype=pl.String)
            .alias("bucket"),
            pl.col("b")
            .map_elements(lambda b: bounds[b + 1], return_dtype=pl.Int64)
            .alias("up_to_weeks"),
            "weeks",
            "origins",
            "coverage",
            "median_width_frac",
        )
    )

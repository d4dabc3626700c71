"""The local day matrix and intraday profiles, keyed by local minute of day (DST-safe).

A queue's interval history becomes a matrix of local days x local slots (1440 / interval
minutes columns, 96 for quarter-hours). Slots are keyed by local minute of day, never by
interval index, so a daylight-saving day (92 or 100 intervals in wfm.grid) maps onto the same
columns as any other: the repeated hour of a fall-back day is averaged into its slots, and the
skipped hour of a spring-forward day is interpolated from its neighbours. On the way back,
every UTC interval of wfm.grid reads its local (date, slot) cell.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from wfm.grid import grid, with_local_columns

__all__ = [
    "from_day_matrix",
    "intraday_shares",
    "spread_daily",
    "to_day_matrix",
]


def _cells(frame: pl.DataFrame, tz: ZoneInfo, interval_s: int, first_date: dt.date) -> pl.DataFrame:
    local = with_local_columns(frame, tz)
    assert isinstance(local, pl.DataFrame)
    return local.with_columns(
        (pl.col("local_date") - pl.lit(first_date)).dt.total_days().cast(pl.Int64).alias("day"),
        (pl.col("minute_of_day") // (interval_s // 60)).cast(pl.Int64).alias("slot"),
    )


def to_day_matrix(
    frame: pl.DataFrame,
    value: str,
    *,
    tz: ZoneInfo,
    interval_s: int,
    first_date: dt.date,
    n_days: int,
    absent: float = 0.0,
) -> np.ndarray:
    """Arrange one queue's `value` column into a (n_days, slots per day) matrix.

    Args:
        frame: rows with `interval_start` (UTC) and `value`, one queue.
        value: the column to arrange.
        tz: the center's time zone.
        interval_s: interval length in seconds.
        first_date: local date of row 0.
        n_days: number of local days (rows).
        absent: value for a cell with no row on a day that has rows (0 for counts: closed or
            no contacts; NaN for averages such as AHT). Days without any row stay NaN.

    Returns:
        float matrix; NaN marks missing days (and missing averages).
    """
    n_slots = 86400 // interval_s
    out = np.full((n_days, n_slots), np.nan)
    if frame.height:
        cells = (
            _cells(frame.select("interval_start", value), tz, interval_s, first_date)
            .filter((pl.col("day") >= 0) & (pl.col("day") < n_days))
            .group_by("day", "slot")
            .agg(pl.col(value).cast(pl.Float64).mean())
        )
        days = cells["day"].to_numpy()
        out[days, cells["slot"].to_numpy()] = cells[value].to_numpy()
        present = np.zeros(n_days, dtype=bool)
        present[days] = True
        rows = out[present]
        rows[np.isnan(rows)] = absent
        out[present] = rows
        _interpolate_skipped_slots(out, tz, interval_s, first_date, present)
    return out


def _interpolate_skipped_slots(
    out: np.ndarray, tz: ZoneInfo, interval_s: int, first_date: dt.date, present: np.ndarray
) -> None:
    """Fill slots that do not exist on spring-forward days with their neighbours' mean."""
    n_days, n_slots = out.shape
    starts = grid(first_date, first_date + dt.timedelta(days=n_days), tz, interval_s)
    cells = _cells(pl.DataFrame({"interval_start": starts}), tz, interval_s, first_date)
    counts = np.bincount(cells["day"].to_numpy(), minlength=n_days)
    short_days = np.flatnonzero((counts < n_slots) & present)
    if short_days.size == 0:
        return
    day_col, slot_col = cells["day"].to_numpy(), cells["slot"].to_numpy()
    for day in short_days:
        existing = np.unique(slot_col[day_col == day])
        skipped = np.setdiff1d(np.arange(n_slots), existing)
        row = out[day]
        row[skipped] = np.interp(skipped, existing, row[existing])


def from_day_matrix(
    values: dict[str, np.ndarray], *, tz: ZoneInfo, interval_s: int, first_date: dt.date
) -> pl.DataFrame:
    """UTC intervals of the local days covered by the matrices, each reading its local cell.

    Args:
        values: column name -> (n_days, slots per day) matrix, all the same shape.
        tz: the center's time zone.
        interval_s: interval length in seconds.
        first_date: local date of row 0.

    Returns:
        frame with `interval_start` (UTC) and one column per matrix.
    """
    n_days = next(iter(values.values())).shape[0]
    starts = grid(first_date, first_date + dt.timedelta(days=n_days), tz, interval_s)
    cells = _cells(pl.DataFrame({"interval_start": starts}), tz, interval_s, first_date)
    day, slot = cells["day"].to_numpy(), cells["slot"].to_numpy()
    return pl.DataFrame(
        {"interval_start": starts, **{name: m[day, slot] for name, m in values.items()}}
    )


def intraday_shares(
    offered: np.ndarray,
    first_date: dt.date,
    target_dates: list[dt.date],
    *,
    n_weeks: int = 8,
    seasonal_after_days: int = 42,
) -> np.ndarray:
    """Share of each local slot in the day's volume, per target date (rows sum to 1 or 0).

    A target within `seasonal_after_days` of the history end uses the same weekday over the
    last `n_weeks` weeks (reaching back past a data gap to `n_weeks` days with data). A
    target further out, when a year of history covers it, uses the same weekday in the
    `n_weeks` weeks around the same date one year earlier, so the profile follows the season
    (flu-season evenings, summer mornings).

    Args:
        offered: (n_days, slots) history matrix, NaN for missing days.
        first_date: local date of row 0.
        target_dates: local dates to build shares for.
        n_weeks: weeks of same-weekday days pooled.
        seasonal_after_days: horizon in days beyond which the seasonal profile is used.
    """
    n_days, n_slots = offered.shape
    last = first_date + dt.timedelta(days=n_days - 1)
    weekday_of_row = np.array(
        [(first_date + dt.timedelta(days=i)).weekday() for i in range(n_days)]
    )
    cache: dict[tuple[int, int, int], np.ndarray] = {}

    def pooled(weekday: int, lo: int, hi: int) -> np.ndarray:
        key = (weekday, lo, hi)
        if key not in cache:
            rows = np.arange(max(lo, 0), min(hi, n_days))
            rows = rows[weekday_of_row[rows] == weekday]
            block = offered[rows]
            block = block[np.isfinite(block).all(axis=1)]
            total = block.sum(axis=0) if block.size else np.zeros(n_slots)
            cache[key] = total / total.sum() if total.sum() > 0 else np.zeros(n_slots)
        return cache[key]

    usable = np.isfinite(offered).all(axis=1)

    def recent_start(weekday: int) -> int:
        # A data gap of half the window or more (weeks without rows) would leave a thin
        # profile: reach back to n_weeks same-weekday days with data. A few missing days
        # (outages, holidays without rows) keep the window as it is.
        lo = n_days - 7 * n_weeks
        window = np.arange(max(lo, 0), n_days)
        have = int(usable[window[weekday_of_row[window] == weekday]].sum())
        if have > n_weeks // 2:
            return lo
        rows = np.flatnonzero(usable & (weekday_of_row == weekday))
        return int(rows[-n_weeks]) if len(rows) >= n_weeks else 0

    out = np.zeros((len(target_dates), n_slots))
    for i, date in enumerate(target_dates):
        ahead = (date - last).days
        recent = pooled(date.weekday(), recent_start(date.weekday()), n_days)
        shares = recent
        if ahead > seasonal_after_days:
            centre = (date - first_date).days - 364
            half = 7 * n_weeks // 2
            if centre - half >= 0:
                seasonal = pooled(date.weekday(), centre - half, centre + half + 1)
                shares = seasonal if seasonal.sum() > 0 else recent
        out[i] = shares
    return out


def spread_daily(daily: np.ndarray, shares: np.ndarray, open_cells: np.ndarray) -> np.ndarray:
    """Spread daily totals over open slots by `shares`, renormalised to the open slots.

    A day whose profile has no weight on its open slots (new hours) is spread evenly.
    """
    weights = np.where(open_cells, shares, 0.0)
    total = weights.sum(axis=1, keepdims=True)
    n_open = open_cells.sum(axis=1, keepdims=True)
    even = np.where(open_cells, 1.0 / np.maximum(n_open, 1), 0.0)
    weights = np.where(total > 0, weights / np.where(total > 0, total, 1.0), even)
    return daily[:, None] * weights

"""A small synthetic history for forecasting tests: known weekly, intraday and yearly shape,
Poisson noise, optional discharge-driven volume. Fixed seeds; no files."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.grid import grid, open_mask, with_local_columns

WEEKDAY_FACTOR = np.array([1.3, 1.1, 1.0, 1.0, 0.95, 0.6, 0.5])


def intraday_shape(minute_of_day: np.ndarray) -> np.ndarray:
    """Two humps (late morning, early afternoon) over a night floor."""
    h = minute_of_day / 60.0
    return 0.15 + np.exp(-((h - 10.5) ** 2) / 4) + 0.7 * np.exp(-((h - 14.5) ** 2) / 5)


def make_history(
    center: Center,
    *,
    start: dt.date,
    n_days: int,
    seed: int = 0,
    daily_level: float = 800.0,
    queue_ids: list[str] | None = None,
    discharges: np.ndarray | None = None,
    lag_profile: np.ndarray | None = None,
    driven_queue: str | None = None,
    day_factor: np.ndarray | None = None,
) -> pl.DataFrame:
    """History rows (open intervals only) for the center's queues.

    With `discharges` (one value per day from `start - len(lag_profile) + 1`), the volume of
    `driven_queue` is its base plus discharges convolved with `lag_profile` (calls per
    discharge at lag 0, 1, ... days). `day_factor` (one value per day) multiplies every
    queue's rate, e.g. an epidemic season.
    """
    rng = np.random.default_rng(seed)
    starts = grid(start, start + dt.timedelta(days=n_days), center.tz, center.interval_s)
    local = with_local_columns(pl.DataFrame({"interval_start": starts}), center.tz)
    day_idx = (local["local_date"] - start).dt.total_days().to_numpy()
    weekday = local["weekday"].to_numpy()
    shape = intraday_shape(local["minute_of_day"].to_numpy())
    yearly = 1 + 0.2 * np.cos(2 * np.pi * (day_idx - 15) / 365.25)
    if day_factor is not None:
        yearly = yearly * day_factor[day_idx]
    frames = []
    for q in center.queues:
        if queue_ids is not None and q.id not in queue_ids:
            continue
        is_open = open_mask(q, starts, center.tz).to_numpy()
        rate = daily_level / 40 * WEEKDAY_FACTOR[weekday] * shape * yearly
        if discharges is not None and q.id == driven_queue:
            assert lag_profile is not None
            effect = np.convolve(discharges, lag_profile)[len(lag_profile) - 1 :][:n_days]
            open_shape = np.where(is_open, shape, 0.0)
            per_day = np.bincount(day_idx, weights=open_shape)[day_idx]
            rate = rate * 0.3 + effect[day_idx] * open_shape / np.maximum(per_day, 1e-9)
        offered = rng.poisson(np.where(is_open, rate, 0.0))
        aht = np.where(
            offered > 0, 300 + 60 * np.sin(local["minute_of_day"].to_numpy() / 229), np.nan
        )
        frames.append(
            pl.DataFrame(
                {
                    "queue_id": q.id,
                    "interval_start": starts,
                    "offered": offered.astype(np.int64),
                    "handled": offered.astype(np.int64),
                    "abandoned": np.zeros_like(offered, dtype=np.int64),
                    "aht_s": pl.Series(aht, dtype=pl.Float64, nan_to_null=True),
                }
            ).filter(pl.Series(is_open))
        )
    return pl.concat(frames)

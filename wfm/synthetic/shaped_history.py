"""A small history with a known shape, for forecasting tests: weekday factors, a two-hump
intraday profile and a yearly cosine, with Poisson noise. Fixed seeds; no files.

Unlike `generate_history` (the sample center's demand model), every factor here is a plain
formula a test can reason about.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.grid import grid, open_mask, with_local_columns
from wfm.loaders import SCHEMAS

__all__ = ["WEEKDAY_FACTOR", "intraday_shape", "shaped_history"]

WEEKDAY_FACTOR = np.array([1.3, 1.1, 1.0, 1.0, 0.95, 0.6, 0.5])
_COLUMNS = ("queue_id", "interval_start", "offered", "handled", "abandoned", "aht_s")
_DTYPES = {name: SCHEMAS["history"].dtypes[name] for name in _COLUMNS}


def intraday_shape(minute_of_day: np.ndarray) -> np.ndarray:
    """Two humps (late morning, early afternoon) over a night floor."""
    h = minute_of_day / 60.0
    return 0.15 + np.exp(-((h - 10.5) ** 2) / 4) + 0.7 * np.exp(-((h - 14.5) ** 2) / 5)


def shaped_history(
    center: Center,
    *,
    start: dt.date,
    n_days: int,
    seed: int = 0,
    daily_level: float = 800.0,
    queue_ids: list[str] | None = None,
    day_factor: np.ndarray | None = None,
) -> pl.DataFrame:
    """History rows (README, Tables; open intervals only, without the optional columns) for
    the center's queues, or those in `queue_ids`.

    Args:
        center: the center (time zone, interval, open hours).
        start: first local day.
        n_days: number of local days.
        seed: random seed.
        daily_level: the scale of a queue's daily volume.
        queue_ids: queues to generate (default: all).
        day_factor: one value per day multiplying every queue's rate, e.g. an epidemic season.
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
                    "aht_s": aht,
                },
                schema=_DTYPES,
                nan_to_null=True,
            ).filter(pl.Series(is_open))
        )
    return pl.concat(frames)

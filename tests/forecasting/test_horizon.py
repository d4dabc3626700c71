"""Weekly bands by horizon: calibrated on long backtests, wider further ahead."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forecasting.horizon import (
    backtest_origins,
    band_coverage,
    calibrate_band,
    horizon_errors,
    weekly_actuals,
)
from wfm.center import Center
from wfm.errors import ForecastError
from wfm.grid import grid

FIRST = dt.date(2025, 1, 6)  # a Monday


def _center() -> Center:
    return Center.model_validate(
        {
            "name": "Walk",
            "timezone": "UTC",
            "interval_min": 30,
            "shrinkage_frac": 0.1,
            "queues": [
                {
                    "id": "q",
                    "channel": "voice",
                    "skill": "s",
                    "open_hours": "24/7",
                    "target": {"service_level_frac": 0.8, "answer_within_s": 20},
                    "aht_s": 300,
                }
            ],
        }
    )


def _random_walk_history(center: Center, n_days: int, seed: int = 3) -> pl.DataFrame:
    """Daily level as a random walk on the log scale: errors grow with the horizon."""
    rng = np.random.default_rng(seed)
    level = 200 * np.exp(np.cumsum(rng.normal(0, 0.03, n_days)))
    starts = grid(FIRST, FIRST + dt.timedelta(days=n_days), center.tz, center.interval_s)
    per_slot = np.repeat(level / 48, 48)
    offered = rng.poisson(per_slot)
    return pl.DataFrame(
        {
            "queue_id": "q",
            "interval_start": starts,
            "offered": offered,
            "handled": offered,
            "abandoned": 0,
            "aht_s": 300.0,
        }
    )


def test_the_band_widens_with_the_horizon() -> None:
    center = _center()
    history = _random_walk_history(center, 7 * 40)
    origins = backtest_origins(history, center, step_weeks=2, min_train_days=56)
    assert all(o.weekday() == 0 for o in origins) and origins[0] >= FIRST + dt.timedelta(days=56)
    errors = horizon_errors(
        history, center, models={"q": "weighted_avg_daily"}, origins=origins, horizon_weeks=13
    )
    assert errors["weeks_ahead"].min() == 1 and errors["weeks_ahead"].max() == 13
    band = calibrate_band(errors, buckets=(2, 6, 13))
    width = (band["hi_ratio"] - band["lo_ratio"]).to_numpy()
    assert np.all(np.diff(width) >= -1e-12)  # never narrower further ahead
    assert width[12] > 1.5 * width[0]
    assert (band["lo_ratio"] <= 1).all() and (band["hi_ratio"] >= 1).all()
    coverage = band_coverage(errors, buckets=(2, 6, 13))
    assert coverage["bucket"].to_list() == ["1-2", "3-6", "7-13"]
    assert coverage["coverage"].is_between(0.4, 1.0).all()


def test_calibration_needs_errors_and_actuals_are_whole_weeks() -> None:
    center = _center()
    history = _random_walk_history(center, 17)  # Monday + 2 weeks + 3 days
    actual = weekly_actuals(history, center)
    assert actual["week"].to_list() == [FIRST, FIRST + dt.timedelta(weeks=1)]
    empty = pl.DataFrame(schema={"weeks_ahead": pl.Int64, "log_ratio": pl.Float64})
    with pytest.raises(ForecastError, match="too few to calibrate"):
        calibrate_band(empty)
    with pytest.raises(ForecastError, match="too short"):
        backtest_origins(history, center, min_train_days=56)

"""A daylight-saving day is forecast on its own grid: 92 or 100 quarter-hours, never 96."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forecasting import forecast
from forecasting.profiles import from_day_matrix, to_day_matrix
from wfm.grid import grid
from wfm.synthetic import shaped_history


@pytest.mark.parametrize(
    ("day", "n_intervals"), [(dt.date(2026, 3, 8), 92), (dt.date(2026, 11, 1), 100)]
)
def test_dst_day_forecast_has_its_own_number_of_intervals(center, day, n_intervals):
    history = shaped_history(
        center, start=day - dt.timedelta(days=35), n_days=35, queue_ids=["triage_voice"]
    )
    table = forecast(history, center, start=day, horizon_days=1, model="weighted_avg").forecast
    assert table.height == n_intervals
    assert table["interval_start"].is_unique().all()
    assert (table["volume"] > 0).all()


def test_day_matrix_round_trip_across_both_dst_changes(center):
    tz, interval_s = center.tz, center.interval_s
    first = dt.date(2026, 3, 7)
    starts = grid(first, dt.date(2026, 11, 3), tz, interval_s)
    values = np.arange(len(starts), dtype=float) % 96 + 1
    frame = pl.DataFrame({"interval_start": starts, "offered": values})
    n_days = (dt.date(2026, 11, 3) - first).days
    matrix = to_day_matrix(
        frame, "offered", tz=tz, interval_s=interval_s, first_date=first, n_days=n_days
    )
    assert matrix.shape == (n_days, 96)
    assert np.isfinite(matrix).all()  # the skipped spring hour is interpolated, not missing
    back = from_day_matrix({"v": matrix}, tz=tz, interval_s=interval_s, first_date=first)
    assert back.height == len(starts)
    ordinary = back.filter(pl.col("interval_start") < dt.datetime(2026, 3, 8, 5, tzinfo=dt.UTC))
    assert ordinary["v"].to_list() == values[: ordinary.height].tolist()

"""Arrivals from volumes, history counts and timestamps; handle-time laws fitted to AHT."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from tests.wfm.simulation.conftest import T0, TS, constant_volumes, one_queue_center
from wfm.errors import ConfigError, DataError
from wfm.simulation import HandleTimeModel, arrival_plan

NO_PATIENCE = np.array([math.inf])


@pytest.mark.parametrize("kind", ["lognormal", "exponential"])
def test_handle_times_keep_the_mean_aht(kind: str) -> None:
    draws = HandleTimeModel(kind=kind, cv=0.7).draw(
        np.full(200_000, 300.0), np.random.default_rng(1)
    )
    assert draws.mean() == pytest.approx(300.0, rel=0.01)
    assert (draws > 0).all()


def test_lognormal_handle_times_have_the_requested_spread() -> None:
    draws = HandleTimeModel(cv=0.5).draw(np.full(200_000, 300.0), np.random.default_rng(2))
    assert draws.std() / draws.mean() == pytest.approx(0.5, rel=0.02)


def test_an_unknown_handle_time_law_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown handle-time law 'gamma'"):
        HandleTimeModel(kind="gamma")  # type: ignore[arg-type]


def test_volumes_give_poisson_counts_inside_their_intervals() -> None:
    plan = arrival_plan(constant_volumes(40.0, 8), one_queue_center())
    draws = [
        plan.draw(
            np.random.default_rng(s), handle_times=HandleTimeModel(), mean_patience_s=NO_PATIENCE
        )
        for s in range(300)
    ]
    counts = np.array([len(c) for c in draws])
    assert counts.mean() == pytest.approx(320, rel=0.01)
    assert counts.var() == pytest.approx(320, rel=0.2)  # Poisson: variance = mean
    assert all((np.diff(c.arrival_s) >= 0).all() for c in draws)
    assert all(c.arrival_s.min() >= 0 and c.arrival_s.max() < 8 * 900 for c in draws)


def test_history_counts_are_replayed_exactly() -> None:
    history = (
        constant_volumes(0.0, 4)
        .drop("volume")
        .with_columns(offered=pl.Series([3, 0, 5, 1], dtype=pl.Int64))
    )
    plan = arrival_plan(history, one_queue_center())
    contacts = plan.draw(
        np.random.default_rng(0), handle_times=HandleTimeModel(), mean_patience_s=NO_PATIENCE
    )
    per_interval = np.bincount((contacts.arrival_s // 900).astype(int), minlength=4)
    assert per_interval.tolist() == [3, 0, 5, 1]


def test_timestamps_are_kept_as_given() -> None:
    frame = pl.DataFrame(
        {
            "queue_id": ["q", "q"],
            "ts": pl.Series(
                [T0 + dt.timedelta(seconds=950), T0 + dt.timedelta(seconds=10)], dtype=TS
            ),
        }
    )
    plan = arrival_plan(frame, one_queue_center())
    contacts = plan.draw(
        np.random.default_rng(0), handle_times=HandleTimeModel(), mean_patience_s=NO_PATIENCE
    )
    assert contacts.arrival_s.tolist() == [10.0, 950.0]
    assert plan.cell_interval.tolist() == [0, 1]


def test_a_queue_without_any_aht_is_an_error() -> None:
    center = one_queue_center().model_copy(deep=True)
    queue = center.queues[0].model_copy(update={"aht_s": None})
    center = center.model_copy(update={"queues": [queue]})
    frame = constant_volumes(10.0, 2).with_columns(aht_s=pl.lit(None, dtype=pl.Float64))
    with pytest.raises(DataError, match="queue q has rows without aht_s and no planning aht_s"):
        arrival_plan(frame, center, source="forecast.csv")

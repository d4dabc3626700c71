"""Forecasts and backtests do not depend on the executor that runs the queues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from forecasting import ForecastResult, backtest, forecast
from wfm.center import Center
from wfm.execution import DaskExecutor, Executor, InProcessExecutor, LocalProcessExecutor
from wfm.synthetic import generate_history

START = dt.date(2026, 3, 2)
QUEUES = ("sched_voice", "triage_voice", "sched_sms")


@pytest.fixture(scope="module")
def history(center: Center) -> pl.DataFrame:
    """Nine weeks of three queues (office hours, 24/7, deferred) from the generator."""
    full = generate_history(center, start=START - dt.timedelta(days=63), n_days=63, seed=3)
    return full.filter(pl.col("queue_id").is_in(QUEUES))


@pytest.fixture(scope="module", params=["process pool", "dask local:2"])
def executor(request: pytest.FixtureRequest) -> Iterator[Executor]:
    if request.param == "process pool":
        with LocalProcessExecutor(2) as pool:
            yield pool
    else:
        pytest.importorskip("distributed")
        with DaskExecutor("local:2") as cluster:
            yield cluster


BACKTEST = {"horizon_days": 7, "n_folds": 2, "models": ("seasonal_naive", "weighted_avg", "ets")}


def _forecast(history: pl.DataFrame, center: Center, executor: Executor) -> ForecastResult:
    # auto: every candidate model, Prophet included, is backtested, chosen and fitted.
    return forecast(
        history, center, start=START, horizon_days=7, model="auto", n_folds=2, executor=executor
    )


@pytest.fixture(scope="module")
def in_process_forecast(history: pl.DataFrame, center: Center) -> ForecastResult:
    return _forecast(history, center, InProcessExecutor())


@pytest.fixture(scope="module")
def in_process_backtest(history: pl.DataFrame, center: Center) -> pl.DataFrame:
    return backtest(history, center, **BACKTEST)


def test_forecast_is_identical_on_every_executor(
    history: pl.DataFrame, center: Center, executor: Executor, in_process_forecast: ForecastResult
) -> None:
    expected = in_process_forecast
    got = _forecast(history, center, executor)
    assert expected.forecast["queue_id"].unique(maintain_order=True).to_list() == list(QUEUES)
    assert_frame_equal(got.forecast, expected.forecast)
    assert_frame_equal(got.scores, expected.scores)


def test_backtest_is_identical_on_every_executor(
    history: pl.DataFrame, center: Center, executor: Executor, in_process_backtest: pl.DataFrame
) -> None:
    expected = in_process_backtest
    got = backtest(history, center, executor=executor, **BACKTEST)
    assert set(expected["queue_id"]) == set(QUEUES)
    assert_frame_equal(got, expected)

"""Weekly prediction bands: calibrated on the backtest's weekly errors, not summed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from forecasting.core import Forecaster
from forecasting.models import WeightedSameWeekdayAverage
from forecasting.run import to_weekly
from wfm.grid import grid
from wfm.synthetic import shaped_history

START = dt.date(2026, 3, 16)  # the Monday after the synthetic history


def _forecaster(center, *, weekly_bands: bool = True, **settings) -> Forecaster:
    """The same-weekday average, with weekly bands by default."""
    week = 7 * 86400 // center.interval_s
    return Forecaster(
        [WeightedSameWeekdayAverage(season_length=week)],
        center=center,
        weekly_bands=weekly_bands,
        **settings,
    )


def _fitted(center, **settings) -> Forecaster:
    """`_forecaster`, fit on 140 days of triage."""
    history = shaped_history(
        center, start=dt.date(2025, 10, 6), n_days=140, queue_ids=["triage_voice"]
    )
    return _forecaster(center, **settings).fit(history, end_date=dt.date(2026, 3, 1))


def test_weekly_band_is_the_conformal_order_statistics_of_backtest_week_ratios(center):
    fc = _fitted(center, n_folds=8, backtest_days=21, fold_step_days=7)
    model, series = fc.fitted_["triage_voice"]
    preds = fc.backtest_series([model], series)[repr(model)]
    ratios = sorted(
        float(series.offered[o + 7 * w : o + 7 * w + 7].sum()) / p.mean[7 * w : 7 * w + 7].sum()
        for o, p in preds
        for w in range(3)
    )
    assert len(ratios) == 24
    # n = 24, 80 %: the floor(25 * 0.1) = 2nd and ceil(25 * 0.9) = 23rd smallest (plain
    # sample quantiles would sit further in), each side at least the ceil(25 * 0.8) = 20th
    # smallest |log ratio|, and the band holds the point forecast.
    spread = np.exp(np.sort(np.abs(np.log(ratios)))[19])
    lo, hi = fc.weekly_band_["triage_voice"]
    assert lo == min(ratios[1], 1 / spread, 1.0)
    assert hi == max(ratios[22], spread, 1.0)
    assert lo < hi


def test_the_forecaster_measures_the_weekly_errors_on_the_band_folds(center):
    """More band folds than the choice's: the chosen model backtest on the extra origins,
    one week each (the staffing quantile reads these, `wfm.staffing.lived`)."""
    fc = _fitted(center, n_folds=2, band_folds=10)
    model, series = fc.fitted_["triage_voice"]
    preds = fc.backtest_series([model], series, n_folds=10)[repr(model)]
    expected = [float(series.offered[o : o + 7].sum()) / float(p.mean.sum()) for o, p in preds]
    assert len(expected) == 10
    assert fc.weekly_ratios_["triage_voice"] == pytest.approx(tuple(expected))
    # More origins than 140 days hold: as many as they do, 28 training days before the
    # first one-week fold: (140 - 28 - 7) // 7 + 1 = 16.
    assert len(_fitted(center, n_folds=2, band_folds=30).weekly_ratios_["triage_voice"]) == 16
    # Measuring them leaves the forecast itself as it is.
    plain = _fitted(center, n_folds=2, weekly_bands=False)
    assert plain.weekly_ratios_ == {}
    first = dt.date(2026, 2, 23)  # the day after the history, up to fit's end_date
    assert fc.predict(first, 6).equals(plain.predict(first, 6))


def test_too_few_backtest_weeks_give_no_weekly_band(center, short_history):
    fc = _forecaster(center, n_folds=2, backtest_days=14)
    fc.fit(short_history, end_date=START + dt.timedelta(days=7))
    assert fc.weekly_band_ == {}


def test_to_weekly_scales_calibrated_queues_and_sums_the_others(center):
    starts = grid(START, START + dt.timedelta(days=7), center.tz, center.interval_s)
    table = pl.concat(
        pl.DataFrame(
            {
                "queue_id": qid,
                "interval_start": starts,
                "volume": 2.0,
                "volume_lo": 1.0,
                "volume_hi": 4.0,
                "aht_s": 300.0,
                "model": "m",
            }
        )
        for qid in ("sched_voice", "triage_voice")
    )
    weekly = to_weekly(table, center, band_ratios={"sched_voice": (0.9, 1.2)})
    n = len(starts)
    by_queue = {r["queue_id"]: r for r in weekly.iter_rows(named=True)}
    np.testing.assert_allclose(
        [by_queue["sched_voice"][c] for c in ("volume", "volume_lo", "volume_hi")],
        [2.0 * n, 0.9 * 2.0 * n, 1.2 * 2.0 * n],
    )
    np.testing.assert_allclose(
        [by_queue["triage_voice"][c] for c in ("volume", "volume_lo", "volume_hi")],
        [2.0 * n, 1.0 * n, 4.0 * n],
    )

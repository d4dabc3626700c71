"""Every model honours the protocol: fit then predict equals forecast, shapes, ordered bands."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.adapters.prophet import ProphetDaily
from forecasting.adapters.statsmodels import ETS, SARIMAXRegression
from forecasting.models import DailyWeightedAverage, SeasonalNaive, WeightedSameWeekdayAverage
from wfm.errors import ForecastError

SLOTS = 24
rng = np.random.default_rng(0)
_t = np.arange(21 * SLOTS)
INTERVAL_Y = rng.poisson(
    20 + 10 * np.sin(2 * np.pi * _t / SLOTS) + 5 * (_t // SLOTS % 7 == 0)
).astype(float)
_d = np.arange(120)
DAILY_Y = rng.poisson(500 + 100 * (_d % 7 == 0) - 150 * (_d % 7 == 6) + _d).astype(float)
DAILY_X = np.column_stack([(_d % 7 == 0), (_d % 7 == 6)]).astype(float)
FUTURE_X = np.column_stack([(np.arange(120, 134) % 7 == 0), (np.arange(120, 134) % 7 == 6)]).astype(
    float
)

MODELS = [
    (lambda: SeasonalNaive(season_length=7 * SLOTS), INTERVAL_Y, None, None, 2 * SLOTS),
    (
        lambda: WeightedSameWeekdayAverage(season_length=7 * SLOTS),
        INTERVAL_Y,
        None,
        None,
        9 * SLOTS,
    ),
    (lambda: DailyWeightedAverage(), DAILY_Y, None, None, 14),
    (lambda: ETS(), DAILY_Y, None, None, 14),
    (lambda: SARIMAXRegression(), DAILY_Y, DAILY_X, FUTURE_X, 14),
    (lambda: ProphetDaily(uncertainty_samples=50), DAILY_Y, DAILY_X, FUTURE_X, 14),
]
IDS = ["seasonal_naive", "weighted_avg", "weighted_avg_daily", "ets", "sarimax", "prophet"]


@pytest.mark.parametrize(("make", "y", "X", "X_future", "h"), MODELS, ids=IDS)
def test_fit_predict_equals_forecast_with_ordered_intervals(make, y, X, X_future, h):
    np.random.seed(1)  # Prophet samples its intervals with numpy's global state
    fitted = make().fit(y, X).predict(h, X=X_future, level=[80, 95])
    np.random.seed(1)
    once = make().forecast(y, h, X=X, X_future=X_future, level=[80, 95])
    assert set(fitted) == {"mean", "lo-80", "hi-80", "lo-95", "hi-95"}
    for key, values in fitted.items():
        assert values.shape == (h,)
        np.testing.assert_allclose(values, once[key], rtol=1e-9)
    assert np.all(fitted["lo-80"] <= fitted["mean"] + 1e-9)
    assert np.all(fitted["mean"] <= fitted["hi-80"] + 1e-9)
    assert np.all(fitted["lo-95"] <= fitted["lo-80"] + 1e-6)
    assert np.all(fitted["lo-80"] >= 0)


@pytest.mark.parametrize(("make", "y", "X", "X_future", "h"), MODELS, ids=IDS)
def test_predict_before_fit_names_the_model(make, y, X, X_future, h):
    model = make()
    with pytest.raises(ForecastError, match=f"{model!r} is not fitted"):
        model.predict(h, X=X_future)


def test_seasonal_naive_repeats_last_week_and_skips_missing_days():
    y = np.arange(14 * 2, dtype=float)  # 14 days of 2 slots; season = 7 days
    y[26:28] = np.nan  # the last day is missing: take the same day a week earlier
    out = SeasonalNaive(season_length=14).forecast(y, 14)["mean"]
    np.testing.assert_array_equal(out[:12], y[14:26])
    np.testing.assert_array_equal(out[12:], [12.0, 13.0])


def test_weighted_average_weights_recent_weeks_most():
    weeks = [np.full(7, v, dtype=float) for v in (10, 20, 30, 40)]  # oldest first
    out = WeightedSameWeekdayAverage(season_length=7).forecast(np.concatenate(weeks), 7)["mean"]
    np.testing.assert_allclose(out, 0.4 * 40 + 0.3 * 30 + 0.2 * 20 + 0.1 * 10)


def test_level_outside_0_100_is_refused():
    with pytest.raises(ForecastError, match=r"level must be in \(0, 100\)"):
        SeasonalNaive(season_length=7).forecast(np.ones(14), 7, level=[100])

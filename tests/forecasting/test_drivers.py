"""The distributed lag recovers a known post-discharge lag profile from synthetic data."""

from __future__ import annotations

import numpy as np

from forecasting.drivers import driver_effect, extend_driver, fit_lag_profile


def test_distributed_lag_recovers_a_known_profile():
    rng = np.random.default_rng(3)
    n = 730
    true = np.array([0.0, 0.30, 0.20, 0.12, 0.08, 0.05, 0.03, 0.02])  # calls per discharge
    # Discharges vary day to day (census, weekday, noise): that variation identifies the lags.
    discharges = rng.gamma(10.0, 20.0, n) * (1 - 0.4 * (np.arange(n) % 7 >= 5))
    weekday = np.arange(n) % 7
    controls = np.column_stack([(weekday == d).astype(float) for d in range(1, 7)])
    base = 300 + 40 * (weekday == 0) - 120 * (weekday >= 5)
    calls = rng.poisson(base + np.convolve(discharges, true)[:n]).astype(float)
    profile = fit_lag_profile(calls, discharges, controls=controls, max_lag_days=10)
    assert np.abs(profile.weights[: true.size] - true).max() < 0.05
    assert profile.weights[true.size :].sum() < 0.05
    assert abs(profile.calls_per_discharge - true.sum()) < 0.05
    assert profile.rss_gain_frac > 0.3


def test_unrelated_driver_explains_nothing():
    rng = np.random.default_rng(4)
    calls = rng.poisson(300, 400).astype(float)
    noise = rng.poisson(200, 400).astype(float)
    assert fit_lag_profile(calls, noise).rss_gain_frac < 0.05


def test_driver_effect_is_the_convolution_and_future_is_filled():
    from forecasting.drivers import LagProfile

    profile = LagProfile(weights=np.array([0.5, 0.25]), rss_gain_frac=1.0)
    effect = driver_effect(np.array([4.0, 8.0, 0.0]), profile)
    np.testing.assert_allclose(effect[1:], [0.5 * 8 + 0.25 * 4, 0.25 * 8])
    week = np.array([10, 20, 30, 40, 50, 60, 70], dtype=float)
    extended = extend_driver(np.tile(week, 4), 35)
    np.testing.assert_allclose(extended[28:], week)

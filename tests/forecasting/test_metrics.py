"""WAPE, MASE and bias on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from forecasting.metrics import bias, mase, wape


def test_wape_and_bias_known_answers():
    y = np.array([10.0, 0.0, 30.0])
    f = np.array([12.0, 1.0, 24.0])
    assert wape(y, f) == pytest.approx((2 + 1 + 6) / 40)
    assert bias(y, f) == pytest.approx((2 + 1 - 6) / 40)


def test_missing_actuals_are_skipped():
    assert wape(np.array([10.0, np.nan]), np.array([5.0, 99.0])) == pytest.approx(0.5)


def test_mase_scales_by_in_sample_seasonal_naive():
    train = np.array([1.0, 2.0, 3.0, 5.0])  # lag-1 diffs 1, 1, 2 -> scale 4/3
    assert mase(
        np.array([4.0, 4.0]), np.array([6.0, 2.0]), train, season_length=1
    ) == pytest.approx(1.5)

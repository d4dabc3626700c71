"""Intraday profiles: by weekday from recent weeks, renormalised to open slots."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from forecasting.profiles import intraday_shares, spread_daily

MONDAY = dt.date(2026, 1, 5)


def test_shares_follow_the_weekday_and_sum_to_one():
    n_days, slots = 28, 4
    offered = np.tile([1.0, 1.0, 1.0, 1.0], (n_days, 1))
    offered[::7] = [4.0, 0.0, 0.0, 0.0]  # Mondays: all in the first slot
    shares = intraday_shares(offered, MONDAY, [dt.date(2026, 2, 2), dt.date(2026, 2, 3)])
    np.testing.assert_allclose(shares[0], [1, 0, 0, 0])
    np.testing.assert_allclose(shares[1], [0.25] * slots)


def test_spread_puts_the_daily_total_on_open_slots_only():
    shares = np.array([[0.5, 0.25, 0.25, 0.0]])
    open_cells = np.array([[False, True, True, True]])
    out = spread_daily(np.array([100.0]), shares, open_cells)
    np.testing.assert_allclose(out, [[0, 50, 50, 0]])
    even = spread_daily(np.array([90.0]), np.zeros((1, 4)), open_cells)
    np.testing.assert_allclose(even, [[0, 30, 30, 30]])


def test_a_data_gap_does_not_thin_the_recent_profile():
    # Weeks 0-3 call late, weeks 4-7 early, weeks 8-11 are a data gap (no rows: NaN).
    offered = np.full((84, 4), np.nan)
    offered[:28] = [0.0, 0.0, 5.0, 5.0]
    offered[28:56] = [5.0, 5.0, 0.0, 0.0]
    first = dt.date(2026, 1, 5)
    target = [first + dt.timedelta(days=84)]
    # Eight same-weekday days with data reach back past the gap: both halves count.
    assert intraday_shares(offered, first, target)[0] == pytest.approx([0.25] * 4)
    # Without the gap (weeks 8-11 early too) the last eight weeks are the early ones alone.
    full = offered.copy()
    full[56:] = [5.0, 5.0, 0.0, 0.0]
    assert intraday_shares(full, first, target)[0] == pytest.approx([0.5, 0.5, 0, 0])

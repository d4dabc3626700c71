"""Post-discharge waves: daily calls driven by hospital discharges through a lag profile.

calls[d] = controls[d] . gamma + sum_{l=0..L} beta_l * discharges[d - l],  beta_l >= 0

The lag profile beta is estimated from history by bounded least squares (the lags are
non-negative, the controls such as weekday and season are free), the distributed-lag model
of the care-transitions literature. Its convolution with the discharge series is the driver
feature the daily models take; future discharges come from the planned census (the drivers
file) or, where it stops, from a same-weekday average of recent weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import lsq_linear

from forecasting.models import WeightedSameWeekdayAverage

__all__ = ["LagProfile", "driver_effect", "extend_driver", "fit_lag_profile"]


@dataclass(frozen=True)
class LagProfile:
    """Calls per discharge at lags 0..L days, and the share of residual variance it explains.

    Attributes:
        weights: calls on day d + l per discharge on day d, l = 0..len - 1.
        rss_gain_frac: 1 - RSS(with lags) / RSS(controls only), in-sample.
    """

    weights: np.ndarray
    rss_gain_frac: float

    @property
    def calls_per_discharge(self) -> float:
        return float(self.weights.sum())


def _lag_matrix(driver: np.ndarray, max_lag_days: int) -> np.ndarray:
    """Columns driver[d - l] for l = 0..max_lag_days (NaN before the series starts)."""
    n = driver.size
    out = np.full((n, max_lag_days + 1), np.nan)
    for lag in range(max_lag_days + 1):
        out[lag:, lag] = driver[: n - lag]
    return out


def fit_lag_profile(
    y: np.ndarray,
    driver: np.ndarray,
    *,
    controls: np.ndarray | None = None,
    max_lag_days: int = 14,
) -> LagProfile:
    """Estimate the distributed-lag profile of `y` on `driver`.

    Args:
        y: daily calls (NaN days are left out).
        driver: daily discharges aligned with `y`.
        controls: (days x k) free regressors (an intercept is added).
        max_lag_days: longest lag considered, in days.
    """
    lags = _lag_matrix(np.asarray(driver, dtype=float), max_lag_days)
    n = y.size
    base = np.ones((n, 1)) if controls is None else np.column_stack([np.ones(n), controls])
    ok = np.isfinite(y) & np.isfinite(lags).all(axis=1) & np.isfinite(base).all(axis=1)
    if ok.sum() < base.shape[1] + lags.shape[1] + 10:
        return LagProfile(weights=np.zeros(max_lag_days + 1), rss_gain_frac=0.0)
    # Controls that do not vary over the fitted days (an event never seen) make the bounded
    # solver ill-conditioned: keep the intercept and the columns that vary.
    varies = np.ptp(base[ok], axis=0) > 0
    varies[0] = True
    base = base[:, varies]
    A = np.column_stack([base[ok], lags[ok]])
    k = base.shape[1]
    lower = np.r_[np.full(k, -np.inf), np.zeros(lags.shape[1])]
    fit = lsq_linear(A, y[ok], bounds=(lower, np.full(A.shape[1], np.inf)))
    rss_full = float(np.sum((A @ fit.x - y[ok]) ** 2))
    gamma, *_ = np.linalg.lstsq(base[ok], y[ok], rcond=None)
    rss_base = float(np.sum((base[ok] @ gamma - y[ok]) ** 2))
    gain = 1.0 - rss_full / rss_base if rss_base > 0 else 0.0
    return LagProfile(weights=fit.x[k:], rss_gain_frac=gain)


def driver_effect(driver: np.ndarray, profile: LagProfile) -> np.ndarray:
    """Calls expected from discharges: the driver convolved with the lag profile."""
    lags = _lag_matrix(np.asarray(driver, dtype=float), profile.weights.size - 1)
    lags = np.where(np.isfinite(lags), lags, np.nanmean(driver))
    return lags @ profile.weights


def extend_driver(driver: np.ndarray, n_total: int) -> np.ndarray:
    """Fill missing values (past gaps and the future beyond the planned census) from a
    same-weekday weighted average of the last four weeks."""
    out = np.full(n_total, np.nan)
    out[: driver.size] = driver[:n_total]
    known = np.flatnonzero(np.isfinite(out))
    if known.size == 0:
        return np.zeros(n_total)
    last = known[-1] + 1
    if last < n_total and last >= 7:
        model = WeightedSameWeekdayAverage(season_length=7, alias="driver_avg")
        out[last:] = model.forecast(out[:last], n_total - last)["mean"]
    fill = ~np.isfinite(out)
    out[fill] = np.nanmean(out)
    return out

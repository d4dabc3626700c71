"""Daily-total models from statsmodels: Holt-Winters ETS and SARIMAX with regressors.

Only this module imports statsmodels. Both models take one value per local day; NaN marks a
missing or closed day. Both support `update(y, X)`: re-run the filter on new data with the
parameters already estimated, which a rolling-origin backtest uses instead of refitting.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Self

import numpy as np

from forecasting.models import DailyModel, add_intervals, z_score
from wfm.errors import ForecastError

try:
    from statsmodels.tsa.holtwinters import ExponentialSmoothing
    from statsmodels.tsa.statespace.sarimax import SARIMAX
except ModuleNotFoundError as exc:  # pragma: no cover - statsmodels is a pinned dependency
    raise ModuleNotFoundError(
        "statsmodels is required for the ETS and SARIMAX models: pip install statsmodels"
    ) from exc

__all__ = ["ETS", "SARIMAXRegression", "fill_weekly"]


def fill_weekly(y: np.ndarray, season_length: int = 7) -> np.ndarray:
    """Fill NaN with the same weekday one season before (or after), else 0 (closed days)."""
    out = np.asarray(y, dtype=float).copy()
    m = season_length
    for _ in range(4):
        bad = ~np.isfinite(out)
        if not bad.any():
            break
        back = np.full_like(out, np.nan)
        back[m:] = out[:-m]
        fwd = np.full_like(out, np.nan)
        fwd[:-m] = out[m:]
        out[bad] = np.where(np.isfinite(back[bad]), back[bad], fwd[bad])
    return np.nan_to_num(out, nan=0.0)


class ETS(DailyModel):
    """Additive Holt-Winters with a damped trend and weekly seasonality on daily totals.

    Args:
        season_length: days per season (7).
        alias: name in the output.
    """

    def __init__(self, *, season_length: int = 7, alias: str = "ets") -> None:
        super().__init__(alias=alias)
        self.season_length = season_length

    def _model(self, y: np.ndarray) -> ExponentialSmoothing:
        return ExponentialSmoothing(
            fill_weekly(y, self.season_length),
            trend="add",
            damped_trend=True,
            seasonal="add",
            seasonal_periods=self.season_length,
            initialization_method="estimated",
        )

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        y = np.asarray(y, dtype=float)
        if y.size < 2 * self.season_length + 2:
            raise ForecastError(f"{self.alias} needs at least {2 * self.season_length + 2} days")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = self._model(y).fit()
        self.model_ = {"res": res, "sigma": float(np.sqrt(res.sse / max(y.size - 1, 1)))}
        return self

    def update(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        """Re-filter `y` with the smoothing parameters already estimated (no optimisation)."""
        res = self._state()["res"]
        keys = ("smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend")
        fixed = {k: res.params[k] for k in keys}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            new = self._model(np.asarray(y, dtype=float)).fit(optimized=False, **fixed)
        self.model_ = {"res": new, "sigma": self._state()["sigma"]}
        return self

    def predict(
        self, h: int, *, X: np.ndarray | None = None, level: Sequence[int] | None = None
    ) -> dict[str, np.ndarray]:
        state = self._state()
        mean = np.maximum(np.asarray(state["res"].forecast(h), dtype=float), 0.0)
        scale = state["sigma"] * np.sqrt(1.0 + 0.1 * np.arange(h))
        return add_intervals({"mean": mean}, scale, level)


class SARIMAXRegression(DailyModel):
    """Regression on calendar / event / driver features with ARMA errors, on log1p totals.

    Estimated in two steps, which is much faster than joint likelihood and as accurate for
    a week or a year ahead: least squares for the regression, then SARIMAX for the ARMA
    process of its residuals (missing days are skipped by the Kalman filter).

    Args:
        order: (p, d, q) of the ARMA error process.
        log: model log1p(y) (multiplicative effects) instead of y.
        alias: name in the output.
    """

    uses_exog = True

    def __init__(
        self, *, order: tuple[int, int, int] = (1, 0, 1), log: bool = True, alias: str = "sarimax"
    ) -> None:
        super().__init__(alias=alias)
        self.order = order
        self.log = log

    def _design(self, X: np.ndarray | None, n: int) -> np.ndarray:
        ones = np.ones((n, 1))
        return ones if X is None else np.column_stack([ones, X])

    def _residuals(self, y: np.ndarray, X: np.ndarray | None, beta: np.ndarray) -> np.ndarray:
        z = np.log1p(np.maximum(y, 0.0)) if self.log else y
        return z - self._design(X, y.size) @ beta

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        y = np.asarray(y, dtype=float)
        if np.isfinite(y).sum() < 28:
            raise ForecastError(f"{self.alias} needs at least 28 days of history")
        z = np.log1p(np.maximum(y, 0.0)) if self.log else y
        A = self._design(X, y.size)
        ok = np.isfinite(z)
        beta, *_ = np.linalg.lstsq(A[ok], z[ok], rcond=None)
        resid = self._residuals(y, X, beta)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = SARIMAX(resid, order=self.order, trend="n").fit(disp=False, maxiter=100)
        self.model_ = {"res": res, "params": res.params, "beta": beta}
        return self

    def update(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        """Re-filter `y` with the parameters already estimated (no optimisation)."""
        state = self._state()
        resid = self._residuals(np.asarray(y, dtype=float), X, state["beta"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = SARIMAX(resid, order=self.order, trend="n").filter(state["params"])
        self.model_ = {**state, "res": res}
        return self

    def predict(
        self, h: int, *, X: np.ndarray | None = None, level: Sequence[int] | None = None
    ) -> dict[str, np.ndarray]:
        state = self._state()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = state["res"].get_forecast(h)
        mu = np.asarray(fc.predicted_mean, dtype=float) + self._design(X, h) @ state["beta"]
        se = np.sqrt(np.maximum(np.asarray(fc.var_pred_mean, dtype=float), 0.0))
        back = np.expm1 if self.log else (lambda v: v)
        out = {"mean": np.maximum(back(mu), 0.0)}
        for lv in level or ():
            z = z_score(lv)
            out[f"lo-{lv}"] = np.maximum(back(mu - z * se), 0.0)
            out[f"hi-{lv}"] = np.maximum(back(mu + z * se), out["mean"])
        return out

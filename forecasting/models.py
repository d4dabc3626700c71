"""Small forecasting models over one series held as a 1-D numpy array.

Every model follows one protocol (statsforecast's): `__init__(*, ..., alias)` stores
hyperparameters only; `fit(y, X=None)` learns state into `model_` and returns self;
`predict(h, *, X=None, level=None)` returns a dict of arrays `mean` and, per level,
`lo-<level>` / `hi-<level>`; `forecast(y, h, *, X=None, X_future=None, level=None)` is the
stateless one-shot and equals fit then predict. `repr(model)` is its alias, the name that ends
up in the forecast table's `model` column.

`granularity` says what one step of `y` is: "interval" models see the queue's regular local
grid flattened day by day (one value per local slot, see `forecasting.profiles`), "daily"
models see one total per local day and may take exogenous regressors `X` (days x features).
Missing values are NaN; counts never go below zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import Any, ClassVar, Self

import numpy as np

from wfm.errors import ForecastError

__all__ = [
    "DailyModel",
    "DailyWeightedAverage",
    "Model",
    "SeasonalNaive",
    "WeightedSameWeekdayAverage",
    "add_intervals",
    "z_score",
]


def z_score(level: int) -> float:
    """Two-sided normal quantile for a central `level` % interval (80 -> 1.2816)."""
    if not 0 < level < 100:
        raise ForecastError(f"prediction interval level must be in (0, 100), got {level}")
    return NormalDist().inv_cdf(0.5 + level / 200)


def add_intervals(
    out: dict[str, np.ndarray], scale: np.ndarray, level: Sequence[int] | None
) -> dict[str, np.ndarray]:
    """Add `lo-L` / `hi-L` = mean -/+ z * scale, clipped at zero, to a prediction dict."""
    mean = out["mean"]
    for lv in level or ():
        half = z_score(lv) * scale
        out[f"lo-{lv}"] = np.maximum(mean - half, 0.0)
        out[f"hi-{lv}"] = np.maximum(mean + half, mean)
    return out


class Model:
    """Base of all models: the fit / predict / forecast protocol."""

    granularity: ClassVar[str] = "interval"
    uses_exog: ClassVar[bool] = False

    def __init__(self, *, alias: str) -> None:
        self.alias = alias
        self.model_: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return self.alias

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        raise NotImplementedError

    def predict(
        self, h: int, *, X: np.ndarray | None = None, level: Sequence[int] | None = None
    ) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def forecast(
        self,
        y: np.ndarray,
        h: int,
        *,
        X: np.ndarray | None = None,
        X_future: np.ndarray | None = None,
        level: Sequence[int] | None = None,
    ) -> dict[str, np.ndarray]:
        """Fit on `y` (and `X`), then predict `h` steps (with `X_future`)."""
        return self.fit(y, X).predict(h, X=X_future, level=level)

    def _state(self) -> dict[str, Any]:
        if self.model_ is None:
            raise ForecastError(f"model {self.alias} is not fitted: call fit() first")
        return self.model_


class DailyModel(Model):
    """A model of daily totals (one step = one local day)."""

    granularity: ClassVar[str] = "daily"


def _seasonal_lookup(y: np.ndarray, season_length: int, h: int, n_seasons: int) -> np.ndarray:
    """Rows k = 1..n_seasons of values one, two, ... seasons before each future step.

    Step t (0-based) of the future repeats the last observed season(s): the value k seasons
    back is y[n - k*m + (t mod m)] counted from the last full season. NaN where out of range.
    """
    n, m = y.size, season_length
    idx = np.arange(h) % m
    rows = np.full((n_seasons, h), np.nan)
    for k in range(1, n_seasons + 1):
        pos = n - k * m + idx
        ok = pos >= 0
        rows[k - 1, ok] = y[pos[ok]]
    return rows


def _relative_scale(y: np.ndarray, fitted: np.ndarray) -> float:
    """Spread of in-sample errors in units of sqrt(level), so busy slots get wider intervals."""
    ok = np.isfinite(y) & np.isfinite(fitted)
    if ok.sum() < 2:
        return 1.0
    resid = (y[ok] - fitted[ok]) / np.sqrt(np.maximum(fitted[ok], 0.0) + 1.0)
    return float(np.sqrt(np.mean(resid**2)))


class _SameSlotModel(Model):
    """A forecast from the same slot in past seasons: a subclass gives the in-sample fit and
    the point forecast; the band around it widens with the seasons ahead."""

    season_length: int

    def _in_sample(self, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _point(self, y: np.ndarray, h: int) -> np.ndarray:
        raise NotImplementedError

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        y = np.asarray(y, dtype=float)
        if y.size < self.season_length or np.isfinite(y).sum() == 0:
            raise ForecastError(
                f"{self.alias} needs at least one season ({self.season_length} steps) of history"
            )
        self.model_ = {"y": y, "scale": _relative_scale(y, self._in_sample(y))}
        return self

    def predict(
        self, h: int, *, X: np.ndarray | None = None, level: Sequence[int] | None = None
    ) -> dict[str, np.ndarray]:
        state = self._state()
        y = state["y"]
        mean = np.nan_to_num(self._point(y, h), nan=float(np.nanmean(y)))
        n_ahead = np.arange(h) // self.season_length + 1
        scale = state["scale"] * np.sqrt(mean + 1.0) * np.sqrt(n_ahead)
        return add_intervals({"mean": mean}, scale, level)


class SeasonalNaive(_SameSlotModel):
    """The value one season ago (same local slot last week), falling back to earlier seasons
    where that value is missing.

    Args:
        season_length: steps per season, e.g. 7 * slots per day for "same interval last week".
        alias: name in the output.
    """

    def __init__(self, *, season_length: int, alias: str = "seasonal_naive") -> None:
        super().__init__(alias=alias)
        if season_length < 1:
            raise ForecastError(f"season_length must be >= 1, got {season_length}")
        self.season_length = season_length

    def _in_sample(self, y: np.ndarray) -> np.ndarray:
        m = self.season_length
        fitted = np.full(y.size, np.nan)
        fitted[m:] = y[:-m]
        return fitted

    def _point(self, y: np.ndarray, h: int) -> np.ndarray:
        rows = _seasonal_lookup(y, self.season_length, h, n_seasons=8)
        mean = np.full(h, np.nan)
        for row in rows[::-1]:  # the most recent finite season wins
            mean = np.where(np.isfinite(row), row, mean)
        return mean


class WeightedSameWeekdayAverage(_SameSlotModel):
    """A weighted average of the same slot in the last few seasons (same-weekday intervals).

    Args:
        season_length: steps per season (7 * slots per day for a weekly pattern).
        weights: weight of one, two, ... seasons back; renormalised over the values present.
        alias: name in the output.
    """

    def __init__(
        self,
        *,
        season_length: int,
        weights: Sequence[float] = (0.4, 0.3, 0.2, 0.1),
        alias: str = "weighted_avg",
    ) -> None:
        super().__init__(alias=alias)
        if season_length < 1 or not weights or min(weights) < 0 or sum(weights) <= 0:
            raise ForecastError(f"{alias}: need season_length >= 1 and non-negative weights")
        self.season_length = season_length
        self.weights = np.asarray(weights, dtype=float)

    def _average(self, rows: np.ndarray) -> np.ndarray:
        w = np.where(np.isfinite(rows), self.weights[:, None], 0.0)
        total = w.sum(axis=0)
        values = np.nansum(np.nan_to_num(rows) * w, axis=0)
        return np.where(total > 0, values / np.where(total > 0, total, 1.0), np.nan)

    def _in_sample(self, y: np.ndarray) -> np.ndarray:
        m, k = self.season_length, self.weights.size
        # In-sample fit over the last few seasons only: enough for the error scale.
        start = max(m, y.size - 8 * m)
        fitted = np.full(y.size, np.nan)
        for t0 in range(start, y.size, m):
            seg = _seasonal_lookup(y[:t0], m, min(m, y.size - t0), k)
            fitted[t0 : t0 + seg.shape[1]] = self._average(seg)
        return fitted

    def _point(self, y: np.ndarray, h: int) -> np.ndarray:
        return self._average(_seasonal_lookup(y, self.season_length, h, self.weights.size))


class DailyWeightedAverage(WeightedSameWeekdayAverage):
    """The same-weekday weighted average on daily totals (spread by the intraday profile).

    Same numbers per day as the interval version, but the shape within the day comes from
    the pooled profile of several weeks, which is far less noisy than four single slots.

    Args:
        weights: weight of one, two, ... weeks back.
        alias: name in the output.
    """

    granularity: ClassVar[str] = "daily"

    def __init__(
        self, *, weights: Sequence[float] = (0.4, 0.3, 0.2, 0.1), alias: str = "weighted_avg_daily"
    ) -> None:
        super().__init__(season_length=7, weights=weights, alias=alias)

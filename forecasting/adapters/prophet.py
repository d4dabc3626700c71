"""Prophet on daily totals. Only this module imports Prophet (and pandas for it).

Prophet wants dates: `first_date` (an attribute the Forecaster sets to the series' first
local date) anchors day 0. Calendar effects (holidays, events, drivers) arrive as regressors
in `X` unless `use_exog=False`, which gives Prophet's default settings plus, optionally, its
own country holidays.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Self

import numpy as np

from forecasting.models import DailyModel
from wfm.errors import ForecastError

# Prophet logs an ERROR at import when plotly (interactive plots only) is absent.
logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)

try:
    import pandas as pd
    from prophet import Prophet
except ModuleNotFoundError as exc:  # pragma: no cover - prophet is a pinned dependency
    raise ModuleNotFoundError("the prophet model needs Prophet: pip install prophet") from exc

logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
# Prophet warns on every fit with under two years of history that yearly seasonality may be
# under-identified; the backtest decides whether the model is any good.
logging.getLogger("prophet").setLevel(logging.ERROR)

__all__ = ["ProphetDaily"]


class ProphetDaily(DailyModel):
    """Prophet with yearly and weekly seasonality on daily totals.

    Args:
        use_exog: add the columns of `X` as extra regressors (calendar, events, drivers).
        country_holidays: a country code for Prophet's built-in holidays (used when
            `use_exog` is False, since the calendar regressors already carry holidays).
        uncertainty_samples: draws for the prediction interval (0 = none, faster).
        seed: seed of those draws, so a forecast does not depend on which process (or in
            which order) the queues ran.
        alias: name in the output.
    """

    uses_exog = True

    def __init__(
        self,
        *,
        use_exog: bool = True,
        country_holidays: str | None = None,
        uncertainty_samples: int = 300,
        seed: int = 0,
        alias: str = "prophet",
    ) -> None:
        super().__init__(alias=alias)
        self.use_exog = use_exog
        self.country_holidays = country_holidays
        self.uncertainty_samples = uncertainty_samples
        self.seed = seed
        self.first_date = dt.date(2000, 1, 3)

    def _frame(self, start: int, n: int, X: np.ndarray | None) -> pd.DataFrame:
        ds = pd.date_range(pd.Timestamp(self.first_date) + pd.Timedelta(days=start), periods=n)
        frame = pd.DataFrame({"ds": ds})
        if self.use_exog and X is not None:
            for j in range(X.shape[1]):
                frame[f"x{j}"] = X[:, j]
        return frame

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        y = np.asarray(y, dtype=float)
        if np.isfinite(y).sum() < 14:
            raise ForecastError(f"{self.alias} needs at least 14 days of history")
        frame = self._frame(0, y.size, X)
        frame["y"] = y  # NaN rows are skipped by Prophet
        model = Prophet(
            yearly_seasonality=y.size >= 365,
            weekly_seasonality=True,
            daily_seasonality=False,
            uncertainty_samples=self.uncertainty_samples,
        )
        if self.country_holidays and not self.use_exog:
            model.add_country_holidays(country_name=self.country_holidays)
        if self.use_exog and X is not None:
            for j in range(X.shape[1]):
                model.add_regressor(f"x{j}")
        model.fit(frame.dropna(subset=["y"]))
        self.model_ = {"model": model, "n": y.size}
        return self

    def predict(
        self, h: int, *, X: np.ndarray | None = None, level: Sequence[int] | None = None
    ) -> dict[str, np.ndarray]:
        state = self._state()
        model: Prophet = state["model"]
        frame = self._frame(state["n"], h, X)
        n_samples, model.uncertainty_samples = model.uncertainty_samples, 0
        try:
            mean = np.maximum(model.predict(frame)["yhat"].to_numpy(dtype=float), 0.0)
        finally:
            model.uncertainty_samples = n_samples
        out: dict[str, np.ndarray] = {"mean": mean}
        if level and n_samples:
            # One set of simulated paths serves every level, so wider levels nest.
            # Prophet draws from NumPy's global generator: seed it here, then restore it.
            outer_state = np.random.get_state()
            np.random.seed(self.seed)
            try:
                draws = np.asarray(model.predictive_samples(frame)["yhat"], dtype=float)
            finally:
                np.random.set_state(outer_state)
            for lv in level:
                lo, hi = np.quantile(draws, [0.5 - lv / 200, 0.5 + lv / 200], axis=1)
                out[f"lo-{lv}"] = np.clip(lo, 0.0, mean)
                out[f"hi-{lv}"] = np.maximum(hi, mean)
        else:
            for lv in level or ():
                out[f"lo-{lv}"], out[f"hi-{lv}"] = mean.copy(), mean.copy()
        return out

"""Forecasting: contact volume and AHT per queue x interval, from history, calendar and drivers.

Public surface: `forecast` and `backtest` (the CLI's entry points), the `Forecaster`, and the
small models of `forecasting.models` (statsmodels and Prophet models live in
`forecasting.adapters`).
"""

from forecasting.core import Forecaster
from forecasting.metrics import bias, mase, wape
from forecasting.models import SeasonalNaive, WeightedSameWeekdayAverage
from forecasting.registry import MODEL_NAMES, MODELS
from forecasting.run import ForecastResult, backtest, forecast, to_weekly

__all__ = [
    "MODELS",
    "MODEL_NAMES",
    "ForecastResult",
    "Forecaster",
    "SeasonalNaive",
    "WeightedSameWeekdayAverage",
    "backtest",
    "bias",
    "forecast",
    "mase",
    "to_weekly",
    "wape",
]

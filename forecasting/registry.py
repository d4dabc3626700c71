"""The forecasting models by name: the one list the forecaster, the CLI help and the API read.

Each entry says what the model is, whether it forecasts daily totals (spread to intervals by
intraday profiles; only these can see a season coming, so weekly capacity plans choose
among them) and how to build it for a center. statsmodels and Prophet are imported only
when a model that needs them is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forecasting.models import (
    DailyWeightedAverage,
    Model,
    SeasonalNaive,
    WeightedSameWeekdayAverage,
)
from wfm.center import Center
from wfm.errors import ForecastError

if TYPE_CHECKING:
    from forecasting.core import Combination

__all__ = [
    "DAILY_MODEL_NAMES",
    "MODELS",
    "MODEL_NAMES",
    "ModelSpec",
    "make_models",
    "model_from_name",
]


@dataclass(frozen=True)
class ModelSpec:
    """One model of the registry.

    Attributes:
        name: the name given to `model=` / `--model` and written in the forecast's
            `model` column.
        description: one line for help texts.
        daily: the model forecasts daily totals (spread to intervals by profiles).
        build: makes the model for a center's interval grid.
    """

    name: str
    description: str
    daily: bool
    build: Callable[[Center], Model]


def _week_slots(center: Center) -> int:
    return 7 * 86400 // center.interval_s


def _ets(_center: Center) -> Model:
    from forecasting.adapters.statsmodels import ETS

    return ETS()


def _sarimax(_center: Center) -> Model:
    from forecasting.adapters.statsmodels import SARIMAXRegression

    return SARIMAXRegression()


def _prophet(_center: Center) -> Model:
    from forecasting.adapters.prophet import ProphetDaily

    return ProphetDaily()


def _prophet_plain(center: Center) -> Model:
    from forecasting.adapters.prophet import ProphetDaily

    return ProphetDaily(
        use_exog=False, country_holidays=center.holidays.country, alias="prophet_plain"
    )


_SPECS = (
    ModelSpec(
        "seasonal_naive",
        "the same interval last week",
        False,
        lambda c: SeasonalNaive(season_length=_week_slots(c)),
    ),
    ModelSpec(
        "weighted_avg",
        "the same interval of the last 4 weeks, weighted 0.4 / 0.3 / 0.2 / 0.1",
        False,
        lambda c: WeightedSameWeekdayAverage(season_length=_week_slots(c)),
    ),
    ModelSpec(
        "avg_4w",
        "the same interval of the last 4 weeks, plain mean",
        False,
        lambda c: WeightedSameWeekdayAverage(
            season_length=_week_slots(c), weights=(1.0,) * 4, alias="avg_4w"
        ),
    ),
    ModelSpec(
        "weighted_avg_daily",
        "weighted_avg on daily totals",
        False,
        lambda _c: DailyWeightedAverage(),
    ),
    ModelSpec("ets", "damped Holt-Winters on daily totals (statsmodels)", True, _ets),
    ModelSpec(
        "sarimax",
        "log daily totals on weekday, yearly season, holidays, events and drivers, ARMA errors",
        True,
        _sarimax,
    ),
    ModelSpec("prophet", "Prophet with the calendar, event and driver regressors", True, _prophet),
    ModelSpec(
        "prophet_plain", "Prophet's defaults plus its country holidays", True, _prophet_plain
    ),
)
MODELS: dict[str, ModelSpec] = {spec.name: spec for spec in _SPECS}
MODEL_NAMES: tuple[str, ...] = tuple(MODELS)
DAILY_MODEL_NAMES: tuple[str, ...] = tuple(s.name for s in _SPECS if s.daily)


def make_models(names: tuple[str, ...] | list[str], center: Center) -> list[Model]:
    """Build models by name for the center's interval grid.

    Raises:
        ForecastError: a name that is not in the registry.
    """
    unknown = [name for name in names if name not in MODELS]
    if unknown:
        raise ForecastError(
            f"unknown model {unknown[0]!r}; choose auto or one of {', '.join(MODEL_NAMES)}"
        )
    return [MODELS[name].build(center) for name in names]


def model_from_name(name: str, center: Center) -> Model | Combination:
    """The model a forecast's `model` column names: a registry name or a combination of
    them, "mean(prophet+sarimax)" (what the automatic choice writes).

    Raises:
        ForecastError: a name that is not in the registry.
    """
    from forecasting.core import Combination

    if name.startswith("mean(") and name.endswith(")"):
        return Combination(tuple(make_models(name[5:-1].split("+"), center)))
    return make_models([name], center)[0]

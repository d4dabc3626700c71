"""The rest of the day's volume and AHT from the day so far: the morning forecast scaled by
how far today runs above or below it.

The day's ratio R = actual / forecast over the intervals already observed is noisy early in
the day, so it is shrunk toward 1 before it scales the rest of the day:
factor = 1 + w (R - 1). The weight w depends on the method:

- ``morning``: w = 0 (the morning forecast unchanged: the baseline);
- ``ratio``: w = 1 (the day's ratio as it stands);
- ``elapsed``: w = f, the share of the day's forecast volume already observed;
- ``credibility``: w = V / (V + k), with V the forecast volume observed so far and k in
  contacts: a Poisson count of V contacts has a relative noise of 1/sqrt(V), so a ratio
  resting on few contacts counts little (a Bühlmann credibility weight).

`bench/bench_intraday.py` measures them on held-back days of the sample; the default is the
one it picked, with k fitted on earlier days (README, `wfm intraday`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wfm.errors import ForecastError

__all__ = ["DEFAULT_RULE", "METHODS", "ReforecastRule", "shrink_weight"]

Method = Literal["morning", "ratio", "elapsed", "credibility"]
METHODS: tuple[Method, ...] = ("morning", "ratio", "elapsed", "credibility")


@dataclass(frozen=True)
class ReforecastRule:
    """How far the day's ratio so far moves the rest of the day.

    Attributes:
        method: one of METHODS.
        k_contacts: credibility constant, in contacts (method ``credibility`` only).
    """

    method: Method = "credibility"
    k_contacts: float = 100.0

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ForecastError(f"unknown reforecast method {self.method!r}; use {METHODS}")
        if not self.k_contacts >= 0:
            raise ForecastError(f"k_contacts must be >= 0, got {self.k_contacts}")

    def factor(self, actual: float, forecast: float, forecast_day: float) -> float:
        """The factor on the rest of the day's forecast, given the observed sums."""
        if forecast <= 0:
            return 1.0
        ratio = actual / forecast
        return 1.0 + shrink_weight(self, forecast, forecast_day) * (ratio - 1.0)


def shrink_weight(rule: ReforecastRule, forecast_so_far: float, forecast_day: float) -> float:
    """The weight w in [0, 1] of the day's ratio (see the module docstring)."""
    if rule.method == "morning" or forecast_so_far <= 0:
        return 0.0
    if rule.method == "ratio":
        return 1.0
    if rule.method == "elapsed":
        return min(1.0, forecast_so_far / forecast_day) if forecast_day > 0 else 0.0
    return forecast_so_far / (forecast_so_far + rule.k_contacts)


DEFAULT_RULE = ReforecastRule()

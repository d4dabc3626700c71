"""Daily hospital discharges and the lag profile that turns them into post-discharge calls.

Discharges follow a weekday pattern (Friday high, weekends low), a mild winter season and
holidays, with log-normal noise: about 60-120 a day. The planned census for the weeks after the
history is the same expectation without noise (what a bed-management plan would give).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.loaders import SCHEMAS
from wfm.synthetic.calendar import HOLIDAY_BRIDGE, HOLIDAY_MAJOR, holiday_kind

__all__ = ["LAG_PROFILE", "discharges", "lagged"]

# Share of a day's discharge-driven calls arriving 1..7 days after discharge (peak at day 2).
LAG_PROFILE = np.array([0.16, 0.30, 0.21, 0.13, 0.09, 0.06, 0.05])

_BASE_PER_DAY = 88.0
_WEEKDAY = np.array([1.04, 1.1, 1.08, 1.06, 1.16, 0.8, 0.76])
_NOISE_FRAC = 0.08


def discharges(
    center: Center, first: dt.date, n_days: int, *, seed: int, planned_from: dt.date | None = None
) -> pl.DataFrame:
    """Daily discharges for local days `first` .. `first + n_days - 1`.

    Args:
        center: the center (its holiday calendar lowers discharges on major holidays).
        first: first day.
        n_days: number of days.
        seed: random seed.
        planned_from: days from here on carry the noise-free planned census.

    Returns:
        A frame `date` (Date), `discharges` (Float64, whole numbers >= 0).
    """
    dates = [first + dt.timedelta(days=i) for i in range(n_days)]
    ordinal = np.array([d.toordinal() for d in dates], dtype=np.float64)
    doy = np.array([d.timetuple().tm_yday for d in dates], dtype=np.float64)
    weekday = np.array([d.weekday() for d in dates])
    kinds = holiday_kind(center, dates)
    expected = (
        _BASE_PER_DAY * _WEEKDAY[weekday] * (1 + 0.07 * np.cos(2 * np.pi * (doy - 20) / 365.25))
    )
    expected *= 1 + 0.02 * (ordinal - ordinal[0]) / 365.25
    expected *= np.where(kinds == HOLIDAY_MAJOR, 0.55, np.where(kinds == HOLIDAY_BRIDGE, 0.8, 1.0))
    rng = np.random.default_rng([seed, 0xD15C])
    noisy = rng.poisson(expected * rng.lognormal(-(_NOISE_FRAC**2) / 2, _NOISE_FRAC, n_days))
    values = noisy.astype(np.float64)
    if planned_from is not None:
        planned = np.array([d >= planned_from for d in dates])
        values = np.where(planned, np.round(expected), values)
    return pl.DataFrame(
        {"date": dates, "discharges": values},
        schema={**SCHEMAS["drivers"].dtypes, "discharges": pl.Float64},
    )


def lagged(daily: np.ndarray, profile: np.ndarray = LAG_PROFILE) -> np.ndarray:
    """Calls caused on each day by earlier discharges: sum_k profile[k-1] * daily[t-k], k=1..K.

    The first K days only see the discharges inside the series (pass a longer series to
    warm up).
    """
    out = np.zeros(len(daily))
    for k, weight in enumerate(profile, start=1):
        out[k:] += weight * daily[:-k]
    return out

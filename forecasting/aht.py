"""Average handle time per queue x local slot: it varies by hour, weekday and season.

The recent profile is the handled-weighted AHT of the same weekday and slot over the last
weeks; slots without handled contacts take the hour-of-day average across weekdays, then the
queue average, then the configured planning AHT. Beyond a few weeks ahead, when a year of
history allows, a seasonal factor (AHT around the same date last year over AHT in the same
recent window last year) scales the profile.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

__all__ = ["aht_for_dates"]


def _weighted(aht: np.ndarray, handled: np.ndarray, axis: int | None) -> np.ndarray:
    w = np.where(np.isfinite(aht) & np.isfinite(handled), handled, 0.0)
    num = np.nansum(np.where(w > 0, aht * w, 0.0), axis=axis)
    den = w.sum(axis=axis)
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def aht_for_dates(
    aht_s: np.ndarray,
    handled: np.ndarray,
    first_date: dt.date,
    target_dates: list[dt.date],
    *,
    fallback_aht_s: float,
    n_weeks: int = 8,
    seasonal_after_days: int = 42,
) -> np.ndarray:
    """AHT in seconds for each target date x local slot.

    Args:
        aht_s: (n_days, slots) history AHT matrix, NaN where nothing was handled.
        handled: (n_days, slots) handled counts (weights).
        first_date: local date of row 0.
        target_dates: local dates to forecast.
        fallback_aht_s: planning AHT when history has none.
        n_weeks: weeks of history pooled for the profile.
        seasonal_after_days: horizon in days beyond which the seasonal factor applies.
    """
    n_days, n_slots = aht_s.shape
    recent = slice(max(n_days - 7 * n_weeks, 0), n_days)
    weekday_of_row = np.array(
        [(first_date + dt.timedelta(days=i)).weekday() for i in range(n_days)]
    )
    slots_per_hour = max(n_slots // 24, 1)
    a, w = aht_s[recent], handled[recent]
    overall = _weighted(a, w, axis=None)
    queue_level = float(overall) if np.isfinite(overall) else float(fallback_aht_s)
    by_slot = _weighted(a, w, axis=0)
    hour_a = _weighted(
        a.reshape(a.shape[0], -1, slots_per_hour), w.reshape(w.shape[0], -1, slots_per_hour), (0, 2)
    )
    by_hour = np.repeat(hour_a, slots_per_hour)[:n_slots]
    base = np.where(
        np.isfinite(by_slot), by_slot, np.where(np.isfinite(by_hour), by_hour, queue_level)
    )
    profiles = {}
    rows_recent = np.arange(n_days)[recent]
    for wd in range(7):
        rows = rows_recent[weekday_of_row[rows_recent] == wd]
        own = (
            _weighted(aht_s[rows], handled[rows], axis=0) if rows.size else np.full(n_slots, np.nan)
        )
        profiles[wd] = np.where(np.isfinite(own), own, base)

    last = first_date + dt.timedelta(days=n_days - 1)
    out = np.zeros((len(target_dates), n_slots))
    for i, date in enumerate(target_dates):
        factor = 1.0
        centre = (date - first_date).days - 364
        if (
            (date - last).days > seasonal_after_days
            and centre - 28 >= 0
            and n_days - 364 - 7 * n_weeks >= 0
        ):
            then = slice(centre - 28, centre + 29)
            ref = slice(n_days - 364 - 7 * n_weeks, n_days - 364)
            num = _weighted(aht_s[then], handled[then], axis=None)
            den = _weighted(aht_s[ref], handled[ref], axis=None)
            if np.isfinite(num) and np.isfinite(den) and den > 0:
                factor = float(num / den)
        out[i] = profiles[date.weekday()] * factor
    return out

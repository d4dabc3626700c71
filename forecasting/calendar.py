"""Day-level features: weekday, trend, yearly season, public holidays and events.

Holidays come from the `holidays` package per the center's `holidays` block (country,
subdivision, observed days). Events (README, Tables: name, kind, start, end UTC, queue_id or
null for all) become one column per kind giving the share of the local day they cover,
except flu seasons, which rise and fall (a sine over the season's days); outages are not a
regressor but mark past days as outliers to leave out of model fitting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import holidays as holidays_lib
import numpy as np
import polars as pl

from wfm.center import Center
from wfm.grid import local_midnight_utc
from wfm.loaders import EVENT_KINDS

__all__ = [
    "EVENT_KINDS",
    "DayFeatures",
    "day_features",
    "declared_gap_days",
    "event_share",
    "holiday_names",
    "outage_days",
]

# Outages and declared data gaps are left out of fitting and scoring, not modelled.
_REGRESSOR_KINDS = tuple(k for k in EVENT_KINDS if k not in ("outage", "data_gap"))
_EPIDEMIC_KINDS = ("flu_season",)
_YEAR_D = 365.25


@dataclass(frozen=True)
class DayFeatures:
    """A (days x features) regressor matrix and its column names."""

    values: np.ndarray
    names: tuple[str, ...]


def _holiday_key(name: str) -> str:
    """Column key of a holiday: its name without "(observed)", lower case, words joined by _."""
    base = re.sub(r"\s*\(observed\)", "", name, flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]+", "_", base.lower()).strip("_")


def holiday_names(center: Center, dates: list[dt.date]) -> dict[dt.date, str]:
    """Public holidays (with observed days if configured) falling on `dates`."""
    if not dates:
        return {}
    years = range(min(dates).year, max(dates).year + 1)
    cal = holidays_lib.country_holidays(
        center.holidays.country,
        subdiv=center.holidays.subdivision,
        years=years,
        observed=center.holidays.observed,
    )
    return {d: str(cal.get(d)) for d in dates if d in cal}


def event_share(
    events: pl.DataFrame | None, center: Center, queue_id: str, dates: list[dt.date], kind: str
) -> np.ndarray:
    """Share (0-1) of each local day covered by events of `kind` that apply to `queue_id`."""
    out = np.zeros(len(dates))
    if events is None or events.height == 0 or not dates:
        return out
    rows = events.filter(
        (pl.col("kind") == kind) & (pl.col("queue_id").is_null() | (pl.col("queue_id") == queue_id))
    )
    if rows.height == 0:
        return out
    tz = center.tz
    if kind in _EPIDEMIC_KINDS:
        return _epidemic_curve(rows, center, dates)
    bounds = [local_midnight_utc(d, tz) for d in [*dates, dates[-1] + dt.timedelta(days=1)]]
    starts = rows["start"].to_list()
    ends = rows["end"].to_list()
    for i in range(len(dates)):
        lo, hi = bounds[i], bounds[i + 1]
        covered = 0.0
        for s, e in zip(starts, ends, strict=True):
            overlap = (min(e, hi) - max(s, lo)).total_seconds()
            covered += max(overlap, 0.0)
        out[i] = min(covered / (hi - lo).total_seconds(), 1.0)
    return out


def _epidemic_curve(rows: pl.DataFrame, center: Center, dates: list[dt.date]) -> np.ndarray:
    """A season that rises and falls: sin(pi * phase) over each event's local days (0 outside).

    Flu seasons build, peak and fade; a flat indicator would force one level on the whole
    window and leave the rise and the fall to the other terms.
    """
    ordinal = np.array([d.toordinal() for d in dates], dtype=float)
    out = np.zeros(len(dates))
    for start, end in zip(rows["start"].to_list(), rows["end"].to_list(), strict=True):
        first = center.local_date(start).toordinal()
        stop = center.local_date(end - dt.timedelta(microseconds=1)).toordinal() + 1
        phase = (ordinal - first + 0.5) / max(stop - first, 1)
        inside = (ordinal >= first) & (ordinal < stop)
        out = np.maximum(out, np.where(inside, np.sin(np.pi * np.clip(phase, 0, 1)), 0.0))
    return out


def outage_days(
    events: pl.DataFrame | None, center: Center, queue_id: str, dates: list[dt.date]
) -> np.ndarray:
    """True on days an outage touched: outliers left out of fitting and of scoring."""
    return event_share(events, center, queue_id, dates, "outage") > 0


def declared_gap_days(
    events: pl.DataFrame | None, center: Center, queue_id: str, dates: list[dt.date]
) -> np.ndarray:
    """True on days a declared data gap (an event of kind data_gap) touches: whatever rows
    the history has there are not data (an export that wrote zeros for a missing month)."""
    return event_share(events, center, queue_id, dates, "data_gap") > 0


def day_features(
    center: Center,
    queue_id: str,
    dates: list[dt.date],
    *,
    anchor: dt.date,
    events: pl.DataFrame | None = None,
    yearly_terms: int = 3,
    trend: bool = True,
) -> DayFeatures:
    """Regressors for each local date: weekday dummies, trend, yearly Fourier terms, one flag
    per public holiday in `dates` (`holiday_<name>`, an observed day under its holiday's
    name), a day-after-holiday flag and one share column per event kind.

    Args:
        center: the center (time zone, holiday calendar).
        queue_id: events for this queue (and for all queues) apply.
        dates: local dates, consecutive.
        anchor: date where the trend is zero (the first history date), so training and
            future rows share one scale.
        events: the events table, or None.
        yearly_terms: Fourier pairs for the yearly season (0 = none).
        trend: add the linear trend column `trend_y` (years since `anchor`).
    """
    n = len(dates)
    weekday = np.array([d.weekday() for d in dates])
    cols: dict[str, np.ndarray] = {}
    for wd in range(1, 7):
        cols[f"weekday_{wd}"] = (weekday == wd).astype(float)
    t = np.array([(d - anchor).days for d in dates], dtype=float)
    if trend:
        cols["trend_y"] = t / _YEAR_D
    for k in range(1, yearly_terms + 1):
        cols[f"year_sin_{k}"] = np.sin(2 * np.pi * k * t / _YEAR_D)
        cols[f"year_cos_{k}"] = np.cos(2 * np.pi * k * t / _YEAR_D)
    hol = holiday_names(center, [*dates, dates[0] - dt.timedelta(days=1)] if n else [])
    # One flag per holiday: a contact center closes on Christmas but is only quieter on
    # Veterans Day; one shared flag forces the average of the two on both.
    keys = {d: _holiday_key(name) for d, name in hol.items()}
    for key in sorted({keys[d] for d in dates if d in keys}):
        cols[f"holiday_{key}"] = np.array([keys.get(d) == key for d in dates], dtype=float)
    after = np.array([(d - dt.timedelta(days=1)) in hol and d not in hol for d in dates], float)
    cols["after_holiday"] = after
    for kind in _REGRESSOR_KINDS:
        cols[f"event_{kind}"] = event_share(events, center, queue_id, dates, kind)
    names = tuple(cols)
    values = np.column_stack([cols[c] for c in names]) if n else np.zeros((0, len(names)))
    return DayFeatures(values=values, names=names)

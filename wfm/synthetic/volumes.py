"""Expected and realised contact volume and AHT per queue and interval.

volume = daily total x intraday profile, where the daily total is
    level x weekday x trend x yearly season x holidays x flu x open enrollment x campaigns
    + contacts per discharge x (discharges through the lag profile) x weekday x holidays,
and the intraday profile (Gaussian bumps, lunch dip, Monday-morning boost, Friday-afternoon
drop) is normalised over the day's open intervals, so daylight-saving days keep their daily
total. The realised rate adds day-level log-normal noise (over-dispersion) and outages
(volume near zero, then a rebound); offered contacts are Poisson around it.
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import polars as pl

from wfm.center import Center, Queue
from wfm.grid import grid, open_mask, with_local_columns
from wfm.synthetic.calendar import (
    HOLIDAY_BRIDGE,
    HOLIDAY_MAJOR,
    HOLIDAY_MINOR,
    SampleEvent,
    day_event_lift,
    events_frame,
    holiday_kind,
)
from wfm.synthetic.drivers import lagged
from wfm.synthetic.profiles import QueueProfile, profile_for

__all__ = ["DayCalendar", "day_calendar", "queue_demand", "queue_rng"]

_GROWTH_PER_YEAR_FRAC = 0.04
_OUTAGE_REBOUND_FRAC = 0.6
_OUTAGE_REBOUND_INTERVALS = 8


class DayCalendar:
    """Per local day of the generated range: dates, weekdays, holiday kinds and event lifts."""

    def __init__(
        self, center: Center, start: dt.date, n_days: int, events: list[SampleEvent]
    ) -> None:
        self.start = start
        self.dates = [start + dt.timedelta(days=i) for i in range(n_days)]
        self.weekday = np.array([d.weekday() for d in self.dates])
        self.doy = np.array([d.timetuple().tm_yday for d in self.dates], dtype=np.float64)
        self.years = np.arange(n_days) / 365.25
        self.holiday = holiday_kind(center, self.dates)
        self.flu = day_event_lift(events, "flu_season", self.dates)
        self.enrollment = day_event_lift(events, "open_enrollment", self.dates)
        self.events = events


def day_calendar(
    center: Center, start: dt.date, n_days: int, events: list[SampleEvent]
) -> DayCalendar:
    """Build the per-day calendar once for all queues."""
    return DayCalendar(center, start, n_days, events)


def queue_rng(seed: int, queue_id: str, stream: int) -> np.random.Generator:
    """A generator per (seed, queue, purpose) that does not depend on queue order."""
    return np.random.default_rng([seed, zlib.crc32(queue_id.encode()), stream])


def _daily_totals(
    queue: Queue, profile: QueueProfile, cal: DayCalendar, discharges_lagged: np.ndarray
) -> np.ndarray:
    weekday = np.asarray(profile.weekday_factor)[cal.weekday]
    season = 1 + profile.season_amp_frac * np.cos(2 * np.pi * (cal.doy - 15) / 365.25)
    season -= profile.summer_dip_frac * np.exp(-(((cal.doy - 222) / 14.0) ** 2))
    holiday = np.select(
        [cal.holiday == HOLIDAY_MAJOR, cal.holiday == HOLIDAY_MINOR, cal.holiday == HOLIDAY_BRIDGE],
        [
            profile.major_holiday_factor,
            profile.minor_holiday_factor,
            0.65 if profile.major_holiday_factor < 1 else 1.1,
        ],
        1.0,
    )
    # Office queues catch up the day after a major holiday.
    after_major = np.roll(cal.holiday == HOLIDAY_MAJOR, 1)
    after_major[0] = False
    holiday = np.where(after_major & (profile.major_holiday_factor < 1), holiday * 1.15, holiday)
    campaign = np.ones(len(cal.dates))
    ordinal = np.array([d.toordinal() for d in cal.dates])
    for event in (e for e in cal.events if e.kind == "campaign"):
        lift = dict(event.lifts).get(queue.id, 0.0)
        inside = (ordinal >= event.start.toordinal()) & (ordinal <= event.end.toordinal())
        campaign += np.where(inside, lift, 0.0)
    level = profile.daily_contacts * (1 + _GROWTH_PER_YEAR_FRAC * cal.years)
    calendar = (
        (1 + profile.flu_sensitivity * cal.flu)
        * (1 + profile.enrollment_sensitivity * cal.enrollment)
        * campaign
    )
    discharge_driven = profile.discharge_per_discharge * discharges_lagged
    return weekday * holiday * (level * season * calendar + discharge_driven)


def _intraday_shape(profile: QueueProfile, hour: np.ndarray, weekday: np.ndarray) -> np.ndarray:
    def bumps(spec: tuple[tuple[float, float, float], ...]) -> np.ndarray:
        out = np.zeros_like(hour)
        for centre_h, width_h, weight in spec:
            # Wrap around midnight so evening bumps reach into the night.
            dist = np.minimum(np.abs(hour - centre_h), 24 - np.abs(hour - centre_h))
            out += weight * np.exp(-0.5 * (dist / width_h) ** 2)
        return out

    shape = bumps(profile.bumps)
    if profile.weekend_bumps is not None:
        shape = np.where(weekday >= 5, bumps(profile.weekend_bumps), shape)
    centre_h, width_h, depth = profile.lunch_dip
    shape = profile.floor + shape - depth * np.exp(-0.5 * ((hour - centre_h) / width_h) ** 2)
    shape = np.where(
        (weekday == 0) & (hour < 12), shape * (1 + profile.monday_am_boost_frac), shape
    )
    shape = np.where(
        (weekday == 4) & (hour >= 13), shape * (1 - profile.friday_pm_drop_frac), shape
    )
    return np.maximum(shape, 0.02)


def _apply_outages(
    queue: Queue, rate: np.ndarray, starts: pl.Series, events: list[SampleEvent], center: Center
) -> np.ndarray:
    """Outages keep `intensity` of the volume; callers retry in the next two hours."""
    rate = rate.copy()
    starts_np = starts.to_numpy()
    for event in (e for e in events if e.kind == "outage" and queue.id in e.queue_ids):
        row = events_frame([event], center).row(0, named=True)
        lo = np.datetime64(row["start"].replace(tzinfo=None), "us")
        hi = np.datetime64(row["end"].replace(tzinfo=None), "us")
        inside = np.flatnonzero((starts_np >= lo) & (starts_np < hi))
        if inside.size == 0:
            continue
        lost = rate[inside].sum() * (1 - event.intensity)
        rate[inside] *= event.intensity
        after = np.arange(
            inside[-1] + 1, min(inside[-1] + 1 + _OUTAGE_REBOUND_INTERVALS, len(rate))
        )
        weights = np.exp(-np.arange(after.size) / 3.0) * (rate[after] > 0)
        if weights.sum() > 0:
            rate[after] += _OUTAGE_REBOUND_FRAC * lost * weights / weights.sum()
    return rate


def queue_demand(
    center: Center, queue: Queue, cal: DayCalendar, discharges_daily: np.ndarray, *, seed: int
) -> pl.DataFrame:
    """Expected and realised demand of one queue over the calendar's days (open intervals only).

    Args:
        center: the center (time zone, interval length).
        queue: the queue.
        cal: per-day calendar of the range.
        discharges_daily: discharges for the range's days preceded by `len(LAG_PROFILE)` days.
        seed: random seed.

    Returns:
        A frame `queue_id, interval_start, expected_volume` (what the planner expected),
        `rate` (the realised Poisson mean, with day noise and outages) and `expected_aht_s`.
    """
    profile = profile_for(queue)
    n_days = len(cal.dates)
    starts = grid(cal.start, cal.start + dt.timedelta(days=n_days), center.tz, center.interval_s)
    local = with_local_columns(pl.DataFrame({"interval_start": starts}), center.tz)
    assert isinstance(local, pl.DataFrame)
    day_idx = (local["local_date"] - cal.start).dt.total_days().to_numpy()
    weekday = local["weekday"].to_numpy().astype(np.int64)
    hour = (local["minute_of_day"].to_numpy() + center.interval_min / 2) / 60.0
    is_open = open_mask(queue, starts, center.tz).to_numpy()

    shape = _intraday_shape(profile, hour, weekday) * is_open
    day_sum = np.bincount(day_idx, weights=shape, minlength=n_days)
    share = np.divide(shape, day_sum[day_idx], out=np.zeros_like(shape), where=day_sum[day_idx] > 0)
    n_lag = len(discharges_daily) - n_days
    totals = _daily_totals(queue, profile, cal, lagged(discharges_daily)[n_lag:])
    expected = totals[day_idx] * share

    rng = queue_rng(seed, queue.id, 1)
    noise = rng.lognormal(-(profile.daily_noise_frac**2) / 2, profile.daily_noise_frac, n_days)
    rate = _apply_outages(queue, expected * noise[day_idx], starts, cal.events, center)

    aht = (queue.aht_s or 300.0) * (
        1 + profile.aht_hour_amp_frac * np.cos(2 * np.pi * (hour - profile.aht_peak_h) / 24)
    )
    aht *= (1 + 0.06 * profile.flu_sensitivity * cal.flu[day_idx]) * (1 - 0.01 * cal.years[day_idx])
    frame = pl.DataFrame(
        {
            "queue_id": pl.Series([queue.id] * len(starts), dtype=pl.Utf8),
            "interval_start": starts,
            "expected_volume": expected,
            "rate": rate,
            "expected_aht_s": aht,
        }
    )
    return frame.filter(pl.Series(is_open))

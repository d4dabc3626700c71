"""The synthetic center's calendar: US holidays, flu seasons, open enrollment, campaigns, outages.

Events are plain records (`SampleEvent`) that drive the generator; `events_frame` turns them
into the events table (README, Tables). Flu seasons move and vary in strength from year to year
(a deterministic function of the season's year), so the events calendar carries information a
forecaster cannot get from the date alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
import numpy as np
import polars as pl

from wfm.center import Center
from wfm.grid import local_midnight_utc, local_minute_utc
from wfm.loaders import SCHEMAS

__all__ = [
    "HOLIDAY_MAJOR",
    "HOLIDAY_MINOR",
    "SampleEvent",
    "day_event_lift",
    "events_frame",
    "holiday_kind",
    "sample_events",
]

HOLIDAY_NONE, HOLIDAY_MINOR, HOLIDAY_MAJOR, HOLIDAY_BRIDGE = 0, 1, 2, 3
_MAJOR_NAMES = ("New Year", "Memorial", "Independence", "Labor Day", "Thanksgiving", "Christmas")


@dataclass(frozen=True)
class SampleEvent:
    """One calendar event of the synthetic center.

    Attributes:
        name: human-readable name (written to events.csv).
        kind: flu_season | open_enrollment | campaign | outage.
        start: first local day.
        end: last local day (inclusive).
        queue_ids: queues affected; empty = all queues (events.csv queue_id null).
        intensity: peak lift for flu seasons, the volume kept during an outage.
        lifts: (queue_id, lift_frac) pairs for campaigns.
        start_min: outage start in local minutes on `start` (None for whole-day events).
        end_min: outage end in local minutes on `end` (exclusive).
    """

    name: str
    kind: str
    start: dt.date
    end: dt.date
    queue_ids: tuple[str, ...] = ()
    intensity: float = 0.0
    lifts: tuple[tuple[str, float], ...] = ()
    start_min: int | None = None
    end_min: int | None = None


def _flu_season(year: int) -> SampleEvent:
    """The flu season starting in December of `year`: its dates and strength vary by year."""
    start = dt.date(year, 11, 24) + dt.timedelta(days=(year * 7) % 19)
    end = dt.date(year + 1, 2, 5) + dt.timedelta(days=(year * 11) % 19)
    intensity = 0.2 + 0.04 * ((year * 3) % 5)
    return SampleEvent(
        f"Flu season {year}-{(year + 1) % 100:02d}",
        "flu_season",
        start,
        end,
        intensity=round(intensity, 3),
    )


def _open_enrollment(year: int) -> SampleEvent:
    return SampleEvent(
        f"Open enrollment {year}",
        "open_enrollment",
        dt.date(year, 11, 1),
        dt.date(year + 1, 1, 15),
        intensity=1.0,
    )


def _flu_shot_campaign(
    monday: dt.date, sms_lift_frac: float, voice_lift_frac: float
) -> SampleEvent:
    """The flu shot reminders by SMS and phone: two working weeks from `monday`."""
    return SampleEvent(
        f"Flu shot reminder campaign {monday.year}",
        "campaign",
        monday,
        monday + dt.timedelta(days=11),
        ("sched_sms", "sched_voice"),
        lifts=(("sched_sms", sms_lift_frac), ("sched_voice", voice_lift_frac)),
    )


# One-off events of the sample center: two reminder campaigns and a phone outage.
_ONE_OFF = (
    _flu_shot_campaign(dt.date(2025, 10, 6), 0.45, 0.12),
    _flu_shot_campaign(dt.date(2026, 10, 5), 0.4, 0.1),
    SampleEvent(
        "Telephony outage",
        "outage",
        dt.date(2026, 6, 16),
        dt.date(2026, 6, 16),
        ("sched_voice", "triage_voice", "billing_voice", "pharmacy_voice", "outreach_voice"),
        intensity=0.04,
        start_min=10 * 60 + 15,
        end_min=13 * 60 + 15,
    ),
)


def sample_events(first: dt.date, last: dt.date) -> list[SampleEvent]:
    """All sample events overlapping local days `first`..`last` (inclusive), sorted by start."""
    events = []
    for year in range(first.year - 1, last.year + 1):
        events += [_flu_season(year), _open_enrollment(year)]
    events += list(_ONE_OFF)
    overlapping = [e for e in events if e.end >= first and e.start <= last]
    return sorted(overlapping, key=lambda e: (e.start, e.kind, e.name))


def holiday_kind(center: Center, dates: list[dt.date]) -> np.ndarray:
    """Per date: 0 ordinary, 1 minor holiday, 2 major holiday, 3 bridge (day after
    Thanksgiving), from the center's `holidays` calendar."""
    years = sorted({d.year for d in dates})
    cal = holidays.country_holidays(
        center.holidays.country,
        subdiv=center.holidays.subdivision,
        years=years,
        observed=center.holidays.observed,
    )
    kinds = np.zeros(len(dates), dtype=np.int8)
    for i, day in enumerate(dates):
        name = cal.get(day)
        if name is not None:
            kinds[i] = HOLIDAY_MAJOR if any(m in name for m in _MAJOR_NAMES) else HOLIDAY_MINOR
        elif "Thanksgiving" in (cal.get(day - dt.timedelta(days=1)) or ""):
            kinds[i] = HOLIDAY_BRIDGE
    return kinds


def day_event_lift(events: list[SampleEvent], kind: str, dates: list[dt.date]) -> np.ndarray:
    """Lift per date from whole-day events of `kind`, before queue sensitivity.

    Flu seasons rise and fall as a sine over their window, peaking at `intensity`. Open
    enrollment lifts by 0.8 throughout with surges before the Dec 15 and Jan 15 deadlines.
    """
    ordinal = np.array([d.toordinal() for d in dates], dtype=np.float64)
    lift = np.zeros(len(dates))
    for event in (e for e in events if e.kind == kind):
        start, end = event.start.toordinal(), event.end.toordinal()
        inside = (ordinal >= start) & (ordinal <= end)
        if kind == "flu_season":
            phase = (ordinal - start + 0.5) / (end - start + 1)
            lift += np.where(
                inside, event.intensity * np.clip(np.sin(np.pi * phase), 0, 1) ** 1.5, 0.0
            )
        elif kind == "open_enrollment":
            dec15 = dt.date(event.start.year, 12, 15).toordinal()
            surge = 0.5 * np.exp(-(((ordinal - dec15) / 5.0) ** 2))
            surge += 0.5 * np.exp(-(((ordinal - end) / 4.0) ** 2))
            lift += np.where(inside, event.intensity * (0.8 + surge), 0.0)
    return lift


def events_frame(events: list[SampleEvent], center: Center) -> pl.DataFrame:
    """The events table (README, Tables): one row per event and affected queue (null = all queues),
    start/end as UTC instants, end exclusive."""
    tz = center.tz
    rows: dict[str, list] = {"name": [], "kind": [], "start": [], "end": [], "queue_id": []}
    for event in events:
        start_at = local_midnight_utc(event.start, tz)
        end_at = local_midnight_utc(event.end + dt.timedelta(days=1), tz)
        if event.start_min is not None and event.end_min is not None:
            start_at = local_minute_utc(event.start, event.start_min, tz)
            end_at = local_minute_utc(event.end, event.end_min, tz)
        for queue_id in event.queue_ids or (None,):
            rows["name"].append(event.name)
            rows["kind"].append(event.kind)
            rows["start"].append(start_at)
            rows["end"].append(end_at)
            rows["queue_id"].append(queue_id)
    return pl.DataFrame(rows, schema=SCHEMAS["events"].dtypes)

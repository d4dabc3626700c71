"""The interval grid: the one place that turns local days into UTC intervals and back.

Intervals are aligned in the center's local time and stored as UTC-aware timestamps. A day
runs from local midnight to the next local midnight, so a daylight-saving day has 92 or 100
quarter-hours (46 or 50 half-hours); nothing here assumes 96.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl

from wfm.center import Queue

__all__ = [
    "UTC",
    "WEEK_STARTS",
    "date_runs",
    "day_grid",
    "grid",
    "local_midnight_utc",
    "local_minute_utc",
    "not_week_start",
    "open_mask",
    "week_start_expr",
    "week_start_of",
    "with_local_columns",
]

UTC = "UTC"

# A center's planning week starts on one of these days (center.yaml `week_start`), given as
# the weekday number (0 = Monday) it starts on.
WEEK_STARTS: dict[str, int] = {"mon": 0, "sun": 6, "sat": 5}


def week_start_of(day: dt.date, week_start: str = "mon") -> dt.date:
    """The first local day of the planning week holding `day`."""
    return day - dt.timedelta(days=(day.weekday() - WEEK_STARTS[week_start]) % 7)


def not_week_start(day: dt.date, week_start: str = "mon") -> str | None:
    """Why `day` cannot start a planning week ("the week must start on a Monday; ..."), or
    None when it can."""
    if week_start_of(day, week_start) == day:
        return None
    name = _WEEKDAY_NAMES[WEEK_STARTS[week_start]]
    center = "" if week_start == "mon" else f" (the center's week_start is {week_start})"
    return f"the week must start on a {name}{center}; {day} is not a {name}"


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def week_start_expr(day: pl.Expr, week_start: str = "mon") -> pl.Expr:
    """`week_start_of` on a polars Date (or local Datetime) expression."""
    back = (day.dt.weekday() - 1 - WEEK_STARTS[week_start]) % 7
    return day - pl.duration(days=back)


def date_runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days joined: [Mar 1, Mar 2, Mar 5] -> [(Mar 1, Mar 2), (Mar 5, Mar 5)]."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def local_midnight_utc(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of local midnight starting `day` (midnight always exists in practice;
    zones that skip it, like some historic ones, resolve to the first instant after)."""
    naive = dt.datetime.combine(day, dt.time())
    local = naive.replace(tzinfo=tz)
    # fold=0 picks the earlier of an ambiguous pair; a nonexistent midnight round-trips forward.
    return local.astimezone(dt.UTC)


def local_minute_utc(day: dt.date, minute: int, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant of local wall-clock `minute` (0 = midnight) on `day`; 22:00 is 22:00
    local on a daylight-saving day too."""
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return naive.replace(tzinfo=tz).astimezone(dt.UTC)


def grid(start: dt.date, end: dt.date, tz: ZoneInfo, interval_s: int) -> pl.Series:
    """UTC interval starts for local days `start` (inclusive) to `end` (exclusive)."""
    if end <= start:
        return pl.Series("interval_start", [], dtype=pl.Datetime("us", UTC))
    first = local_midnight_utc(start, tz)
    stop = local_midnight_utc(end, tz)
    return pl.datetime_range(
        first,
        stop,
        interval=f"{interval_s}s",
        closed="left",
        time_unit="us",
        time_zone=UTC,
        eager=True,
    ).alias("interval_start")


def day_grid(day: dt.date, tz: ZoneInfo, interval_s: int) -> pl.Series:
    """UTC interval starts of one local day: 96 quarter-hours usually, 92 or 100 on DST days."""
    return grid(day, day + dt.timedelta(days=1), tz, interval_s)


def with_local_columns(
    frame: pl.DataFrame | pl.LazyFrame, tz: ZoneInfo, *, column: str = "interval_start"
) -> pl.DataFrame | pl.LazyFrame:
    """Add `local_date`, `weekday` (0 = Monday) and `minute_of_day` (local) for `column`."""
    local = pl.col(column).dt.convert_time_zone(str(tz))
    return frame.with_columns(
        local.dt.date().alias("local_date"),
        (local.dt.weekday() - 1).cast(pl.Int8).alias("weekday"),
        (local.dt.hour().cast(pl.Int32) * 60 + local.dt.minute().cast(pl.Int32)).alias(
            "minute_of_day"
        ),
    )


def open_mask(queue: Queue, interval_start: pl.Series, tz: ZoneInfo) -> pl.Series:
    """True where the queue is open at the interval's local start time."""
    local = pl.DataFrame({"interval_start": interval_start})
    local = with_local_columns(local, tz)
    assert isinstance(local, pl.DataFrame)
    is_open = pl.lit(False)
    for weekday in range(7):
        for start_min, end_min in queue.open_minutes(weekday):
            is_open = is_open | (
                (pl.col("weekday") == weekday)
                & (pl.col("minute_of_day") >= start_min)
                & (pl.col("minute_of_day") < end_min)
            )
    return local.select(is_open.alias("open")).to_series()

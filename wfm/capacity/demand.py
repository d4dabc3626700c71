"""FTE required per queue and week, with a band, through interval-level staffing.

Every interval of the forecast goes through the staffing engine
(`wfm.staffing.frame.requirements_from_frame`: Erlang A / C under the occupancy cap, backlog
staffing for deferred work), three times: at the forecast volume and at the band's lower and
upper volumes (each interval scaled by its week's band ratio). Erlang is not linear in volume,
so the FTE band is not the volume band scaled. Net agent hours per week then become FTE
with the week's shrinkage: the queue's (or center's) shrinkage plus the planned vacation of
the week's month plus a scenario's change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from wfm.capacity.plan import MONTHS
from wfm.center import Center
from wfm.errors import StaffingError
from wfm.grid import week_start_expr
from wfm.staffing.frame import requirements_from_frame

__all__ = ["DEMAND_COLUMNS", "net_hours", "net_weekly", "to_fte", "week_shrinkage"]

DEMAND_COLUMNS: dict[str, pl.DataType] = {
    "queue_id": pl.String(),
    "week": pl.Date(),
    "weeks_ahead": pl.Int64(),
    "volume": pl.Float64(),
    "volume_lo": pl.Float64(),
    "volume_hi": pl.Float64(),
    "aht_s": pl.Float64(),
    "shrinkage_frac": pl.Float64(),
    "agent_h_net": pl.Float64(),
    "fte_required": pl.Float64(),
    "fte_required_lo": pl.Float64(),
    "fte_required_hi": pl.Float64(),
}


def _week(center: Center) -> pl.Expr:
    day = pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date()
    return week_start_expr(day, center.week_start).alias("week")


def net_hours(intervals: pl.DataFrame, center: Center, volume: pl.Expr) -> pl.DataFrame:
    """Net agent hours per queue and local week for the intervals at `volume`."""
    frame = intervals.select("queue_id", "interval_start", volume.alias("volume"), "aht_s")
    needed = requirements_from_frame(frame, center)
    interval_h = center.interval_s / 3600
    return needed.group_by("queue_id", _week(center)).agg(
        (pl.col("agents_net").sum() * interval_h).alias("agent_h")
    )


def week_shrinkage(
    weeks: list[dt.date], vacation_frac_by_month: Mapping[str, float], change_frac: float = 0.0
) -> pl.DataFrame:
    """week, extra_shrinkage_frac: the month's planned vacation (the month of the week's
    Thursday, which holds most of its days) plus `change_frac`."""
    extra = [
        vacation_frac_by_month.get(MONTHS[(w + dt.timedelta(days=3)).month - 1], 0.0) + change_frac
        for w in weeks
    ]
    return pl.DataFrame(
        {"week": weeks, "extra_shrinkage_frac": extra},
        schema={"week": pl.Date, "extra_shrinkage_frac": pl.Float64},
    )


def net_weekly(
    intervals: pl.DataFrame, center: Center, *, start: dt.date, band: pl.DataFrame
) -> pl.DataFrame:
    """Volume (with band), AHT and net agent hours (with band) per queue and plan week.

    Args:
        intervals: the interval forecast (queue_id, interval_start, volume, aht_s).
        center: the center (targets, patience, concurrency, occupancy cap).
        start: the plan's first Monday (weeks_ahead 1).
        band: week, lo_ratio, hi_ratio (bounds of actual / forecast weekly volume); weeks
            without a row get no band (lo = hi = the forecast).

    Raises:
        StaffingError: the staffing engine rejects an input.
    """
    frame = (
        intervals.with_columns(_week(center))
        .join(band.select("week", "lo_ratio", "hi_ratio"), on="week", how="left")
        .with_columns(pl.col("lo_ratio", "hi_ratio").fill_null(1.0))
    )
    keys = ["queue_id", "week"]
    weekly = frame.group_by(keys).agg(
        pl.col("volume").sum(),
        (pl.col("volume") * pl.col("lo_ratio")).sum().alias("volume_lo"),
        (pl.col("volume") * pl.col("hi_ratio")).sum().alias("volume_hi"),
        ((pl.col("aht_s") * pl.col("volume")).sum() / pl.col("volume").sum()).alias("aht_s"),
    )
    for suffix, volume in (
        ("net", pl.col("volume")),
        ("lo", pl.col("volume") * pl.col("lo_ratio")),
        ("hi", pl.col("volume") * pl.col("hi_ratio")),
    ):
        hours = net_hours(frame, center, volume).rename({"agent_h": f"agent_h_{suffix}"})
        weekly = weekly.join(hours, on=keys)
    return weekly.with_columns(
        ((pl.col("week") - pl.lit(start)).dt.total_days() // 7 + 1).alias("weeks_ahead"),
        pl.col("aht_s").fill_nan(None),
    )


def to_fte(
    net: pl.DataFrame, center: Center, *, shrinkage: pl.DataFrame, fte_hours: float
) -> pl.DataFrame:
    """FTE required per queue and week from `net_weekly`'s net hours and the week's shrinkage.

    Args:
        net: the `net_weekly` table.
        center: the center (each queue's shrinkage).
        shrinkage: week, extra_shrinkage_frac (on top of each queue's shrinkage).
        fte_hours: paid hours of one FTE per week.

    Returns:
        DEMAND_COLUMNS per queue and week.

    Raises:
        StaffingError: a week's shrinkage is outside 0..1.
    """
    base = {q.id: center.shrinkage_for(q.id) for q in center.queues}
    out = net.join(shrinkage, on="week", how="left").with_columns(
        (
            pl.col("queue_id").replace_strict(base, return_dtype=pl.Float64)
            + pl.col("extra_shrinkage_frac").fill_null(0.0)
        ).alias("shrinkage_frac")
    )
    bad = out.filter((pl.col("shrinkage_frac") >= 1) | (pl.col("shrinkage_frac") < 0))
    if bad.height:
        raise StaffingError(
            f"queue {bad['queue_id'][0]}, week {bad['week'][0]}: shrinkage "
            f"{bad['shrinkage_frac'][0]:.2f} is outside 0..1 (vacation and scenario included)"
        )
    paid = (1 - pl.col("shrinkage_frac")) * fte_hours
    return (
        out.with_columns(
            (pl.col("agent_h_net") / paid).alias("fte_required"),
            (pl.col("agent_h_lo") / paid).alias("fte_required_lo"),
            (pl.col("agent_h_hi") / paid).alias("fte_required_hi"),
        )
        .select(list(DEMAND_COLUMNS))
        .cast(DEMAND_COLUMNS)  # type: ignore[arg-type]
        .sort("queue_id", "week")
    )

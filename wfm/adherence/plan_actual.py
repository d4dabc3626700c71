"""Plan vs actual per queue x interval: forecast vs actual volume and AHT, required vs
scheduled vs actually staffed agents, and the service level achieved.

Agent counts are agent-seconds in the interval / interval_s (so 0.5 = one agent for half of
it). Scheduled agents are `work` rows of the schedule; staffed agents are time in a state the
adherence mapping calls `work`. A work row with a queue_id counts for that queue; otherwise
(and always for staffed time) an agent's time is split evenly over its skilled queues from
the roster, or, without a roster, over the queues its schedule names; time that cannot be
placed is reported under queue_id null.

Errors: WAPE = sum |actual - forecast| / sum actual, per queue and local day / week; the AHT
error is weighted by handled contacts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.normalize import TS, normalize_states
from wfm.center import Center
from wfm.grid import grid, week_start_expr, with_local_columns

__all__ = [
    "PLAN_ACTUAL_COLUMNS",
    "PlanActual",
    "agent_queue_weights",
    "agents_per_interval",
    "plan_vs_actual",
]

PLAN_ACTUAL_COLUMNS = (
    "queue_id", "interval_start", "volume_forecast", "volume_actual", "aht_forecast_s",
    "aht_actual_s", "agents_required_net", "agents_required_gross", "agents_scheduled",
    "agents_staffed", "service_level",
)  # fmt: skip


@dataclass(frozen=True)
class PlanActual:
    """Plan vs actual tables.

    Attributes:
        intervals: one row per queue x interval (PLAN_ACTUAL_COLUMNS).
        daily: per queue and local day: volumes, volume_wape, aht_wape, agent-hours
            required (net) / scheduled / staffed, service_level (offered-weighted).
        weekly: the same per queue and week (week_start = the local Monday).
    """

    intervals: pl.DataFrame
    daily: pl.DataFrame
    weekly: pl.DataFrame


def plan_vs_actual(
    center: Center,
    *,
    forecast: pl.DataFrame,
    history: pl.DataFrame,
    requirements: pl.DataFrame | None = None,
    schedule: pl.DataFrame | None = None,
    states: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
    rules: AdherenceRules | None = None,
) -> PlanActual:
    """Compare plan and actual per queue x interval over the local days of the forecast.

    Args:
        center: the center (grid, time zone, interval length).
        forecast: the `forecast` table (README, Tables).
        history: the `history` table (optional `service_level` column is carried).
        requirements: the `requirements` table (agents_net, agents_gross), optional.
        schedule: published schedule, optional.
        states: agent states, optional (staffed agents).
        roster: roster (skills split agent time over queues), optional.
        rules: state mapping (which states are work); defaults to AdherenceRules().

    Returns:
        PlanActual with interval, daily and weekly tables.
    """
    rules = rules or AdherenceRules()
    tz, interval_s = center.tz, center.interval_s
    local_days = forecast.select(
        pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().alias("d")
    ).get_column("d")
    if local_days.len() == 0:
        starts = pl.Series("interval_start", [], dtype=TS)
    else:
        starts = grid(local_days.min(), local_days.max() + dt.timedelta(days=1), tz, interval_s)
    queues = pl.DataFrame({"queue_id": center.queue_ids})
    frame = queues.join(pl.DataFrame({"interval_start": starts}), how="cross")
    plan = forecast.select(
        "queue_id", "interval_start", pl.col("volume").alias("volume_forecast"),
        pl.col("aht_s").alias("aht_forecast_s"),
    )  # fmt: skip
    hist_cols = [pl.col("offered").cast(pl.Float64).alias("volume_actual"), "handled",
                 pl.col("aht_s").alias("aht_actual_s")]  # fmt: skip
    if "service_level" in history.columns:
        hist_cols.append("service_level")
    actual = history.select("queue_id", "interval_start", *hist_cols)
    frame = frame.join(plan, on=["queue_id", "interval_start"], how="left").join(
        actual, on=["queue_id", "interval_start"], how="left"
    )
    if "service_level" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("service_level"))
    if requirements is not None:
        req = requirements.select(
            "queue_id", "interval_start",
            pl.col("agents_net").cast(pl.Float64).alias("agents_required_net"),
            pl.col("agents_gross").alias("agents_required_gross"),
        )  # fmt: skip
        frame = frame.join(req, on=["queue_id", "interval_start"], how="left")
    else:
        frame = frame.with_columns(
            pl.lit(None, pl.Float64).alias("agents_required_net"),
            pl.lit(None, pl.Float64).alias("agents_required_gross"),
        )
    weights = agent_queue_weights(schedule, roster)
    scheduled = staffed = None
    if schedule is not None and schedule.height:
        work = schedule.filter(pl.col("activity") == "work").select(
            "agent_id", "start", "end", "queue_id"
        )
        scheduled = agents_per_interval(work, weights, starts, interval_s, "agents_scheduled")
    if states is not None and states.height:
        as_of = starts.max() + dt.timedelta(seconds=interval_s) if starts.len() else None
        if as_of is not None:
            clean = normalize_states(states, rules, as_of=as_of).filter(pl.col("family") == "work")
            spans = clean.select(
                "agent_id", "start", "end", pl.lit(None, pl.String).alias("queue_id")
            )
            staffed = agents_per_interval(spans, weights, starts, interval_s, "agents_staffed")
    for name, part in (("agents_scheduled", scheduled), ("agents_staffed", staffed)):
        if part is None:
            frame = frame.with_columns(pl.lit(0.0).alias(name))
            continue
        frame = frame.join(part, on=["queue_id", "interval_start"], how="full", coalesce=True)
        frame = frame.with_columns(pl.col(name).fill_null(0.0))
    frame = frame.sort(["queue_id", "interval_start"], nulls_last=True)
    daily = _rollup(frame, center, by_week=False)
    weekly = _rollup(frame, center, by_week=True)
    return PlanActual(frame.select(PLAN_ACTUAL_COLUMNS), daily, weekly)


def agent_queue_weights(schedule: pl.DataFrame | None, roster: pl.DataFrame | None) -> pl.DataFrame:
    """agent_id, queue_id, weight (sums to 1 per agent): roster skills, else scheduled queues."""
    if roster is not None and "skills" in roster.columns:
        pairs = (
            roster.select("agent_id", "skills")
            .explode("skills")
            .drop_nulls("skills")
            .select("agent_id", pl.col("skills").struct.field("queue_id"))
        )
    elif schedule is not None:
        pairs = schedule.drop_nulls("queue_id").select("agent_id", "queue_id").unique()
    else:
        pairs = pl.DataFrame(schema={"agent_id": pl.String, "queue_id": pl.String})
    return pairs.with_columns((1.0 / pl.len().over("agent_id")).alias("weight"))


def agents_per_interval(
    spans: pl.DataFrame,
    weights: pl.DataFrame,
    starts: pl.Series,
    interval_s: int,
    name: str,
) -> pl.DataFrame:
    """Spread `agent_id, start, end, queue_id` spans over the grid, in agents per interval."""
    if starts.len() == 0 or spans.height == 0:
        return pl.DataFrame(schema={"queue_id": pl.String, "interval_start": TS, name: pl.Float64})
    edges_us = np.append(
        starts.dt.epoch("us").to_numpy(), starts.dt.epoch("us").max() + interval_s * 1_000_000
    )
    start_us = spans.get_column("start").dt.epoch("us").to_numpy()
    end_us = spans.get_column("end").dt.epoch("us").to_numpy()
    first = np.clip(np.searchsorted(edges_us, start_us, side="right") - 1, 0, len(starts))
    last = np.clip(np.searchsorted(edges_us, end_us, side="left"), 0, len(starts))
    parts = (
        spans.with_columns(pl.int_ranges(pl.Series(first), pl.Series(last)).alias("_i"))
        .explode("_i")
        .drop_nulls("_i")
    )
    idx = parts.get_column("_i").to_numpy()
    lo = np.maximum(parts.get_column("start").dt.epoch("us").to_numpy(), edges_us[idx])
    hi = np.minimum(parts.get_column("end").dt.epoch("us").to_numpy(), edges_us[idx + 1])
    parts = parts.with_columns(
        pl.Series("_agents", np.clip(hi - lo, 0, None) / (interval_s * 1e6)),
        starts.gather(idx).alias("interval_start"),
    ).filter(pl.col("_agents") > 0)
    named = parts.filter(pl.col("queue_id").is_not_null()).select(
        "queue_id", "interval_start", "_agents"
    )
    split = (
        parts.filter(pl.col("queue_id").is_null())
        .drop("queue_id")
        .join(weights, on="agent_id", how="left")
        .select(
            "queue_id",
            "interval_start",
            (pl.col("_agents") * pl.col("weight").fill_null(1.0)).alias("_agents"),
        )
    )
    return (
        pl.concat([named, split])
        .group_by(["queue_id", "interval_start"])
        .agg(pl.col("_agents").sum().alias(name))
    )


def _rollup(frame: pl.DataFrame, center: Center, *, by_week: bool) -> pl.DataFrame:
    local = with_local_columns(frame, center.tz)
    assert isinstance(local, pl.DataFrame)
    key = "week_start" if by_week else "date"
    if by_week:
        local = local.with_columns(
            week_start_expr(pl.col("local_date"), center.week_start).alias(key)
        )
    else:
        local = local.rename({"local_date": key})
    hours = center.interval_s / 3600
    err = (pl.col("volume_actual") - pl.col("volume_forecast")).abs()
    aht_err = (pl.col("aht_actual_s") - pl.col("aht_forecast_s")).abs() * pl.col("handled")
    offered = pl.col("volume_actual")
    return (
        local.group_by(["queue_id", key])
        .agg(
            pl.col("volume_forecast").sum(),
            pl.col("volume_actual").sum(),
            err.sum().alias("_err"),
            aht_err.sum().alias("_aht_err"),
            (pl.col("aht_actual_s") * pl.col("handled")).sum().alias("_aht_w"),
            (pl.col("agents_required_net").sum() * hours).alias("required_agent_h"),
            (pl.col("agents_scheduled").sum() * hours).alias("scheduled_agent_h"),
            (pl.col("agents_staffed").sum() * hours).alias("staffed_agent_h"),
            (pl.col("service_level") * offered).sum().alias("_sl_w"),
            offered.filter(pl.col("service_level").is_not_null()).sum().alias("_sl_n"),
        )
        .with_columns(
            pl.when(pl.col("volume_actual") > 0)
            .then(pl.col("_err") / pl.col("volume_actual"))
            .alias("volume_wape"),
            pl.when(pl.col("_aht_w") > 0)
            .then(pl.col("_aht_err") / pl.col("_aht_w"))
            .alias("aht_wape"),
            pl.when(pl.col("_sl_n") > 0)
            .then(pl.col("_sl_w") / pl.col("_sl_n"))
            .alias("service_level"),
        )
        .drop("_err", "_aht_err", "_aht_w", "_sl_w", "_sl_n")
        .sort(["queue_id", key], nulls_last=True)
    )

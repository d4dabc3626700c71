"""Requirements tables: a forecast or history frame + a Center -> agents per queue x interval.

The thin layer between tables and the array math of `wfm.staffing`: it builds each queue's
interval grid over the local days the input covers (closed or absent intervals get zero
volume), picks the model from the queue's configuration (deferred targets -> backlog
staffing; real-time -> Erlang A when the queue has a patience, else Erlang C) and assembles
the requirements table (README, Tables).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

import numpy as np
import polars as pl

from wfm.center import Center, Queue
from wfm.errors import StaffingError
from wfm.grid import grid, open_mask
from wfm.staffing.deferred import deferred_agents
from wfm.staffing.erlang import ServiceLevelBasis
from wfm.staffing.requirements import StaffingTarget, agents_required

__all__ = [
    "REQUIREMENT_COLUMNS",
    "InputKind",
    "detect_input_kind",
    "last_week",
    "requirements_from_frame",
    "select_local_days",
    "staffing_target",
    "summarize_requirements",
]

logger = logging.getLogger(__name__)

InputKind = Literal["forecast", "history"]

REQUIREMENT_COLUMNS: dict[str, pl.DataType] = {
    "queue_id": pl.String(),
    "interval_start": pl.Datetime("us", "UTC"),
    "volume": pl.Float64(),
    "aht_s": pl.Float64(),
    "workload_erl": pl.Float64(),
    "agents_net": pl.Int64(),
    "agents_gross": pl.Float64(),
    "service_level": pl.Float64(),
    "asa_s": pl.Float64(),
    "abandon_rate": pl.Float64(),
    "occupancy": pl.Float64(),
}


def detect_input_kind(columns: list[str]) -> InputKind:
    """'forecast' for a frame with `volume`, 'history' for one with `offered`.

    Raises:
        StaffingError: neither column is present.
    """
    if "volume" in columns:
        return "forecast"
    if "offered" in columns:
        return "history"
    raise StaffingError(
        "input is neither a forecast (column volume) nor a history (column offered)"
    )


def _local_dates(frame: pl.DataFrame, center: Center) -> pl.Series:
    return frame["interval_start"].dt.convert_time_zone(center.timezone).dt.date()


def last_week(frame: pl.DataFrame, center: Center) -> tuple[dt.date, dt.date]:
    """The last 7 local days the frame covers: (first day, last day), both inclusive."""
    if frame.is_empty():
        raise StaffingError("the input has no rows")
    last = _local_dates(frame, center).max()
    assert isinstance(last, dt.date)
    return last - dt.timedelta(days=6), last


def select_local_days(
    frame: pl.DataFrame, center: Center, *, start: dt.date, end: dt.date
) -> pl.DataFrame:
    """Rows whose interval starts on local days `start` .. `end` (inclusive).

    Raises:
        StaffingError: the range is reversed or holds no rows.
    """
    if end < start:
        raise StaffingError(f"end date {end} is before start date {start}")
    days = _local_dates(frame, center)
    picked = frame.filter((days >= start) & (days <= end))
    if picked.is_empty():
        raise StaffingError(f"the input has no rows between {start} and {end} (local dates)")
    return picked


def staffing_target(queue: Queue, center: Center) -> StaffingTarget:
    """The staffing target of a real-time queue: its target and the occupancy cap."""
    t = queue.target
    return StaffingTarget(
        service_level_frac=t.service_level_frac,
        answer_within_s=t.answer_within_s,
        max_asa_s=t.max_asa_s,
        max_abandon_frac=t.max_abandon_frac,
        max_occupancy_frac=center.max_occupancy_frac,
    )


def _prepare(frame: pl.DataFrame, center: Center) -> pl.DataFrame:
    """Input rows as queue_id, interval_start, volume, aht_s (configured AHT filling gaps)."""
    kind = detect_input_kind(frame.columns)
    for column in ("queue_id", "interval_start", "aht_s"):
        if column not in frame.columns:
            raise StaffingError(f"the {kind} input has no column {column}")
    volume = pl.col("volume" if kind == "forecast" else "offered").cast(pl.Float64)
    rows = frame.select(
        pl.col("queue_id"),
        pl.col("interval_start").dt.convert_time_zone("UTC"),
        volume.alias("volume"),
        pl.col("aht_s").cast(pl.Float64),
    )
    unknown = sorted(set(rows["queue_id"].unique().to_list()) - set(center.queue_ids))
    if unknown:
        raise StaffingError(
            f"unknown queue(s) {', '.join(map(str, unknown))}: not in the center config "
            f"(known: {', '.join(center.queue_ids)})"
        )
    bad = rows.filter(pl.col("volume").is_null() | (pl.col("volume") < 0))
    if not bad.is_empty():
        raise StaffingError(
            f"queue {bad['queue_id'][0]}: volume must be >= 0 ({bad.height} row(s) are not)"
        )
    bad = rows.filter((pl.col("aht_s") <= 0) & (pl.col("volume") > 0))
    if not bad.is_empty():
        raise StaffingError(f"queue {bad['queue_id'][0]}: aht_s must be > 0 where there is volume")
    return rows


def _full_grid(
    rows: pl.DataFrame, queues: list[Queue], center: Center, first: dt.date, last: dt.date
) -> pl.DataFrame:
    """Every queue's interval grid over the local days (queue-major), with volume and AHT.

    Absent intervals get zero volume; a missing AHT takes the queue's configured aht_s.
    """
    starts = grid(first, last + dt.timedelta(days=1), center.tz, center.interval_s)
    keys = pl.DataFrame({"queue_id": [q.id for q in queues]}).join(
        pl.DataFrame({"interval_start": starts}), how="cross", maintain_order="left_right"
    )
    configured = {q.id: q.aht_s for q in queues}
    full = keys.join(
        rows, on=["queue_id", "interval_start"], how="left", maintain_order="left"
    ).with_columns(
        pl.col("volume").fill_null(0.0),
        pl.col("aht_s").fill_null(
            pl.col("queue_id").replace_strict(configured, default=None, return_dtype=pl.Float64)
        ),
    )
    missing = full.filter(pl.col("aht_s").is_null() & (pl.col("volume") > 0))
    if not missing.is_empty():
        queue_id = missing["queue_id"][0]
        n_missing = missing.filter(pl.col("queue_id") == queue_id).height
        raise StaffingError(
            f"queue {queue_id}: aht_s is missing in {n_missing} interval(s) with volume "
            "and the center config gives the queue no aht_s to fill it"
        )
    return full


def _staff_queue(
    volume: np.ndarray,
    aht_s: np.ndarray,
    starts: pl.Series,
    queue: Queue,
    center: Center,
    basis: ServiceLevelBasis,
) -> dict[str, np.ndarray]:
    """One queue's requirement columns (NaN where a figure does not apply)."""
    # Closed or empty intervals may lack an AHT; any positive value gives them zero agents.
    aht = np.where(np.isnan(aht_s), 1.0, aht_s)
    none = np.full(volume.size, np.nan)
    if queue.is_deferred:
        target_h = queue.target.response_target_h
        assert target_h is not None
        plan = deferred_agents(
            volume,
            aht_s=aht,
            interval_s=float(center.interval_s),
            response_target_s=target_h * 3600.0,
            open_mask=open_mask(queue, starts, center.tz).to_numpy(),
            max_occupancy_frac=center.max_occupancy_frac,
        )
        if plan.backlog_end_s > 0:
            logger.info(
                "queue %s: %.0f agent-seconds of work not yet due at the end of the horizon",
                queue.id,
                plan.backlog_end_s,
            )
        agents, workload = plan.agents, plan.workload_erl
        service_level, asa_s, abandon, occupancy = none, none, none, plan.occupancy
    else:
        target = staffing_target(queue, center)
        try:
            fig = agents_required(
                volume,
                aht_s=aht,
                interval_s=float(center.interval_s),
                target=target,
                patience_s=queue.patience_s,
                concurrency=queue.concurrency,
                service_level_basis=basis,
            )
        except StaffingError as exc:
            raise StaffingError(f"queue {queue.id}: {exc}") from None
        agents, workload = fig.agents, fig.workload_erl
        service_level = fig.service_level if target.service_level_frac is not None else none
        asa_s, abandon = fig.asa_s, fig.abandon_rate
        occupancy = np.where(agents > 0, fig.occupancy, np.nan)
    return {
        "workload_erl": workload,
        "agents_net": agents.astype(np.int64),
        "agents_gross": agents / (1.0 - center.shrinkage_for(queue.id)),
        "service_level": service_level,
        "asa_s": asa_s,
        "abandon_rate": abandon,
        "occupancy": occupancy,
    }


def requirements_from_frame(
    frame: pl.DataFrame,
    center: Center,
    *,
    service_level_basis: ServiceLevelBasis = "offered",
) -> pl.DataFrame:
    """Agents needed per queue x interval for a forecast or history frame.

    A forecast gives `volume` and `aht_s`; a history gives `offered` (used as the volume:
    "what would this volume have needed") and `aht_s`. A missing AHT is filled with the
    queue's configured `aht_s`. Every queue in the input gets its full interval grid over the
    local days the input covers; absent intervals have zero volume and need zero agents.

    Args:
        frame: a forecast or history frame (interval_start UTC-aware).
        center: the center configuration (targets, patience, concurrency, shrinkage, hours).
        service_level_basis: service-level definition for Erlang A queues (see erlang_a).

    Returns:
        The requirements table (columns REQUIREMENT_COLUMNS), sorted by queue and interval.
        service_level is null for queues without a service-level target, abandon_rate for
        Erlang C queues, service_level / asa_s / abandon_rate for deferred queues, and
        occupancy where no agent is needed.

    Raises:
        StaffingError: an unknown queue, a negative volume, a missing AHT, a bad target.
    """
    rows = _prepare(frame, center)
    if rows.is_empty():
        raise StaffingError("the input has no rows")
    dates = _local_dates(rows, center)
    first, last = dates.min(), dates.max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    present = set(rows["queue_id"].unique().to_list())
    queues = [queue for queue in center.queues if queue.id in present]
    full = _full_grid(rows, queues, center, first, last)
    volume = full["volume"].to_numpy()
    aht = full["aht_s"].to_numpy().astype(np.float64)
    n_per_queue = full.height // len(queues)
    starts = full["interval_start"][:n_per_queue]
    parts = [
        _staff_queue(
            volume[k * n_per_queue : (k + 1) * n_per_queue],
            aht[k * n_per_queue : (k + 1) * n_per_queue],
            starts,
            queue,
            center,
            service_level_basis,
        )
        for k, queue in enumerate(queues)
    ]
    columns = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    table = pl.DataFrame(
        {
            "queue_id": full["queue_id"],
            "interval_start": full["interval_start"],
            "volume": volume,
            "aht_s": full["aht_s"],
        }
        | columns,
        schema=REQUIREMENT_COLUMNS,
    ).with_columns(
        pl.col(name).fill_nan(None)
        for name in ("service_level", "asa_s", "abandon_rate", "occupancy")
    )
    return table.sort("queue_id", "interval_start")


def summarize_requirements(requirements: pl.DataFrame, center: Center) -> pl.DataFrame:
    """Per queue and local day: volume, workload and agent hours, peak agents, SL, abandonment.

    Service level and abandonment are volume-weighted means over the day (null when the
    queue reports none).
    """
    interval_h = center.interval_s / 3600.0
    weighted = (pl.col("volume") * pl.col("service_level")).sum() / pl.col("volume").filter(
        pl.col("service_level").is_not_null()
    ).sum()
    weighted_ab = (pl.col("volume") * pl.col("abandon_rate")).sum() / pl.col("volume").filter(
        pl.col("abandon_rate").is_not_null()
    ).sum()
    return (
        requirements.with_columns(
            pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().alias("date")
        )
        .group_by("queue_id", "date")
        .agg(
            pl.col("volume").sum(),
            (pl.col("workload_erl").sum() * interval_h).alias("workload_h"),
            (pl.col("agents_net").sum() * interval_h).alias("agent_h_net"),
            (pl.col("agents_gross").sum() * interval_h).alias("agent_h_gross"),
            pl.col("agents_net").max().alias("peak_agents_net"),
            weighted.alias("service_level"),
            weighted_ab.alias("abandon_rate"),
        )
        .with_columns(pl.col("service_level", "abandon_rate").fill_nan(None))
        .sort("queue_id", "date")
    )

"""Per-call records into the history and arrivals tables (`wfm data import-calls`).

A call-records export has one row per call (or, with a `count` column, per group of calls)
and no row where no call came: every open interval of a day that has records is therefore
zero unless calls say otherwise. A local day with no record at all although a queue is open is
a data gap: it gets no rows, so the history loader and forecasting read it as missing, never
as zeros. Calls are placed on the center's interval grid (`wfm.grid`, local time, 92 or 100
quarter-hours on daylight-saving days). Nothing is dropped without being counted by reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from wfm.call_mapping import CallMapping
from wfm.center import Center
from wfm.errors import DataError, DataIssue
from wfm.grid import date_runs, grid, open_mask
from wfm.loaders import SCHEMAS, table_columns
from wfm.tables import ROW, Column, IssueLog, TableSchema, read_table

__all__ = ["CallImport", "count_calls", "read_call_records"]

_TIME = "__arrival"


@dataclass(frozen=True)
class CallImport:
    """What an import made and how every record was counted.

    Attributes:
        history: the history table (every open interval of the days with records; rows for
            closed intervals only where calls came).
        arrivals: one row per counted call (queue_id, ts, aht_s), or None for an export of
            counts (`count` in the mapping).
        tally: (what, calls) in reading order: read, counted answered and abandoned, then
            each reason a call was left out.
        gaps: runs of local days (first, last) with no record at all although a queue is open.
        outside_open: counted calls that came while their queue was closed, per queue.
    """

    history: pl.DataFrame
    arrivals: pl.DataFrame | None
    tally: list[tuple[str, int]]
    gaps: list[tuple[dt.date, dt.date]]
    outside_open: dict[str, int]


def _schema(mapping: CallMapping, time_name: str) -> TableSchema:
    columns = [Column(time_name, "datetime")]
    for name in (mapping.queue.column, mapping.outcome.column):
        if name is not None:
            columns.append(Column(name, "str"))
    for name in (mapping.wait_s, mapping.talk_s, mapping.wrap_s):
        if name is not None:
            columns.append(Column(name, "float", nullable=True, min_value=0.0))
    if mapping.count is not None:
        columns.append(Column(mapping.count, "int", min_value=0.0))
    return TableSchema("call records", tuple(columns))


def _check_codes(
    frame: pl.DataFrame, column: str, known: dict[str, object], field: str, log: IssueLog
) -> None:
    unknown = (
        frame.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(list(known)))
        .group_by(column)
        .agg(pl.col(ROW).min(), pl.len())
        .sort(ROW)
    )
    for code, row, n in unknown.head(20).iter_rows():
        log.add(
            row,
            column,
            f"unknown code {code!r} ({n:,} row(s), the first here); add it to {field} "
            "in the mapping file",
        )


def read_call_records(path: str | Path, mapping: CallMapping, center: Center) -> pl.DataFrame:
    """Read the mapped columns of a call-records file (other columns are never read).

    Returns a frame of `__row` (1-based data row), `ts` (UTC), `queue_id` (None: a queue the
    mapping leaves out), `outcome` (answered, abandoned or the reason it is not counted),
    `n` (calls the row stands for), `wait_s`, `talk_s`, `wrap_s` (null where not mapped).

    Raises:
        DataError: a mapped column is missing, a cell does not parse, a timestamp does not
            exist locally, or a queue or outcome code is not in the mapping (file, line and
            column named).
    """
    path = Path(path)
    present = table_columns(path)
    missing = [
        DataIssue(None, column, f"not in the file, but the mapping's {field} names it")
        for column, field in mapping.columns.items()
        if column not in present
    ]
    if missing:
        raise DataError(path, missing)
    wanted = list(mapping.columns)
    if path.suffix.lower() == ".csv":
        raw = pl.read_csv(path, infer_schema=False, null_values=[""], columns=wanted)
    else:
        raw = pl.read_parquet(path, columns=wanted)
    if raw.height == 0:
        raise DataError(path, [DataIssue(None, None, "no call records: the file has no rows")])
    arrival = mapping.arrival
    time_name = arrival.timestamp or f"{arrival.date}+{arrival.time}"
    if arrival.timestamp is None:
        raw = raw.with_columns(
            pl.concat_str(
                [
                    pl.col(str(arrival.date)).cast(pl.String),
                    pl.col(str(arrival.time)).cast(pl.String),
                ],
                separator=" ",
            ).alias(time_name)
        ).drop(str(arrival.date), str(arrival.time))
    log = IssueLog(path)
    frame, log = read_table(
        raw, _schema(mapping, time_name), tz=mapping.source_tz(center), log=log, in_file_order=True
    )
    queue, outcome = mapping.queue, mapping.outcome
    if queue.column is not None:
        _check_codes(frame, queue.column, queue.codes, "queue.codes", log)
    if outcome.column is not None:
        _check_codes(
            frame,
            outcome.column,
            outcome.codes,
            "outcome (answered, abandoned or not_counted)",
            log,
        )
    log.raise_if_errors()

    def number(name: str | None) -> pl.Expr:
        return pl.col(name) if name is not None else pl.lit(None, pl.Float64)

    return frame.select(
        ROW,
        pl.col(time_name).alias("ts"),
        (
            pl.col(queue.column).replace_strict(queue.codes, return_dtype=pl.String)
            if queue.column is not None
            else pl.lit(queue.value, pl.String)
        ).alias("queue_id"),
        (
            pl.col(outcome.column).replace_strict(outcome.codes, return_dtype=pl.String)
            if outcome.column is not None
            else pl.lit(outcome.value, pl.String)
        ).alias("outcome"),
        (pl.col(mapping.count) if mapping.count else pl.lit(1, pl.Int64)).alias("n"),
        number(mapping.wait_s).alias("wait_s"),
        number(mapping.talk_s).alias("talk_s"),
        number(mapping.wrap_s).alias("wrap_s"),
    )


def _interval_frame(
    center: Center, queue_ids: list[str], first: dt.date, end: dt.date
) -> pl.DataFrame:
    """Every interval of the local days [first, end) per queue, with whether it is open."""
    starts = grid(first, end, center.tz, center.interval_s)
    parts = [
        pl.DataFrame(
            {
                "queue_id": pl.Series([q] * len(starts), dtype=pl.String),
                "interval_start": starts,
                "open": open_mask(center.queue(q), starts, center.tz),
            }
        )
        for q in queue_ids
    ]
    return pl.concat(parts)


def count_calls(records: pl.DataFrame, mapping: CallMapping, center: Center) -> CallImport:
    """Count the records of `read_call_records` (at least one) per queue and interval.

    Offered = answered + abandoned; `aht_s` = mean talk + wrap seconds of answered calls with
    a talk time; with wait seconds, `asa_s` is the answered calls' mean wait and
    `service_level` the answered within the queue's `answer_within_s` over offered (the
    staffing engine's default basis).
    """
    tz = center.tz
    queue_ids = mapping.queue.queue_ids
    tally: list[tuple[str, int]] = [("calls read", int(records["n"].sum()))]
    local_day = pl.col("ts").dt.convert_time_zone(center.timezone).dt.date()
    record_days = set(records.select(local_day.unique()).to_series().to_list())
    first, last = min(record_days), max(record_days)
    end = last + dt.timedelta(days=1)
    cells = _interval_frame(center, queue_ids, first, end)
    open_days = set(
        cells.filter("open")
        .select(pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().unique())
        .to_series()
        .to_list()
    )
    gap_days = sorted(open_days - record_days)

    counted = records.filter(
        pl.col("queue_id").is_not_null() & pl.col("outcome").is_in(["answered", "abandoned"])
    )
    for outcome in ("answered", "abandoned"):
        tally.append(
            (f"counted {outcome}", int(counted.filter(pl.col("outcome") == outcome)["n"].sum()))
        )
    left_out = records.filter(pl.col("queue_id").is_null())
    if left_out.height:
        tally.append(
            ("dropped: queue not imported (null in queue.codes)", int(left_out["n"].sum()))
        )
    reasons = (
        records.filter(
            pl.col("queue_id").is_not_null() & ~pl.col("outcome").is_in(["answered", "abandoned"])
        )
        .group_by("outcome")
        .agg(pl.col("n").sum())
        .sort("outcome")
    )
    for reason, n in reasons.iter_rows():
        tally.append((f"dropped: not counted ({reason})", int(n)))

    starts = grid(first, end, tz, center.interval_s)
    edges = starts.dt.epoch("us").to_numpy()
    held = np.searchsorted(edges, counted["ts"].dt.epoch("us").to_numpy(), side="right") - 1
    counted = counted.with_columns(pl.Series("interval_start", starts.gather(held)))
    answered = pl.col("outcome") == "answered"
    work = pl.col("talk_s") + pl.col("wrap_s").fill_null(0.0)
    timed = answered & pl.col("talk_s").is_not_null()
    waited = answered & pl.col("wait_s").is_not_null()
    within = pl.col("queue_id").replace_strict(
        {q.id: q.target.answer_within_s for q in center.queues},
        default=None,
        return_dtype=pl.Float64,
    )
    n = pl.col("n")
    sums = counted.group_by("queue_id", "interval_start").agg(
        n.sum().alias("offered"),
        n.filter(answered).sum().alias("handled"),
        n.filter(~answered).sum().alias("abandoned"),
        (work * n).filter(timed).sum().alias("__work_s"),
        n.filter(timed).sum().alias("__timed"),
        (pl.col("wait_s") * n).filter(waited).sum().alias("__wait_s"),
        n.filter(waited).sum().alias("__waited"),
        n.filter(waited & (pl.col("wait_s") <= within)).sum().alias("__within"),
        within.first().alias("__target_s"),
    )
    keep = cells.filter(
        pl.col("open")
        & ~pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().is_in(gap_days)
    ).select("queue_id", "interval_start")
    keys = pl.concat([keep, sums.select("queue_id", "interval_start")]).unique()
    history = keys.join(sums, on=["queue_id", "interval_start"], how="left").with_columns(
        pl.col("offered", "handled", "abandoned").fill_null(0).cast(pl.Int64)
    )
    history = history.with_columns(
        pl.when(pl.col("__timed") > 0).then(pl.col("__work_s") / pl.col("__timed")).alias("aht_s")
    )
    columns = ["queue_id", "interval_start", "offered", "handled", "abandoned", "aht_s"]
    if mapping.wait_s is not None:
        all_waited = (pl.col("__waited") == pl.col("handled")) & (pl.col("offered") > 0)
        history = history.with_columns(
            pl.when(all_waited & pl.col("__target_s").is_not_null())
            .then(pl.col("__within") / pl.col("offered"))
            .alias("service_level"),
            pl.when(pl.col("__waited") > 0)
            .then(pl.col("__wait_s") / pl.col("__waited"))
            .alias("asa_s"),
        )
        columns += ["service_level", "asa_s"]
    history = history.select(columns).sort("queue_id", "interval_start")
    dtypes = SCHEMAS["history"].dtypes
    history = history.cast({name: dtypes[name] for name in columns})

    is_open = cells.select("queue_id", "interval_start", "open")
    closed = counted.join(is_open, on=["queue_id", "interval_start"], how="left").filter(
        ~pl.col("open")
    )
    outside = {
        q: int(n)
        for q, n in closed.group_by("queue_id").agg(pl.col("n").sum()).sort("queue_id").iter_rows()
    }

    arrivals = None
    if mapping.count is None:
        arrivals = counted.select(
            "queue_id",
            "ts",
            pl.when(timed).then(work).alias("aht_s"),
        ).sort("ts", "queue_id", maintain_order=True)
    return CallImport(history, arrivals, tally, date_runs(gap_days), outside)

"""Contact arrivals for the simulator: from interval volumes or from actual timestamps.

Three sources, told apart by their columns:

- a forecast or requirements table (`volume`, an expected count): each queue x interval gets
  a Poisson number of contacts, spread uniformly over the interval (a Poisson process with a
  constant rate within each interval);
- a history table (`offered`, an actual count): exactly that many contacts per interval,
  spread uniformly (the Poisson process conditioned on its count), so a replay of a past week
  keeps its true volumes;
- an arrivals table (`queue_id, ts`, optional `aht_s`): the actual arrival instants.

Each contact also gets a handle time (drawn around its interval's AHT, or the queue's planning
`aht_s` where the table has none) and a patience (exponential with mean `patience_s` of its
queue; infinite for deferred queues and for queues without a patience, which then never
abandon, as in Erlang C).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from numpy.typing import NDArray

from wfm.center import Center
from wfm.errors import DataError, DataIssue
from wfm.grid import grid, local_midnight_utc
from wfm.loaders import (
    load_arrival_times,
    load_forecast,
    load_history,
    load_requirements,
    table_columns,
)
from wfm.simulation.handle_times import HandleTimeModel

__all__ = [
    "ArrivalPlan",
    "Contacts",
    "arrival_plan",
    "arrivals_between",
    "load_arrivals",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Contacts:
    """One replication's contacts, sorted by arrival (seconds after the plan's origin).

    Attributes:
        arrival_s: arrival instant, seconds after the origin.
        queue: queue index (into `ArrivalPlan.queue_ids`).
        handle_s: handle time, seconds (> 0).
        patience_s: time the contact waits before hanging up, seconds (inf = never).
    """

    arrival_s: FloatArray
    queue: IntArray
    handle_s: FloatArray
    patience_s: FloatArray

    def __len__(self) -> int:
        return len(self.arrival_s)


@dataclass(frozen=True)
class ArrivalPlan:
    """What to draw contacts from, on the center's interval grid (`wfm.grid`: aligned in local
    time from the local midnight of the first arrival's day).

    The grid's intervals are all `interval_s` long in UTC (a daylight-saving day has fewer or
    more of them, not shorter or longer ones), so interval j starts `j * interval_s` seconds
    after the origin: the event loop and the tallies (`wfm.simulation.results`) count seconds
    from the origin on that footing.

    Attributes:
        queue_ids: the center's queues; indices below refer to this order.
        interval_starts: UTC starts of the grid's intervals from the one holding the first
            arrival to the one holding the last; interval indices below refer to this order.
        interval_s: interval length, seconds.
        cell_queue, cell_interval: the queue x interval cells the input covers (report rows).
        cell_count: expected count (Poisson mode) or exact count per cell; None for timestamps.
        poisson: True when counts are expectations to draw from, False when they are exact.
        cell_aht_s: mean handle time per cell, seconds.
        ts_s, ts_queue, ts_aht_s: the actual arrivals (timestamp mode), else None.
    """

    queue_ids: tuple[str, ...]
    interval_starts: pl.Series
    interval_s: int
    cell_queue: IntArray
    cell_interval: IntArray
    cell_aht_s: FloatArray
    cell_count: FloatArray | None = None
    poisson: bool = True
    ts_s: FloatArray | None = None
    ts_queue: IntArray | None = None
    ts_aht_s: FloatArray | None = None

    @property
    def origin(self) -> dt.datetime:
        """UTC instant of second 0: the start of the interval holding the first arrival."""
        return self.interval_starts[0]

    @property
    def n_intervals(self) -> int:
        """Intervals from the origin to the last one with contacts."""
        return len(self.interval_starts)

    def draw(
        self,
        rng: np.random.Generator,
        *,
        handle_times: HandleTimeModel,
        mean_patience_s: FloatArray,
    ) -> Contacts:
        """Draw one replication's contacts.

        Args:
            rng: the replication's random generator.
            handle_times: the handle-time law.
            mean_patience_s: mean patience per queue index, seconds (inf = never abandons).
        """
        if self.ts_s is not None:
            arrival_s, queue, aht_s = self.ts_s, self.ts_queue, self.ts_aht_s
        else:
            if self.poisson:
                counts = rng.poisson(self.cell_count)
            else:
                counts = self.cell_count.astype(np.int64)
            cell = np.repeat(np.arange(len(counts)), counts)
            arrival_s = (self.cell_interval[cell] + rng.random(len(cell))) * self.interval_s
            queue, aht_s = self.cell_queue[cell], self.cell_aht_s[cell]
        order = np.argsort(arrival_s, kind="stable")
        arrival_s, queue, aht_s = arrival_s[order], queue[order], aht_s[order]
        handle_s = handle_times.draw(aht_s, rng)
        mean_pat = mean_patience_s[queue]
        finite = np.isfinite(mean_pat)
        patience_s = np.full(len(queue), math.inf)
        patience_s[finite] = rng.exponential(1.0, size=int(finite.sum())) * mean_pat[finite]
        return Contacts(arrival_s, queue.astype(np.int64), handle_s, patience_s)


def _aht_for(frame: pl.DataFrame, center: Center, source: Path) -> FloatArray:
    planning = pl.col("queue_id").replace_strict(
        {q.id: q.aht_s for q in center.queues}, return_dtype=pl.Float64, default=None
    )
    own = pl.col("aht_s") if "aht_s" in frame.columns else pl.lit(None, dtype=pl.Float64)
    aht = frame.select(pl.when(own > 0).then(own).otherwise(planning).alias("aht_s"))["aht_s"]
    missing = frame.filter(aht.is_null())["queue_id"].unique().sort().to_list()
    if missing:
        raise DataError(
            source,
            [
                DataIssue(None, "aht_s", f"queue {q} has rows without aht_s and no planning aht_s")
                for q in missing
            ],
        )
    return aht.to_numpy().astype(np.float64)


def arrival_plan(
    frame: pl.DataFrame, center: Center, *, source: str | Path = "arrivals"
) -> ArrivalPlan:
    """Build an arrival plan from a loaded forecast, requirements, history or arrivals frame.

    Args:
        frame: a frame as the loaders return it (see the module docstring for the three kinds).
        center: the center (queues, interval, planning AHTs).
        source: the file the frame came from, named in errors.

    Raises:
        DataError: no rows, or a queue without any AHT.
    """
    source = Path(source)
    if frame.height == 0:
        raise DataError(source, [DataIssue(None, None, "no arrivals: the table is empty")])
    queue_ids = tuple(center.queue_ids)
    index = {q: i for i, q in enumerate(queue_ids)}
    interval_s = center.interval_s
    time_col = "ts" if "ts" in frame.columns else "interval_start"
    times_us = frame[time_col].dt.epoch("us")
    first_day = center.local_date(frame[time_col].min())
    end_day = center.local_date(frame[time_col].max()) + dt.timedelta(days=1)
    starts = grid(first_day, end_day, center.tz, interval_s)
    # The grid interval holding each arrival, counted from the one holding the first.
    held = np.searchsorted(starts.dt.epoch("us").to_numpy(), times_us.to_numpy(), side="right") - 1
    first, last = int(held.min()), int(held.max())
    interval = (held - first).astype(np.int64)
    interval_starts = starts.slice(first, last - first + 1)
    origin_us = interval_starts.dt.epoch("us")[0]
    seconds = ((times_us - origin_us).cast(pl.Float64) / 1_000_000).to_numpy()
    queue = frame["queue_id"].replace_strict(index, return_dtype=pl.Int64).to_numpy()
    aht_s = _aht_for(frame, center, source)
    if time_col == "ts":
        n_intervals = len(interval_starts)
        cells = np.unique(queue * n_intervals + interval)
        return ArrivalPlan(
            queue_ids=queue_ids,
            interval_starts=interval_starts,
            interval_s=interval_s,
            cell_queue=cells // n_intervals,
            cell_interval=cells % n_intervals,
            cell_aht_s=np.full(len(cells), math.nan),
            ts_s=seconds,
            ts_queue=queue,
            ts_aht_s=aht_s,
        )
    poisson = "volume" in frame.columns
    counts = frame["volume" if poisson else "offered"].cast(pl.Float64).to_numpy()
    return ArrivalPlan(
        queue_ids=queue_ids,
        interval_starts=interval_starts,
        interval_s=interval_s,
        cell_queue=queue,
        cell_interval=interval,
        cell_aht_s=aht_s,
        cell_count=counts,
        poisson=poisson,
    )


def arrivals_between(
    frame: pl.DataFrame, center: Center, *, start: dt.date, end: dt.date
) -> pl.DataFrame:
    """The rows of an arrivals frame on local days `start` (inclusive) to `end` (exclusive).

    Used to cut a long history (years) down to the days a schedule covers.
    """
    column = "ts" if "ts" in frame.columns else "interval_start"
    lo, hi = local_midnight_utc(start, center.tz), local_midnight_utc(end, center.tz)
    return frame.filter((pl.col(column) >= lo) & (pl.col(column) < hi))


def load_arrivals(path: str | Path, center: Center) -> pl.DataFrame:
    """Load the arrivals input of a simulation, whichever of the accepted tables it is.

    `ts` -> actual arrivals (queue_id, ts, optional aht_s); `volume_lo` -> forecast;
    `agents_net` -> requirements; `offered` -> history. Each goes through its own loader.

    Raises:
        DataError: unknown kind of table, or the table's own validation issues.
    """
    path = Path(path)
    columns = set(table_columns(path))
    if "ts" in columns:
        return load_arrival_times(path, center)
    if "volume_lo" in columns:
        return load_forecast(path, center)
    if "agents_net" in columns:
        return load_requirements(path, center)
    if "offered" in columns:
        return load_history(path, center)
    raise DataError(
        path,
        [
            DataIssue(
                None,
                None,
                "not an arrivals table: expected a forecast (volume), requirements (volume), "
                "history (offered) or actual arrivals (queue_id, ts)",
            )
        ],
    )

"""Tallies of one replication and their roll-ups over replications, with confidence intervals.

Definitions (matching the staffing engine's defaults, `wfm.staffing`):

- offered: contacts arriving in the interval (a contact belongs to its arrival interval);
  offered = answered + abandoned + unserved (unserved: still waiting when the simulation ran
  out of agents; only deferred queues, which never abandon, can have them).
- service_level: answered within the queue's threshold / offered. The threshold is
  `answer_within_s` for real-time queues and `response_target_h` for deferred ones; a queue
  with neither (an ASA-only target) has no service level.
- asa_s: mean wait of answered contacts, seconds. p_wait: share of offered that waited at all.
- abandon_rate: abandoned / offered.
- occupancy: agent time busy on the queue (a chat counts 1/concurrency of an agent) / agent
  time available for it. An agent skilled for several queues counts as available for each, so
  per-queue occupancy of multi-skilled staff reads low; a contact finished into a break counts
  as busy time beyond the scheduled time.

Each replication yields one figure per row; the tables give the mean over replications and a
95 % confidence interval (Student t over the replications' figures; NaN replications, e.g. an
interval without contacts, are left out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from wfm.simulation.arrivals import Contacts
from wfm.simulation.engine import Outcome
from wfm.simulation.shifts import WorkSegments

__all__ = ["COUNTS", "RATIOS", "Tally", "spread_over_intervals", "summarise", "tally"]

FloatArray = NDArray[np.float64]

COUNTS = ("offered", "answered", "abandoned", "unserved")
# ratio name -> (numerator tally, denominator tally)
RATIOS = {
    "service_level": ("answered_within", "offered"),
    "asa_s": ("wait_s", "answered"),
    "p_wait": ("waited", "offered"),
    "abandon_rate": ("abandoned", "offered"),
    "occupancy": ("busy_s", "staffed_s"),
}


@dataclass(frozen=True)
class Tally:
    """Sums of one replication per queue x interval (arrays of shape (n_queues, n_intervals))."""

    sums: dict[str, FloatArray]


def spread_over_intervals(
    row: NDArray[np.int64],
    start_s: FloatArray,
    end_s: FloatArray,
    *,
    n_rows: int,
    n_intervals: int,
    interval_s: float,
    weight: FloatArray | None = None,
) -> FloatArray:
    """Seconds of each [start, end) stretch that fall in each interval, summed per row.

    Time before 0 or after the last interval is left out.
    """
    out = np.zeros((n_rows, n_intervals))
    weight = np.ones(len(row)) if weight is None else weight
    first = np.floor(np.maximum(start_s, 0.0) / interval_s).astype(np.int64)
    k = 0
    alive = end_s > np.maximum(start_s, 0.0)
    while alive.any():
        j = first + k
        lo = np.maximum(start_s, j * interval_s)
        hi = np.minimum(end_s, (j + 1) * interval_s)
        use = alive & (hi > lo) & (j < n_intervals)
        np.add.at(out, (row[use], j[use]), (hi - lo)[use] * weight[use])
        alive &= (end_s > (j + 1) * interval_s) & (j + 1 < n_intervals)
        k += 1
    return out


def tally(
    contacts: Contacts,
    outcome: Outcome,
    segments: WorkSegments,
    *,
    n_queues: int,
    n_intervals: int,
    interval_s: float,
    threshold_s: FloatArray,
    concurrency: FloatArray,
) -> Tally:
    """Sum one replication per queue x interval.

    Args:
        contacts: the replication's contacts.
        outcome: what happened to them.
        segments: the agents' work segments (for available time).
        n_queues, n_intervals, interval_s: the grid; interval j starts j * interval_s
            seconds after the origin (see `ArrivalPlan`).
        threshold_s: service-level threshold per queue, seconds (NaN: no service level).
        concurrency: contacts an agent may hold at once, per queue.
    """
    shape = (n_queues, n_intervals)
    q = contacts.queue
    j = np.minimum((contacts.arrival_s // interval_s).astype(np.int64), n_intervals - 1)
    answered = ~np.isnan(outcome.answer_s)
    wait_s = np.where(answered, outcome.answer_s - contacts.arrival_s, 0.0)
    abandoned = ~answered & np.isfinite(contacts.patience_s)
    within = answered & (wait_s <= threshold_s[q])
    waited = ~answered | (wait_s > 0)

    def count(mask: NDArray[np.bool_], values: FloatArray | None = None) -> FloatArray:
        out = np.zeros(shape)
        np.add.at(out, (q[mask], j[mask]), 1.0 if values is None else values[mask])
        return out

    sums = {
        "offered": count(np.ones(len(q), dtype=bool)),
        "answered": count(answered),
        "abandoned": count(abandoned),
        "unserved": count(~answered & ~abandoned),
        "answered_within": count(within),
        "waited": count(waited),
        "wait_s": count(answered, wait_s),
    }
    no_threshold = np.isnan(threshold_s)
    sums["answered_within"][no_threshold, :] = np.nan
    sums["busy_s"] = spread_over_intervals(
        q[answered],
        outcome.answer_s[answered],
        outcome.answer_s[answered] + contacts.handle_s[answered],
        n_rows=n_queues,
        n_intervals=n_intervals,
        interval_s=interval_s,
        weight=1.0 / concurrency[q[answered]],
    )
    seg_rows = [(k, qq) for k, serves in enumerate(segments.queues) for qq in serves]
    seg = np.array([k for k, _ in seg_rows], dtype=np.int64)
    sums["staffed_s"] = spread_over_intervals(
        np.array([qq for _, qq in seg_rows], dtype=np.int64),
        segments.start_s[seg],
        segments.end_s[seg],
        n_rows=n_queues,
        n_intervals=n_intervals,
        interval_s=interval_s,
    )
    return Tally(sums)


def summarise(sums: dict[str, FloatArray], *, level: float = 0.95) -> dict[str, FloatArray]:
    """Means and confidence bounds over replications.

    Args:
        sums: tally name -> array (n_replications, n_rows) of per-replication sums per row.
        level: confidence level of the interval.

    Returns:
        Columns per row: each count's mean; each ratio's mean with `<ratio>_lo`, `<ratio>_hi`
        (NaN where fewer than two replications have the ratio defined); `staffed_s` mean.
    """
    out: dict[str, FloatArray] = {name: sums[name].mean(axis=0) for name in COUNTS}
    out["staffed_s"] = sums["staffed_s"].mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, (num, den) in RATIOS.items():
            per_rep = np.where(sums[den] > 0, sums[num] / sums[den], np.nan)
            n_ok = (~np.isnan(per_rep)).sum(axis=0)
            mean = np.full(per_rep.shape[1], np.nan)
            half = np.full(per_rep.shape[1], np.nan)
            has = n_ok > 0
            mean[has] = np.nanmean(per_rep[:, has], axis=0)
            two = n_ok > 1
            if two.any():
                sd = np.nanstd(per_rep[:, two], axis=0, ddof=1)
                half[two] = stats.t.ppf(0.5 + level / 2, n_ok[two] - 1) * sd / np.sqrt(n_ok[two])
            out[name] = mean
            out[f"{name}_lo"] = mean - half
            out[f"{name}_hi"] = mean + half
    return out

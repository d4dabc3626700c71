"""Simulate a schedule against arrivals: replications, tallies and the result tables."""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.errors import ConfigError
from wfm.simulation.arrivals import arrival_plan
from wfm.simulation.engine import QueueRules, run_events
from wfm.simulation.handle_times import HandleTimeModel
from wfm.simulation.results import COUNTS, RATIOS, summarise, tally
from wfm.simulation.shifts import work_segments

__all__ = ["SimulationResult", "simulate"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimulationResult:
    """The simulated service of a schedule.

    Attributes:
        intervals: per queue x interval (the input's cells): mean counts, ratios with 95 %
            CI bounds (`_lo`, `_hi`), `staffed_agents`, and the queue's targets.
        days: the same per queue x local day (`staffed_h` instead of `staffed_agents`).
        summary: the same per queue over the whole horizon.
        n_replications: replications run.
        n_contacts: mean contacts per replication.
        wall_s_per_replication: mean wall time of one replication (draw, event loop, tally).
    """

    intervals: pl.DataFrame
    days: pl.DataFrame
    summary: pl.DataFrame
    n_replications: int
    n_contacts: float
    wall_s_per_replication: float


def _threshold_s(center: Center) -> np.ndarray:
    out = []
    for q in center.queues:
        if q.target.response_target_h is not None:
            out.append(q.target.response_target_h * 3600.0)
        elif q.target.answer_within_s is not None:
            out.append(float(q.target.answer_within_s))
        else:
            out.append(math.nan)
    return np.array(out)


def _targets(center: Center) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "queue_id": center.queue_ids,
            "target_service_level": [
                1.0 if q.is_deferred else q.target.service_level_frac for q in center.queues
            ],
            "threshold_s": _threshold_s(center).tolist(),
            "target_asa_s": [q.target.max_asa_s for q in center.queues],
            "target_abandon_rate": [q.target.max_abandon_frac for q in center.queues],
        },
        schema_overrides={
            "target_service_level": pl.Float64,
            "target_asa_s": pl.Float64,
            "target_abandon_rate": pl.Float64,
        },
    ).with_columns(pl.col("threshold_s").fill_nan(None))


def _table(
    keys: dict[str, object], per_rep: dict[str, np.ndarray], staffed_name: str, staffed_div: float
) -> pl.DataFrame:
    cols = summarise(per_rep)
    frame = pl.DataFrame(keys)
    ratio_cols = [c for name in RATIOS for c in (name, f"{name}_lo", f"{name}_hi")]
    return frame.with_columns(
        *[pl.Series(name, cols[name]) for name in COUNTS],
        *[pl.Series(name, cols[name]).fill_nan(None) for name in ratio_cols],
        pl.Series(staffed_name, cols["staffed_s"] / staffed_div),
    )


def simulate(
    schedule: pl.DataFrame,
    arrivals: pl.DataFrame,
    center: Center,
    *,
    roster: pl.DataFrame | None = None,
    replications: int = 10,
    seed: int = 0,
    handle_times: HandleTimeModel | None = None,
    on_replication: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Simulate the schedule's service of the arrivals, `replications` times.

    Args:
        schedule: a loaded schedule (agent_id, activity, start, end, queue_id).
        arrivals: a loaded forecast, requirements, history or arrivals table (see
            `wfm.simulation.arrivals`).
        center: the center (queues, targets, priorities, patience, concurrency).
        roster: a loaded roster, for the skills of work rows without a queue_id.
        replications: independent replications (>= 1; 2+ for confidence intervals).
        seed: seed of the whole run; replication k uses the k-th child of this seed.
        handle_times: the handle-time law (default lognormal, cv 1).
        on_replication: called with (done, total) after each replication.

    Raises:
        ConfigError: replications < 1.
        DataError: see `arrival_plan` and `work_segments`.
    """
    if replications < 1:
        raise ConfigError("replications must be >= 1")
    handle_times = handle_times or HandleTimeModel()
    plan = arrival_plan(arrivals, center)
    segments = work_segments(schedule, plan.queue_ids, origin=plan.origin, roster=roster)
    rules = QueueRules(
        priority=tuple(q.priority for q in center.queues),
        concurrency=tuple(q.concurrency for q in center.queues),
    )
    patience = np.array(
        [math.inf if q.is_deferred or q.patience_s is None else q.patience_s for q in center.queues]
    )
    threshold_s = _threshold_s(center)
    concurrency = np.array(rules.concurrency, dtype=np.float64)
    n_queues, n_int, interval_s = len(plan.queue_ids), plan.n_intervals, plan.interval_s

    reps: list[dict[str, np.ndarray]] = []
    n_contacts, wall_s = 0, 0.0
    for k, child in enumerate(np.random.SeedSequence(seed).spawn(replications)):
        started = time.perf_counter()
        rng = np.random.default_rng(child)
        contacts = plan.draw(rng, handle_times=handle_times, mean_patience_s=patience)
        outcome = run_events(contacts, segments, rules)
        reps.append(
            tally(
                contacts,
                outcome,
                segments,
                n_queues=n_queues,
                n_intervals=n_int,
                interval_s=interval_s,
                threshold_s=threshold_s,
                concurrency=concurrency,
            ).sums
        )
        wall_s += time.perf_counter() - started
        n_contacts += len(contacts)
        logger.info("replication %d/%d: %d contacts", k + 1, replications, len(contacts))
        if on_replication is not None:
            on_replication(k + 1, replications)
    stacked = {name: np.stack([r[name] for r in reps]) for name in reps[0]}  # (R, Q, I)

    starts = [plan.origin + dt.timedelta(seconds=j * interval_s) for j in range(n_int)]
    cq, ci = plan.cell_queue, plan.cell_interval
    intervals = _table(
        {
            "queue_id": [plan.queue_ids[i] for i in cq],
            "interval_start": pl.Series([starts[j] for j in ci], dtype=pl.Datetime("us", "UTC")),
        },
        {name: arr[:, cq, ci] for name, arr in stacked.items()},
        "staffed_agents",
        interval_s,
    )

    # Days: every interval of the horizon, per queue x local date, for queue-days with cells.
    local_day = [s.astimezone(center.tz).date() for s in starts]
    days_list = sorted(set(local_day))
    day_of = np.array([days_list.index(d) for d in local_day])
    by_day = {}
    for name, arr in stacked.items():
        summed = np.zeros((arr.shape[0], n_queues, len(days_list)))
        np.add.at(summed, (slice(None), slice(None), day_of), arr)
        by_day[name] = summed
    cells_days = sorted({(int(q), int(day_of[j])) for q, j in zip(cq, ci, strict=True)})
    dq = np.array([q for q, _ in cells_days])
    dd = np.array([d for _, d in cells_days])
    days = _table(
        {"queue_id": [plan.queue_ids[q] for q in dq], "date": [days_list[d] for d in dd]},
        {name: arr[:, dq, dd] for name, arr in by_day.items()},
        "staffed_h",
        3600.0,
    )
    used = sorted(set(cq.tolist()))
    summary = _table(
        {"queue_id": [plan.queue_ids[q] for q in used]},
        {name: arr.sum(axis=2)[:, used] for name, arr in stacked.items()},
        "staffed_h",
        3600.0,
    )
    targets = _targets(center)
    return SimulationResult(
        intervals=intervals.join(targets, on="queue_id", how="left"),
        days=days.join(targets, on="queue_id", how="left"),
        summary=summary.join(targets, on="queue_id", how="left"),
        n_replications=replications,
        n_contacts=n_contacts / replications,
        wall_s_per_replication=wall_s / replications,
    )

"""Simulate a schedule against arrivals: replications, tallies and the result tables."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from numpy.typing import NDArray

from wfm.center import Center
from wfm.errors import ConfigError
from wfm.grid import with_local_columns
from wfm.simulation.arrivals import ArrivalPlan, arrival_plan
from wfm.simulation.deviations import DeviationSample
from wfm.simulation.engine import QueueRules, run_events
from wfm.simulation.handle_times import HandleTimeModel
from wfm.simulation.life import LifeSettings, LivedShifts, lived_shifts
from wfm.simulation.replay import replay_segments
from wfm.simulation.results import COUNTS, RATIOS, summarise, tally
from wfm.simulation.shifts import WorkSegments, work_segments

__all__ = [
    "Replications",
    "SimulationResult",
    "day_table",
    "interval_table",
    "queue_targets",
    "run_replications",
    "simulate",
    "summary_table",
]

FloatArray = NDArray[np.float64]

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
        mode: "as scheduled", "as lived" (absence, off-phone time, adherence) or "replay of
            states" (the agents' actual states as their availability).
        scheduled_work_h: work hours of the schedule.
        available_h: mean hours agents were available per replication (after life).
        life: the life settings used ("as lived" mode), else None.
    """

    intervals: pl.DataFrame
    days: pl.DataFrame
    summary: pl.DataFrame
    n_replications: int
    n_contacts: float
    wall_s_per_replication: float
    mode: str = "as scheduled"
    scheduled_work_h: float = math.nan
    available_h: float = math.nan
    life: LifeSettings | None = None


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


def queue_targets(center: Center) -> pl.DataFrame:
    """Per queue: its targets as the result tables carry them (deferred: service level 1)."""
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


@dataclass(frozen=True)
class Replications:
    """The tallies of every replication, stacked.

    Attributes:
        sums: tally name -> array (n_replications, n_queues, n_intervals) of sums per queue x
            interval of the plan (`wfm.simulation.results.tally`).
        n_contacts: mean contacts per replication.
        wall_s_per_replication: mean wall time of one replication (draw, event loop, tally).
        available_s: mean available agent time per replication (all segments), seconds.
    """

    sums: dict[str, FloatArray]
    n_contacts: float
    wall_s_per_replication: float
    available_s: float


def run_replications(
    plan: ArrivalPlan,
    segments: WorkSegments,
    center: Center,
    *,
    replications: int,
    seed: int,
    handle_times: HandleTimeModel,
    lived: LivedShifts | None = None,
    on_replication: Callable[[int, int], None] | None = None,
) -> Replications:
    """Draw the contacts, run the event loop and tally, `replications` times.

    Args:
        plan: the arrivals on the center's grid.
        segments: the agents' work segments, seconds after the plan's origin.
        lived: when given, each replication draws its segments from it (absence, off-phone
            time, adherence) instead of using `segments`; its draws use their own random
            stream, so the contacts are the same as without it.
        center: the center (priorities, concurrency, patience, targets).
        replications: independent replications (>= 1).
        seed: seed of the whole run; replication k uses the k-th child of this seed.
        handle_times: the handle-time law.
        on_replication: called with (done, total) after each replication.
    """
    rules = QueueRules(
        priority=tuple(q.priority for q in center.queues),
        concurrency=tuple(q.concurrency for q in center.queues),
    )
    patience = np.array(
        [math.inf if q.is_deferred or q.patience_s is None else q.patience_s for q in center.queues]
    )
    threshold_s = _threshold_s(center)
    concurrency = np.array(rules.concurrency, dtype=np.float64)
    reps: list[dict[str, FloatArray]] = []
    n_contacts, wall_s, available_s = 0, 0.0, 0.0
    for k, child in enumerate(np.random.SeedSequence(seed).spawn(replications)):
        started = time.perf_counter()
        rng = np.random.default_rng(child)
        contacts = plan.draw(rng, handle_times=handle_times, mean_patience_s=patience)
        served = segments if lived is None else lived.draw(np.random.default_rng(child.spawn(1)[0]))
        available_s += float((served.end_s - served.start_s).sum())
        outcome = run_events(contacts, served, rules)
        reps.append(
            tally(
                contacts,
                outcome,
                served,
                n_queues=len(plan.queue_ids),
                n_intervals=plan.n_intervals,
                interval_s=plan.interval_s,
                threshold_s=threshold_s,
                concurrency=concurrency,
            ).sums
        )
        wall_s += time.perf_counter() - started
        n_contacts += len(contacts)
        logger.info("replication %d/%d: %d contacts", k + 1, replications, len(contacts))
        if on_replication is not None:
            on_replication(k + 1, replications)
    return Replications(
        sums={name: np.stack([r[name] for r in reps]) for name in reps[0]},
        n_contacts=n_contacts / replications,
        wall_s_per_replication=wall_s / replications,
        available_s=available_s / replications,
    )


def interval_table(plan: ArrivalPlan, reps: Replications) -> pl.DataFrame:
    """One row per queue x interval cell of the input (without the queues' targets)."""
    cq, ci = plan.cell_queue, plan.cell_interval
    return _table(
        {
            "queue_id": [plan.queue_ids[i] for i in cq],
            "interval_start": plan.interval_starts.gather(ci),
        },
        {name: arr[:, cq, ci] for name, arr in reps.sums.items()},
        "staffed_agents",
        plan.interval_s,
    )


def day_table(plan: ArrivalPlan, reps: Replications, tz: ZoneInfo) -> pl.DataFrame:
    """One row per queue x local day with cells: every interval of the day counts."""
    local = with_local_columns(pl.DataFrame({"interval_start": plan.interval_starts}), tz)
    assert isinstance(local, pl.DataFrame)
    local_day = local["local_date"].to_list()
    days_list = sorted(set(local_day))
    day_of = np.array([days_list.index(d) for d in local_day])
    by_day = {}
    for name, arr in reps.sums.items():
        summed = np.zeros((arr.shape[0], arr.shape[1], len(days_list)))
        np.add.at(summed, (slice(None), slice(None), day_of), arr)
        by_day[name] = summed
    cq, ci = plan.cell_queue, plan.cell_interval
    cells_days = sorted({(int(q), int(day_of[j])) for q, j in zip(cq, ci, strict=True)})
    dq = np.array([q for q, _ in cells_days])
    dd = np.array([d for _, d in cells_days])
    return _table(
        {"queue_id": [plan.queue_ids[q] for q in dq], "date": [days_list[d] for d in dd]},
        {name: arr[:, dq, dd] for name, arr in by_day.items()},
        "staffed_h",
        3600.0,
    )


def summary_table(plan: ArrivalPlan, reps: Replications) -> pl.DataFrame:
    """One row per queue with cells, over the whole horizon."""
    used = sorted(set(plan.cell_queue.tolist()))
    return _table(
        {"queue_id": [plan.queue_ids[q] for q in used]},
        {name: arr.sum(axis=2)[:, used] for name, arr in reps.sums.items()},
        "staffed_h",
        3600.0,
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
    life: bool = False,
    deviations: DeviationSample | None = None,
    replay_states: pl.DataFrame | None = None,
    on_replication: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Simulate the schedule's service of the arrivals, `replications` times.

    Three modes: as scheduled (every scheduled agent on the phones all its work time); lived
    (`life`: absence and off-phone time from the center's `life` section, adherence
    deviations sampled from `deviations`; `wfm.simulation.life`); a replay of actual states
    (`replay_states`: agents available while in a work state, for their roster skills;
    `wfm.simulation.replay`).

    Args:
        schedule: a loaded schedule (agent_id, activity, start, end, queue_id).
        arrivals: a loaded forecast, requirements, history or arrivals table (see
            `wfm.simulation.arrivals`).
        center: the center (queues, targets, priorities, patience, concurrency).
        roster: a loaded roster, for the skills of work rows without a queue_id.
        replications: independent replications (>= 1; 2+ for confidence intervals).
        seed: seed of the whole run; replication k uses the k-th child of this seed.
        handle_times: the handle-time law (default lognormal, cv 1).
        life: simulate absence, off-phone time and (with `deviations`) adherence.
        deviations: adherence deviations to sample (`measure_deviations`); needs `life`.
        replay_states: loaded agent states to replay as the agents' availability.
        on_replication: called with (done, total) after each replication.

    Raises:
        ConfigError: replications < 1; life or deviations together with replay_states;
            life without a `life` section in the center.
        DataError: see `arrival_plan`, `work_segments` and `replay_segments`.
    """
    if replications < 1:
        raise ConfigError("replications must be >= 1")
    if replay_states is not None and (life or deviations is not None):
        raise ConfigError("a replay of states takes no life settings: the states are the life")
    if deviations is not None and not life:
        raise ConfigError("adherence deviations are simulated with life on")
    if life and center.life is None:
        raise ConfigError("the center file has no life section (absence, off-phone time)")
    plan = arrival_plan(arrivals, center)
    segments = work_segments(schedule, plan.queue_ids, origin=plan.origin, roster=roster)
    scheduled_work_s = float((segments.end_s - segments.start_s).sum())
    lived, mode = None, "as scheduled"
    if replay_states is not None:
        segments = replay_segments(replay_states, roster, plan.queue_ids, origin=plan.origin)
        mode = "replay of states"
    elif life:
        lived = lived_shifts(
            schedule,
            segments,
            center,
            roster=roster,
            origin_s=plan.origin.timestamp(),
            deviations=deviations,
        )
        mode = "as lived"
    reps = run_replications(
        plan,
        segments,
        center,
        replications=replications,
        seed=seed,
        handle_times=handle_times or HandleTimeModel(),
        lived=lived,
        on_replication=on_replication,
    )
    targets = queue_targets(center)
    return SimulationResult(
        intervals=interval_table(plan, reps).join(targets, on="queue_id", how="left"),
        days=day_table(plan, reps, center.tz).join(targets, on="queue_id", how="left"),
        summary=summary_table(plan, reps).join(targets, on="queue_id", how="left"),
        n_replications=replications,
        n_contacts=reps.n_contacts,
        wall_s_per_replication=reps.wall_s_per_replication,
        mode=mode,
        scheduled_work_h=scheduled_work_s / 3600.0,
        available_h=reps.available_s / 3600.0,
        life=None if lived is None else lived.settings,
    )

"""One interval of a pool of cross-trained queues, simulated stationary, and the search for
the smallest staffing that meets every queue's target (the rules: `wfm.simulation.pooling`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from wfm.simulation.arrivals import Contacts
from wfm.simulation.engine import QueueRules, run_events
from wfm.simulation.handle_times import HandleTimeModel
from wfm.simulation.results import tally
from wfm.simulation.shifts import WorkSegments
from wfm.staffing.requirements import StaffingTarget

__all__ = [
    "IntervalFigures",
    "IntervalLoad",
    "PoolingSettings",
    "draw_contacts",
    "evaluate",
    "smallest_pooled_agents",
]

FloatArray = NDArray[np.float64]
_MAX_ADDED = 200


@dataclass(frozen=True)
class PoolingSettings:
    """How each interval is simulated.

    Attributes:
        horizon_s: simulated stationary time per staffing tried, seconds.
        warmup_s: time left out at the start (the system starts empty), seconds.
        seed: seed of the contacts (each pool and interval has its own stream).
        handle_times: handle-time law (default exponential, Erlang's assumption).
    """

    horizon_s: float = 24 * 3600.0
    warmup_s: float = 1800.0
    seed: int = 0
    handle_times: HandleTimeModel = field(
        default_factory=lambda: HandleTimeModel(kind="exponential")
    )


@dataclass(frozen=True)
class IntervalLoad:
    """One interval of one pool: its queues' rates and targets (same order throughout).

    Attributes:
        contacts: contacts per interval per queue.
        aht_s: mean handle time per queue, seconds.
        patience_s: mean patience per queue, seconds (inf: never abandons).
        targets: each queue's target (occupancy cap included).
        mix: per queue, (skill set as queue positions, share) of its agents.
        priority, concurrency: routing figures per queue.
        interval_s: interval length, seconds.
    """

    contacts: tuple[float, ...]
    aht_s: tuple[float, ...]
    patience_s: tuple[float, ...]
    targets: tuple[StaffingTarget, ...]
    mix: tuple[tuple[tuple[tuple[int, ...], float], ...], ...]
    priority: tuple[int, ...]
    concurrency: tuple[int, ...]
    interval_s: float


@dataclass(frozen=True)
class IntervalFigures:
    """Per queue service level, ASA (s) and abandonment, and the pool's occupancy."""

    service_level: FloatArray
    asa_s: FloatArray
    abandon_rate: FloatArray
    occupancy: float


def _allocate(n: int, mix: tuple[tuple[tuple[int, ...], float], ...]) -> list[int]:
    """n agents split over the mix's skill sets by largest remainders."""
    raw = [n * share for _, share in mix]
    whole = [math.floor(x) for x in raw]
    order = sorted(range(len(mix)), key=lambda k: (-(raw[k] - whole[k]), k))
    for k in order[: n - sum(whole)]:
        whole[k] += 1
    return whole


def draw_contacts(load: IntervalLoad, rng: np.random.Generator, s: PoolingSettings) -> Contacts:
    """Poisson arrivals at the interval's rates over the horizon, with handle times and
    patience."""
    parts = []
    for q, (c, aht, pat) in enumerate(zip(load.contacts, load.aht_s, load.patience_s, strict=True)):
        n = rng.poisson(c / load.interval_s * s.horizon_s)
        arrival = rng.random(n) * s.horizon_s
        parts.append((arrival, np.full(n, q), np.full(n, aht), np.full(n, pat)))
    arrival = np.concatenate([p[0] for p in parts])
    order = np.argsort(arrival, kind="stable")
    queue = np.concatenate([p[1] for p in parts]).astype(np.int64)[order]
    mean_aht = np.concatenate([p[2] for p in parts])[order]
    mean_pat = np.concatenate([p[3] for p in parts])[order]
    handle = s.handle_times.draw(mean_aht, rng)
    patience = np.full(len(queue), math.inf)
    finite = np.isfinite(mean_pat)
    patience[finite] = rng.exponential(1.0, int(finite.sum())) * mean_pat[finite]
    return Contacts(arrival[order], queue, handle, patience)


def evaluate(
    load: IntervalLoad, contacts: Contacts, agents: list[int], s: PoolingSettings
) -> IntervalFigures:
    """Serve `contacts` with `agents` per queue (each in its queue's skill mix) and measure."""
    sets: list[tuple[int, ...]] = []
    for q, n in enumerate(agents):
        for skill_set, k in zip(
            (m[0] for m in load.mix[q]), _allocate(n, load.mix[q]), strict=True
        ):
            sets += [skill_set] * k
    n_q = len(load.contacts)
    # Agents stay on after the horizon so every contact is answered or hangs up.
    end_s = s.horizon_s + 10 * max([*load.aht_s, *(p for p in load.patience_s if p < math.inf)])
    segments = WorkSegments(
        agent_ids=tuple(str(k) for k in range(len(sets))),
        agent=np.arange(len(sets), dtype=np.int64),
        start_s=np.zeros(len(sets)),
        end_s=np.full(len(sets), end_s),
        queues=tuple(sets),
    )
    outcome = run_events(contacts, segments, QueueRules(load.priority, load.concurrency))
    n_int = round(s.horizon_s / s.warmup_s)
    threshold = np.array([t.answer_within_s or 0.0 for t in load.targets], dtype=np.float64)
    sums = tally(
        contacts,
        outcome,
        segments,
        n_queues=n_q,
        n_intervals=n_int,
        interval_s=s.warmup_s,
        threshold_s=threshold,
        concurrency=np.array(load.concurrency, dtype=np.float64),
    ).sums
    kept = {name: arr[:, 1:].sum(axis=1) for name, arr in sums.items()}
    with np.errstate(invalid="ignore", divide="ignore"):
        offered = kept["offered"]
        figures = IntervalFigures(
            service_level=np.where(offered > 0, kept["answered_within"] / offered, 1.0),
            asa_s=np.where(kept["answered"] > 0, kept["wait_s"] / kept["answered"], 0.0),
            abandon_rate=np.where(offered > 0, kept["abandoned"] / offered, 0.0),
            occupancy=float(kept["busy_s"].sum()) / max(len(sets), 1) / (s.horizon_s - s.warmup_s)
            if sets
            else math.inf,
        )
    return figures


def _slack(fig: IntervalFigures, targets: tuple[StaffingTarget, ...]) -> FloatArray:
    """Per queue, the smallest relative margin over its targets (< 0: a target missed)."""
    out = np.full(len(targets), math.inf)
    for q, t in enumerate(targets):
        if t.service_level_frac is not None:
            out[q] = min(
                out[q], (fig.service_level[q] - t.service_level_frac) / t.service_level_frac
            )
        if t.max_asa_s is not None:
            out[q] = min(out[q], (t.max_asa_s - fig.asa_s[q]) / t.max_asa_s)
        if t.max_abandon_frac is not None:
            out[q] = min(out[q], (t.max_abandon_frac - fig.abandon_rate[q]) / t.max_abandon_frac)
    cap = targets[0].max_occupancy_frac
    if cap is not None and fig.occupancy > cap:
        out = np.minimum(out, (cap - fig.occupancy) / cap)
    return out


def smallest_pooled_agents(
    load: IntervalLoad,
    start: list[int],
    *,
    settings: PoolingSettings | None = None,
    rng: np.random.Generator,
) -> tuple[list[int], FloatArray]:
    """The smallest agents per queue that meet every target of the interval's pool.

    Args:
        load: the interval's queues.
        start: agents per queue to start from (the per-queue Erlang requirement).
        settings: simulation settings.
        rng: the interval's random generator (its contacts are drawn once).

    Returns:
        The agents per queue, and each queue's slack at that staffing (>= 0 everywhere).
    """
    s = settings or PoolingSettings()
    contacts = draw_contacts(load, rng, s)
    busy = [c > 0 for c in load.contacts]
    agents = [n if b else 0 for n, b in zip(start, busy, strict=True)]
    slack = _slack(evaluate(load, contacts, agents, s), load.targets)
    for _ in range(_MAX_ADDED):
        if slack.min() >= 0:
            break
        worst = int(np.argmin(np.where(busy, slack, math.inf)))
        agents[worst] += 1
        slack = _slack(evaluate(load, contacts, agents, s), load.targets)
    blocked = {q for q, b in enumerate(busy) if not b}
    while len(blocked) < len(agents):
        q = max((k for k in range(len(agents)) if k not in blocked), key=lambda k: slack[k])
        if agents[q] == 0:
            blocked.add(q)
            continue
        trial = agents.copy()
        trial[q] -= 1
        trial_slack = _slack(evaluate(load, contacts, trial, s), load.targets)
        if trial_slack.min() >= 0:
            agents, slack = trial, trial_slack
        else:
            blocked.add(q)
    return agents, slack

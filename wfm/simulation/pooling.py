"""Multi-skill requirements by simulation: the agents a pool of cross-trained queues needs.

The per-queue Erlang requirement staffs each queue as if it had its own agents. Agents
skilled for several queues pool: an agent idle on one queue takes the next contact of
another, so the pool meets every target with fewer agents. This module finds, per interval,
the smallest requirement per queue that still meets every queue's target under the pool's
routing (`wfm.simulation.engine`: priorities, longest-waiting first, chat concurrency).

Rules, in plain language:

- Only real-time queues pool (voice, chat, real-time SMS); deferred queues keep their
  backlog requirement. A queue's requirement is a number of agents with the roster's skill
  mix of its agents: the agents whose best real-time skill (highest proficiency) is the
  queue, by their sets of real-time skills, in proportion (largest remainders).
- Queues linked by those skill sets form a pool. A pool whose queues' agents are all
  single-skilled cannot pool: its requirement is the Erlang one as it is.
- Each interval is simulated as Erlang's model is solved: stationary, at the interval's
  rates (Poisson arrivals, exponential handle times and patience by default) for
  `horizon_s`, the first `warmup_s` left out of the figures, with the same contacts for
  every staffing tried (common random numbers: differences come from the staffing alone).
- A staffing meets the targets when every queue meets each part of its target (service
  level, ASA, abandonment) and the pool's occupancy is at most the center's cap.
- Search: from the Erlang requirement, add agents to the worst queue while some target is
  missed; then remove agents one at a time, from the queue with the most slack first,
  keeping each removal that still meets every target; a queue whose removal fails is not
  tried again.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from numpy.typing import NDArray

from wfm.center import Center
from wfm.errors import StaffingError
from wfm.simulation.arrivals import Contacts
from wfm.simulation.engine import QueueRules, run_events
from wfm.simulation.handle_times import HandleTimeModel
from wfm.simulation.results import tally
from wfm.simulation.run import queue_targets
from wfm.simulation.shifts import WorkSegments
from wfm.staffing.frame import staffing_target
from wfm.staffing.requirements import StaffingTarget

__all__ = [
    "IntervalLoad",
    "PooledRequirements",
    "PoolingSettings",
    "pooled_requirements",
    "pooling_summary",
    "skill_mix",
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
class _Figures:
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


def _draw(load: IntervalLoad, rng: np.random.Generator, s: PoolingSettings) -> Contacts:
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


def _evaluate(
    load: IntervalLoad, contacts: Contacts, agents: list[int], s: PoolingSettings
) -> _Figures:
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
        figures = _Figures(
            service_level=np.where(offered > 0, kept["answered_within"] / offered, 1.0),
            asa_s=np.where(kept["answered"] > 0, kept["wait_s"] / kept["answered"], 0.0),
            abandon_rate=np.where(offered > 0, kept["abandoned"] / offered, 0.0),
            occupancy=float(kept["busy_s"].sum()) / max(len(sets), 1) / (s.horizon_s - s.warmup_s)
            if sets
            else math.inf,
        )
    return figures


def _slack(fig: _Figures, targets: tuple[StaffingTarget, ...]) -> FloatArray:
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
    contacts = _draw(load, rng, s)
    busy = [c > 0 for c in load.contacts]
    agents = [n if b else 0 for n, b in zip(start, busy, strict=True)]
    slack = _slack(_evaluate(load, contacts, agents, s), load.targets)
    for _ in range(_MAX_ADDED):
        if slack.min() >= 0:
            break
        worst = int(np.argmin(np.where(busy, slack, math.inf)))
        agents[worst] += 1
        slack = _slack(_evaluate(load, contacts, agents, s), load.targets)
    blocked = {q for q, b in enumerate(busy) if not b}
    while len(blocked) < len(agents):
        q = max((k for k in range(len(agents)) if k not in blocked), key=lambda k: slack[k])
        if agents[q] == 0:
            blocked.add(q)
            continue
        trial = agents.copy()
        trial[q] -= 1
        trial_slack = _slack(_evaluate(load, contacts, trial, s), load.targets)
        if trial_slack.min() >= 0:
            agents, slack = trial, trial_slack
        else:
            blocked.add(q)
    return agents, slack


def skill_mix(
    roster: pl.DataFrame, center: Center
) -> dict[str, tuple[tuple[tuple[str, ...], float], ...]]:
    """Per real-time queue, the real-time skill sets of its agents and their shares.

    A queue's agents are those whose best real-time skill is the queue; a queue nobody has as
    best skill takes the agents who have it at all; a queue nobody has is served alone.
    """
    realtime = {q.id for q in center.queues if not q.is_deferred}
    best: dict[str, Counter[tuple[str, ...]]] = {q: Counter() for q in realtime}
    anyone: dict[str, Counter[tuple[str, ...]]] = {q: Counter() for q in realtime}
    for skills in roster["skills"].to_list():
        own = [s for s in skills if s["queue_id"] in realtime]
        if not own:
            continue
        skill_set = tuple(sorted(s["queue_id"] for s in own))
        top = max(own, key=lambda s: s["proficiency"])["queue_id"]
        best[top][skill_set] += 1
        for q in skill_set:
            anyone[q][skill_set] += 1
    out = {}
    for q in realtime:
        counts = best[q] or anyone[q] or Counter({(q,): 1})
        total = sum(counts.values())
        out[q] = tuple((k, v / total) for k, v in sorted(counts.items()))
    return out


@dataclass(frozen=True)
class PooledRequirements:
    """The requirements with pooling, and what pooling saved.

    Attributes:
        requirements: the input requirements with `agents_net` (and `agents_gross`) pooled.
        savings: per queue x interval: `queue_id, interval_start, agents_net_erlang,
            agents_net_pooled, saved_agent_h, pool, service_level_sim, asa_s_sim,
            abandon_rate_sim` (the simulated figures at the pooled staffing; null where the
            interval was not simulated).
        n_simulated: intervals x pools simulated.
    """

    requirements: pl.DataFrame
    savings: pl.DataFrame
    n_simulated: int


def _pools(mix: dict[str, tuple[tuple[tuple[str, ...], float], ...]]) -> list[list[str]]:
    parent = {q: q for q in mix}

    def find(q: str) -> str:
        while parent[q] != q:
            q = parent[q]
        return q

    for sets in mix.values():
        for skill_set, _ in sets:
            for other in skill_set[1:]:
                parent[find(other)] = find(skill_set[0])
    groups: dict[str, list[str]] = {}
    for q in sorted(mix):
        groups.setdefault(find(q), []).append(q)
    return sorted(groups.values())


def pooled_requirements(
    requirements: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    *,
    settings: PoolingSettings | None = None,
) -> PooledRequirements:
    """Pool the per-queue Erlang requirements by simulation (see the module docstring).

    Args:
        requirements: a requirements table (`wfm.staffing.requirements_from_frame`).
        roster: the loaded roster (skills and proficiencies).
        center: the center (targets, patience, priorities, concurrency, occupancy cap).
        settings: simulation settings.

    Raises:
        StaffingError: the requirements name a queue the center does not have.
    """
    s = settings or PoolingSettings()
    unknown = set(requirements["queue_id"].unique().to_list()) - set(center.queue_ids)
    if unknown:
        raise StaffingError(f"unknown queue(s) in the requirements: {sorted(unknown)}")
    mix = skill_mix(roster, center)
    present = set(requirements["queue_id"].unique().to_list())
    interval_h = center.interval_s / 3600.0
    pooled = requirements.select("queue_id", "interval_start", "agents_net").with_columns(
        pl.col("agents_net").alias("agents_net_pooled"),
        pl.lit(None, pl.String).alias("pool"),
        *(
            pl.lit(None, pl.Float64).alias(f"{n}_sim")
            for n in ("service_level", "asa_s", "abandon_rate")
        ),
    )
    updates: list[dict[str, object]] = []
    n_simulated = 0
    for k, pool in enumerate(_pools(mix), start=1):
        queues = [q for q in pool if q in present]
        if len(queues) < 2 or all(len(ss) == 1 for q in queues for ss, _ in mix[q]):
            continue
        pos = {q: i for i, q in enumerate(queues)}
        rows = requirements.filter(pl.col("queue_id").is_in(queues))
        wide = {
            q: {
                r["interval_start"]: r
                for r in rows.filter(pl.col("queue_id") == q).iter_rows(named=True)
            }
            for q in queues
        }
        starts = sorted({t for q in queues for t in wide[q]})
        queue_cfg = [center.queue(q) for q in queues]
        targets = tuple(staffing_target(cfg, center) for cfg in queue_cfg)
        local_mix = tuple(
            tuple((tuple(pos[x] for x in ss if x in pos), share) for ss, share in mix[q])
            for q in queues
        )
        for j, t in enumerate(starts):
            cells = [wide[q].get(t) for q in queues]
            contacts = tuple(float(c["volume"]) if c else 0.0 for c in cells)
            if sum(1 for c in contacts if c > 0) < 2:
                continue
            load = IntervalLoad(
                contacts=contacts,
                aht_s=tuple(
                    float(c["aht_s"]) if c and c["aht_s"] else float(cfg.aht_s or 1.0)
                    for c, cfg in zip(cells, queue_cfg, strict=True)
                ),
                patience_s=tuple(
                    math.inf if cfg.patience_s is None else cfg.patience_s for cfg in queue_cfg
                ),
                targets=targets,
                mix=local_mix,
                priority=tuple(cfg.priority for cfg in queue_cfg),
                concurrency=tuple(cfg.concurrency for cfg in queue_cfg),
                interval_s=float(center.interval_s),
            )
            start = [int(c["agents_net"]) if c else 0 for c in cells]
            # Pool k, interval j: its own streams, the same whatever else is pooled.
            search, check = np.random.SeedSequence(s.seed, spawn_key=(k, j)).spawn(2)
            agents, _ = smallest_pooled_agents(
                load, start, settings=s, rng=np.random.default_rng(search)
            )
            # Figures at the pooled staffing from fresh contacts, not those it was chosen on.
            fig = _evaluate(load, _draw(load, np.random.default_rng(check), s), agents, s)
            n_simulated += 1
            for q, n in zip(queues, agents, strict=True):
                i = pos[q]
                updates.append(
                    {
                        "queue_id": q,
                        "interval_start": t,
                        "agents_net_pooled": n,
                        "pool": f"pool_{k:02d}",
                        "service_level_sim": float(fig.service_level[i]),
                        "asa_s_sim": float(fig.asa_s[i]),
                        "abandon_rate_sim": float(fig.abandon_rate[i]),
                    }
                )
    if updates:
        upd = pl.DataFrame(updates, schema_overrides={"agents_net_pooled": pl.Int64})
        pooled = pooled.update(upd, on=["queue_id", "interval_start"], how="left")
    savings = pooled.rename({"agents_net": "agents_net_erlang"}).with_columns(
        ((pl.col("agents_net_erlang") - pl.col("agents_net_pooled")) * interval_h).alias(
            "saved_agent_h"
        )
    )
    shrink = {q: center.shrinkage_for(q) for q in center.queue_ids}
    sim = savings.filter(pl.col("pool").is_not_null())
    simulated = pl.col("_pooled").is_not_null()
    out = (
        requirements.join(
            sim.select(
                "queue_id",
                "interval_start",
                pl.col("agents_net_pooled").alias("_pooled"),
                "service_level_sim",
                "asa_s_sim",
                "abandon_rate_sim",
            ),
            on=["queue_id", "interval_start"],
            how="left",
        )
        .with_columns(
            pl.when(simulated)
            .then(pl.col("_pooled"))
            .otherwise(pl.col("agents_net"))
            .alias("agents_net"),
            # Where the pool was simulated its figures are the simulated ones; occupancy per
            # queue means nothing for agents shared between queues.
            *(
                pl.when(simulated).then(pl.col(f"{n}_sim")).otherwise(pl.col(n)).alias(n)
                for n in ("asa_s", "abandon_rate")
            ),
            pl.when(simulated & pl.col("service_level").is_not_null())
            .then(pl.col("service_level_sim"))
            .otherwise(pl.col("service_level"))
            .alias("service_level"),
            pl.when(simulated).then(None).otherwise(pl.col("occupancy")).alias("occupancy"),
        )
        .with_columns(
            (
                pl.col("agents_net")
                / (1.0 - pl.col("queue_id").replace_strict(shrink, return_dtype=pl.Float64))
            ).alias("agents_gross")
        )
        .select(requirements.columns)
    )
    return PooledRequirements(
        out,
        savings.select(
            "queue_id",
            "interval_start",
            "agents_net_erlang",
            "agents_net_pooled",
            "saved_agent_h",
            "pool",
            "service_level_sim",
            "asa_s_sim",
            "abandon_rate_sim",
        ),
        n_simulated,
    )


def pooling_summary(pooled: PooledRequirements, center: Center) -> pl.DataFrame:
    """Per queue: agent-hours with and without pooling, what pooling saved, and the simulated
    figures at the pooled staffing (contact-weighted over the pooled intervals) with targets.

    Returns:
        `queue_id, pool, agent_h_erlang, agent_h_pooled, saved_agent_h, saved_frac,
        n_intervals_pooled, service_level_sim, target_service_level, asa_s_sim,
        target_asa_s, abandon_rate_sim, target_abandon_rate`.
    """
    interval_h = center.interval_s / 3600.0
    volume = pooled.requirements.select("queue_id", "interval_start", "volume")
    rows = pooled.savings.join(volume, on=["queue_id", "interval_start"], how="left")
    sim = pl.col("pool").is_not_null()

    def weighted(name: str) -> pl.Expr:
        return (pl.col(name) * pl.col("volume")).filter(sim).sum() / pl.col("volume").filter(
            sim
        ).sum()

    targets = queue_targets(center).select(
        "queue_id", "target_service_level", "target_asa_s", "target_abandon_rate"
    )
    return (
        rows.group_by("queue_id")
        .agg(
            pl.col("pool").drop_nulls().first(),
            (pl.col("agents_net_erlang").sum() * interval_h).alias("agent_h_erlang"),
            (pl.col("agents_net_pooled").sum() * interval_h).alias("agent_h_pooled"),
            pl.col("saved_agent_h").sum(),
            sim.sum().alias("n_intervals_pooled"),
            weighted("service_level_sim").alias("service_level_sim"),
            weighted("asa_s_sim").alias("asa_s_sim"),
            weighted("abandon_rate_sim").alias("abandon_rate_sim"),
        )
        .with_columns(
            (pl.col("saved_agent_h") / pl.col("agent_h_erlang")).fill_nan(None).alias("saved_frac"),
            pl.col("service_level_sim", "asa_s_sim", "abandon_rate_sim").fill_nan(None),
        )
        .join(targets, on="queue_id", how="left")
        .with_columns(
            pl.when(pl.col("target_service_level").is_not_null())
            .then(pl.col("service_level_sim"))
            .alias("service_level_sim")
        )
        .select(
            "queue_id",
            "pool",
            "agent_h_erlang",
            "agent_h_pooled",
            "saved_agent_h",
            "saved_frac",
            "n_intervals_pooled",
            "service_level_sim",
            "target_service_level",
            "asa_s_sim",
            "target_asa_s",
            "abandon_rate_sim",
            "target_abandon_rate",
        )
        .sort("queue_id")
    )

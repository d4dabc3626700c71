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
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.errors import StaffingError
from wfm.simulation.pool_search import (
    IntervalLoad,
    PoolingSettings,
    draw_contacts,
    evaluate,
    smallest_pooled_agents,
)
from wfm.simulation.run import queue_targets
from wfm.staffing.frame import staffing_target

__all__ = [
    "IntervalLoad",
    "PooledRequirements",
    "PoolingSettings",
    "pooled_requirements",
    "pooling_summary",
    "skill_mix",
    "smallest_pooled_agents",
]


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
            fig = evaluate(load, draw_contacts(load, np.random.default_rng(check), s), agents, s)
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

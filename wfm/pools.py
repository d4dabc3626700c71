"""Independent agent pools: the connected components of the agent-queue skill graph.

Two agents are in the same pool when a chain of shared skills links them (agent a serves
queue q, which agent b also serves, ...). Pools share no agent and no queue, so each can be
scheduled as its own model and the schedules joined: coverage of a queue depends only on its
own pool's agents. A queue nobody is skilled for forms a pool with no agents (it cannot be
covered; the scheduler reports it as a shortfall).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["AgentPool", "agent_pools", "pool_frames"]


@dataclass(frozen=True)
class AgentPool:
    """One independent pool: its agents, the queues they serve, and their teams.

    Pools are numbered from 1 in the order of their first agent id (queue-only pools last).
    """

    pool_id: str
    agent_ids: tuple[str, ...]
    queue_ids: tuple[str, ...]
    teams: tuple[str, ...]

    @property
    def n_agents(self) -> int:
        return len(self.agent_ids)


def agent_pools(roster: pl.DataFrame, queue_ids: list[str] | tuple[str, ...]) -> list[AgentPool]:
    """Split a center into independent agent pools.

    Args:
        roster: the roster table (README, Tables; as loaded: `skills` a list of structs).
        queue_ids: every queue of the center (queues without skilled agents become pools
            of their own).

    Returns:
        The pools, numbered pool_01, pool_02, ... (agents sorted by id within a pool).
    """
    agents = roster.sort("agent_id")
    agent_ids = agents["agent_id"].to_list()
    queues = list(dict.fromkeys(queue_ids))
    skills = agents.select("agent_id", "skills").explode("skills").drop_nulls("skills")
    skill_queue = skills["skills"].struct.field("queue_id").to_list()
    skill_agent = skills["agent_id"].to_list()
    for q in skill_queue:
        if q not in queues:
            queues.append(q)  # a skill outside the list still links its agents
    agent_index = {a: i for i, a in enumerate(agent_ids)}
    queue_index = {q: len(agent_ids) + j for j, q in enumerate(queues)}
    n_nodes = len(agent_ids) + len(queues)
    rows = np.array([agent_index[a] for a in skill_agent], dtype=np.int64)
    cols = np.array([queue_index[q] for q in skill_queue], dtype=np.int64)
    graph = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n_nodes, n_nodes))
    _, labels = connected_components(graph, directed=False)
    teams = dict(zip(agent_ids, agents["team"].to_list(), strict=True))
    members: dict[int, tuple[list[str], list[str]]] = {}
    for node, label in enumerate(labels.tolist()):
        bucket = members.setdefault(label, ([], []))
        if node < len(agent_ids):
            bucket[0].append(agent_ids[node])
        else:
            bucket[1].append(queues[node - len(agent_ids)])
    ordered = sorted(members.values(), key=lambda m: (not m[0], m[0][0] if m[0] else m[1][0]))
    return [
        AgentPool(
            pool_id=f"pool_{k:02d}",
            agent_ids=tuple(pool_agents),
            queue_ids=tuple(sorted(pool_queues)),
            teams=tuple(sorted({teams[a] for a in pool_agents})),
        )
        for k, (pool_agents, pool_queues) in enumerate(ordered, start=1)
    ]


def pool_frames(
    pool: AgentPool, requirements: pl.DataFrame, roster: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The requirements rows of the pool's queues and the roster rows of its agents."""
    return (
        requirements.filter(pl.col("queue_id").is_in(pool.queue_ids)),
        roster.filter(pl.col("agent_id").is_in(pool.agent_ids)),
    )

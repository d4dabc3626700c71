"""Schedule a large center pool by pool: one CP-SAT model per independent agent pool.

Pools (wfm.pools: connected components of the agent-queue skill graph) share no agent and no
queue, so the week's schedule of the center is the union of the pools' schedules, and each
pool is a separate, smaller model that an executor (wfm.execution) can solve on another core
or machine. Each pool's schedule is checked against every hard rule by `schedule_week`.

A pool still too large for the time limit is named, not hidden: when its solve stops without
proof (status not OPTIMAL) and its shortfall is more than `split_gap_frac` above the proven
bound, the result carries a warning that suggests more time or splitting the pool (by team).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, fields

import polars as pl

from scheduling.report import ScheduleSummary
from scheduling.run import WeekSchedule, schedule_week
from scheduling.solve import SolveParams
from wfm.center import Center
from wfm.errors import ScheduleError
from wfm.execution import Executor, InProcessExecutor
from wfm.pools import AgentPool, agent_pools, pool_frames

__all__ = ["PoolTask", "PooledSchedule", "schedule_pool", "schedule_pools"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PoolTask:
    """One pool's work unit: plain data for an executor."""

    pool: AgentPool
    requirements: pl.DataFrame
    roster: pl.DataFrame
    center: Center
    week_start: dt.date
    params: SolveParams


@dataclass(frozen=True)
class PooledSchedule:
    """The center's week, joined from its pools.

    Attributes:
        pools: the pools, in order.
        weeks: each pool's solved week (same order).
        schedule: the schedule table of every agent.
        coverage: required vs scheduled per queue x interval, every queue.
        summary: headline figures summed over the pools.
        causes: shortfall causes of every pool.
        warnings: one line per pool that needs more time or splitting.
    """

    pools: tuple[AgentPool, ...]
    weeks: tuple[WeekSchedule, ...]
    schedule: pl.DataFrame
    coverage: pl.DataFrame
    summary: ScheduleSummary
    causes: list[str]
    warnings: list[str]


def schedule_pool(task: PoolTask) -> WeekSchedule:
    """Solve one pool's week (the center reduced to the pool's queues)."""
    center = task.center.model_copy(
        update={"queues": tuple(task.center.queue(q) for q in task.pool.queue_ids)}
    )
    requirements, roster = pool_frames(task.pool, task.requirements, task.roster)
    return schedule_week(
        requirements, roster, center, week_start=task.week_start, params=task.params
    )


def _warning(pool: AgentPool, week: WeekSchedule, split_gap_frac: float) -> str | None:
    r = week.result
    if r.status == "OPTIMAL" or r.shortfall_gap <= split_gap_frac:
        return None
    split = (
        f"split it by team ({', '.join(pool.teams)})"
        if len(pool.teams) > 1
        else "split the team into smaller skill groups"
    )
    return (
        f"{pool.pool_id} ({pool.n_agents} agents, {len(pool.queue_ids)} queues) stopped at "
        f"the time limit with a shortfall {r.shortfall_gap:.0%} above its proven bound "
        f"(status {r.status}): give it more time or {split}"
    )


def schedule_pools(
    requirements: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    *,
    week_start: dt.date,
    params: SolveParams,
    executor: Executor | None = None,
    split_gap_frac: float = 0.05,
) -> PooledSchedule:
    """Split the center into independent pools, schedule each, and join the results.

    Args:
        requirements: requirements table (tables.md).
        roster: roster table (tables.md).
        center: center configuration.
        week_start: local Monday.
        params: solver settings, applied to each pool (max_time_s per pool).
        executor: runs the pools (default in-process).
        split_gap_frac: warn when an unproven pool's shortfall exceeds its bound by this.

    Raises:
        ScheduleError: no agent in the roster.
        InfeasibleError: a pool's hard rules contradict (the message names its agents).
    """
    pools = [p for p in agent_pools(roster, center.queue_ids) if p.agent_ids]
    if not pools:
        raise ScheduleError("the roster has no agents to schedule")
    tasks = [PoolTask(p, requirements, roster, center, week_start, params) for p in pools]
    weeks = (executor or InProcessExecutor()).map(schedule_pool, tasks)
    warnings = [
        w for p, wk in zip(pools, weeks, strict=True) if (w := _warning(p, wk, split_gap_frac))
    ]
    for line in warnings:
        log.warning(line)
    summary = ScheduleSummary(
        **{f.name: sum(getattr(w.summary, f.name) for w in weeks) for f in fields(ScheduleSummary)}
    )
    return PooledSchedule(
        pools=tuple(pools),
        weeks=tuple(weeks),
        schedule=pl.concat([w.schedule for w in weeks]).sort("agent_id", "start"),
        coverage=pl.concat([w.coverage for w in weeks]).sort("queue_id", "interval_start"),
        summary=summary,
        causes=[c for w in weeks for c in w.causes],
        warnings=warnings,
    )

"""Schedule a large center pool by pool: one CP-SAT model per independent agent pool.

Pools (wfm.pools: connected components of the agent-queue skill graph) share no agent and no
queue, so the week's schedule of the center is the union of the pools' schedules, and each
pool is a separate, smaller model that an executor (wfm.execution) can solve on another core
or machine. Each pool's schedule is checked against every hard rule by `schedule_week`.

The joined `PooledSchedule` is the center's week: every agent's schedule rows, the coverage of
every queue, the headline figures summed over the pools (the objective terms and the tiered
shortfall are sums over queues and agents, so pool sums are the center's values and the sum of
the pools' proven bounds is a proven bound of the center), and one status row per pool.

A pool still too large for the time limit is named, not hidden: when its solve stops without
proof (status not OPTIMAL) and its shortfall is more than `split_gap_frac` above the proven
bound, or with no solver schedule at all (WARM_START_ONLY), the result carries a warning that
suggests more time or splitting the pool (by team). Queues nobody is skilled for form pools
without agents; when they need agents, a warning says that their whole requirement is
shortfall.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, fields

import polars as pl

from scheduling.previous import PreviousWeek
from scheduling.problem import AgentSpec
from scheduling.quality import stability_by_team
from scheduling.report import ScheduleSummary
from scheduling.run import WeekSchedule, schedule_week
from scheduling.solve import SolveParams, SolveStatus, relative_gap
from wfm.center import Center
from wfm.errors import ScheduleError
from wfm.execution import Executor, InProcessExecutor
from wfm.pools import AgentPool, agent_pools, pool_frames

__all__ = ["PoolTask", "PooledSchedule", "schedule_pool", "schedule_pools"]

log = logging.getLogger(__name__)

# Least solver time of a pool, seconds (a small pool still needs its model built and solved).
_MIN_POOL_S = 5.0

# Statuses from best to worst: the center's status is its worst pool's.
_STATUS_ORDER = (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE, SolveStatus.WARM_START_ONLY)


@dataclass(frozen=True)
class PoolTask:
    """One pool's work unit: plain data for an executor, already cut to the pool (so a
    cluster ships each worker its pool's rows, not the whole center's)."""

    pool: AgentPool
    requirements: pl.DataFrame
    roster: pl.DataFrame
    center: Center
    week_start: dt.date
    params: SolveParams
    previous: PreviousWeek | None = None


@dataclass(frozen=True)
class PooledSchedule:
    """The center's week, joined from its pools.

    Attributes:
        center: the whole center's configuration.
        week_start: the local Monday.
        pools: the pools, in order.
        weeks: each pool's solved week (same order).
        schedule: the schedule table of every agent.
        coverage: required vs scheduled per queue x interval, every queue.
        summary: headline figures summed over the pools.
        causes: shortfall causes of every pool.
        pool_warnings: per pool (same order), None or why it needs more time or splitting,
            or that it has no agents.
        wall_s: elapsed time of the whole run (pools in parallel on a cluster), seconds.
        previous_source: where the published previous week came from, or None.
    """

    center: Center
    week_start: dt.date
    pools: tuple[AgentPool, ...]
    weeks: tuple[WeekSchedule, ...]
    schedule: pl.DataFrame
    coverage: pl.DataFrame
    summary: ScheduleSummary
    causes: list[str]
    pool_warnings: tuple[str | None, ...]
    wall_s: float
    previous_source: str | None = None

    @property
    def warnings(self) -> list[str]:
        """The pools' warnings, one line each."""
        return [w for w in self.pool_warnings if w is not None]

    @property
    def agents(self) -> list[AgentSpec]:
        """Every scheduled agent, by agent id."""
        return sorted((a for w in self.weeks for a in w.problem.agents), key=lambda a: a.agent_id)

    @property
    def n_carried_in(self) -> int:
        """Agents still on a shift of the previous week when this week starts."""
        return sum(1 for w in self.weeks for a in w.problem.agents if a.carried_busy_slots)

    @property
    def spill_required_from(self) -> str:
        """Where the requirement of the hours after the week came from (see ScheduleProblem)."""
        sources = {w.problem.spill_required_from for w in self.weeks} - {"none"}
        return sources.pop() if len(sources) == 1 else ("mixed" if sources else "none")

    @property
    def status(self) -> SolveStatus:
        """The worst pool status: OPTIMAL only when every pool is proven optimal."""
        return max((w.result.status for w in self.weeks), key=_STATUS_ORDER.index)

    @property
    def objective(self) -> float | None:
        """The pools' objectives summed; None when a pool has no solver schedule."""
        objectives = [w.result.objective for w in self.weeks]
        if any(o is None for o in objectives):
            return None
        return sum(o for o in objectives if o is not None)

    @property
    def best_bound(self) -> float:
        return sum(w.result.best_bound for w in self.weeks)

    @property
    def gap(self) -> float | None:
        """Relative gap between the summed objective and the summed bound (None without an
        objective)."""
        objective = self.objective
        return None if objective is None else relative_gap(objective, self.best_bound)

    @property
    def shortfall_bound(self) -> float:
        return sum(w.result.shortfall_bound for w in self.weeks)

    @property
    def solve_s(self) -> float:
        """Solver time summed over the pools (the in-process wall time), seconds."""
        return sum(w.result.wall_s for w in self.weeks)

    def team_stability(self) -> pl.DataFrame:
        """One row per team and one for the center (`all`): start-time changes, days off
        not in one run, preferences honoured of those feasible (scheduling.quality)."""
        return stability_by_team(a for w in self.weeks for a in w.quality.agents)

    def pool_status(self) -> pl.DataFrame:
        """One row per pool: size, solver status, objective, shortfall vs bound, time."""
        rows = [
            {
                "pool_id": pool.pool_id,
                "n_agents": pool.n_agents,
                "n_queues": len(pool.queue_ids),
                "teams": ";".join(pool.teams),
                "status": str(week.result.status),
                "objective": week.result.objective,
                "best_bound": week.result.best_bound,
                "shortfall_cost": week.result.shortfall_cost,
                "shortfall_bound": week.result.shortfall_bound,
                "shortfall_gap": week.result.shortfall_gap,
                "solve_s": week.result.wall_s,
                "warning": warning,
            }
            for pool, week, warning in zip(self.pools, self.weeks, self.pool_warnings, strict=True)
        ]
        # Objective, shortfall cost and gap are null for a pool without a solver schedule.
        floats = ("objective", "shortfall_cost", "shortfall_gap")
        return pl.DataFrame(
            rows, schema_overrides={"warning": pl.String, **dict.fromkeys(floats, pl.Float64)}
        )


def schedule_pool(task: PoolTask) -> WeekSchedule:
    """Solve one pool's week (the task's center and frames are already the pool's)."""
    return schedule_week(
        task.requirements,
        task.roster,
        task.center,
        week_start=task.week_start,
        params=task.params,
        previous=task.previous,
    )


def _task(
    pool: AgentPool,
    requirements: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    week_start: dt.date,
    params: SolveParams,
    share: float,
    previous: PreviousWeek | None,
) -> PoolTask:
    pool_center = center.model_copy(
        update={"queues": tuple(center.queue(q) for q in pool.queue_ids)}
    )
    pool_requirements, pool_roster = pool_frames(pool, requirements, roster)
    # A share of the run's time that does not depend on the executor, so a run on a
    # cluster solves the same models for the same time as one in-process.
    pool_params = dataclasses.replace(
        params, max_time_s=max(min(_MIN_POOL_S, params.max_time_s), params.max_time_s * share)
    )
    return PoolTask(
        pool,
        pool_requirements,
        pool_roster,
        pool_center,
        week_start,
        pool_params,
        None if previous is None else previous.for_agents(pool.agent_ids),
    )


def _warning(pool: AgentPool, week: WeekSchedule, split_gap_frac: float) -> str | None:
    if not pool.agent_ids:
        if week.summary.required_h == 0:
            return None
        return (
            f"{pool.pool_id} (no agents): nobody is skilled for {', '.join(pool.queue_ids)}, "
            f"so its {week.summary.required_h:,.1f} required agent-hours are all shortfall"
        )
    r = week.result
    if r.status == SolveStatus.OPTIMAL or (
        r.status == SolveStatus.FEASIBLE
        and r.shortfall_gap is not None
        and r.shortfall_gap <= split_gap_frac
    ):
        return None
    split = (
        f"split it by team ({', '.join(pool.teams)})"
        if len(pool.teams) > 1
        else "split the team into smaller skill groups"
    )
    above = "" if r.shortfall_gap is None else f" ({r.shortfall_gap:.0%} above its bound)"
    why = (
        f"without a solver schedule, keeping its warm start{above}"
        if r.status == SolveStatus.WARM_START_ONLY
        else f"with a shortfall {r.shortfall_gap:.0%} above its proven bound"
    )
    return (
        f"{pool.pool_id} ({pool.n_agents} agents, {len(pool.queue_ids)} queues) stopped at "
        f"the time limit {why} (status {r.status}): give it more time or {split}"
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
    on_pool: Callable[[str], None] | None = None,
    previous: PreviousWeek | None = None,
) -> PooledSchedule:
    """Split the center into independent pools, schedule each, and join the results.

    Args:
        requirements: requirements table (README, Tables).
        roster: roster table (README, Tables).
        center: center configuration.
        week_start: local Monday.
        params: solver settings; max_time_s is the whole week's budget, shared among the
            pools by their number of agents (at least _MIN_POOL_S each). In-process the
            pools run one after another within it; on a cluster they run side by side.
        executor: runs the pools (default in-process).
        split_gap_frac: warn when an unproven pool's shortfall exceeds its bound by this.
        on_pool: called with each pool's id as its schedule arrives (in pool order).
        previous: the published week before, or None (README, `wfm schedule`).

    Raises:
        ScheduleError: no agent in the roster.
        InfeasibleError: a pool's hard rules contradict (the message names its agents).
    """
    started = time.perf_counter()
    pools = agent_pools(roster, center.queue_ids)
    if not any(p.agent_ids for p in pools):
        raise ScheduleError("the roster has no agents to schedule")
    n_agents = sum(p.n_agents for p in pools)
    tasks = [
        _task(p, requirements, roster, center, week_start, params, p.n_agents / n_agents, previous)
        for p in pools
    ]
    results = (executor or InProcessExecutor()).imap(schedule_pool, tasks)
    weeks: list[WeekSchedule] = []
    for pool, week in zip(pools, results, strict=True):
        weeks.append(week)
        if on_pool is not None:
            on_pool(pool.pool_id)
    warnings = tuple(_warning(p, wk, split_gap_frac) for p, wk in zip(pools, weeks, strict=True))
    for line in warnings:
        if line is not None:
            log.warning(line)
    summary = ScheduleSummary(
        **{f.name: sum(getattr(w.summary, f.name) for w in weeks) for f in fields(ScheduleSummary)}
    )
    return PooledSchedule(
        center=center,
        week_start=week_start,
        pools=tuple(pools),
        weeks=tuple(weeks),
        schedule=pl.concat([w.schedule for w in weeks]).sort("agent_id", "start"),
        coverage=pl.concat([w.coverage for w in weeks]).sort("queue_id", "interval_start"),
        summary=summary,
        causes=[c for w in weeks for c in w.causes],
        pool_warnings=warnings,
        wall_s=time.perf_counter() - started,
        previous_source=None if previous is None else previous.source,
    )

"""One call from tables to a schedule: problem -> greedy warm start -> CP-SAT -> queue blocks
-> reassignment -> tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
import polars as pl

from scheduling.baseline import greedy_schedule
from scheduling.blocks import allocate_blocks, reassign
from scheduling.check import check_schedule
from scheduling.effort import Effort
from scheduling.previous import PreviousWeek
from scheduling.problem import ScheduleProblem, from_frames
from scheduling.quality import ScheduleQuality, quality
from scheduling.report import (
    ScheduleSummary,
    coverage_frame,
    schedule_frame,
    shortfall_causes,
    summarize,
    with_service_levels,
)
from scheduling.solution import Solution
from scheduling.solve import ScheduleResult, SolveParams, relative_gap, solve
from wfm.center import Center
from wfm.errors import ScheduleError

__all__ = ["WeekSchedule", "published_allocation", "schedule_week"]

log = logging.getLogger(__name__)

# Time for the queue blocks' MIPs (scheduling.blocks) after the solver, as a share of the
# solver's time limit, at least BLOCKS_MIN_S (on top of it: the solver keeps its whole
# limit). A day of the sample week's largest pool takes HiGHS 1-2 s to optimality.
BLOCKS_FRAC = 0.2
BLOCKS_MIN_S = 20.0


@dataclass(frozen=True)
class WeekSchedule:
    """A solved week.

    Attributes:
        problem: the integer problem.
        result: solver status, objective, bounds, gaps and time; its shortfall cost and gap
            are the published allocation's (`summary`).
        schedule: one row per agent activity (README, Tables: schedule).
        coverage: required vs scheduled per queue x interval.
        summary: headline figures recomputed from the schedule.
        causes: one line per run of short intervals with its cause.
        quality: switches, idle time while short, paid time with no queue open, preferences.
    """

    problem: ScheduleProblem
    result: ScheduleResult
    schedule: pl.DataFrame
    coverage: pl.DataFrame
    summary: ScheduleSummary
    causes: list[str]
    quality: ScheduleQuality


def published_allocation(
    problem: ScheduleProblem, solution: Solution, *, params: SolveParams
) -> np.ndarray:
    """The queue of every agent-slot as published: queue blocks, then the reassignment
    pass (README, `wfm schedule`, Queue blocks)."""
    state = allocate_blocks(
        problem,
        solution,
        effort=Effort(max(BLOCKS_MIN_S, BLOCKS_FRAC * params.max_time_s), params.deterministic),
        seed=params.seed,
    )
    return reassign(problem, solution, state)


def schedule_week(
    requirements: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    *,
    week_start: dt.date,
    params: SolveParams,
    previous: PreviousWeek | None = None,
) -> WeekSchedule:
    """Schedule the week starting on local Monday `week_start`.

    Args:
        requirements: requirements table (README, Tables).
        roster: roster table (README, Tables).
        center: center configuration.
        week_start: local Monday.
        params: solver time limit, workers and seed.
        previous: the published week before (its shifts running into this week, rest and
            consecutive days across the boundary), or None.

    Returns:
        The WeekSchedule (best schedule found, even when requirements cannot be met).

    Raises:
        InfeasibleError: hard rules contradict; names the agents and rules.
        ScheduleError: the solver returned a schedule that breaks a hard rule (a bug).
    """
    problem = from_frames(requirements, roster, center, week_start=week_start, previous=previous)
    result = solve(problem, params=params, hint=greedy_schedule(problem))
    state = published_allocation(problem, result.solution, params=params)
    schedule = schedule_frame(problem, state)
    violations = check_schedule(
        problem, schedule, previous=None if previous is None else previous.schedule
    )
    if violations:
        raise ScheduleError(
            "internal error: the schedule breaks hard rules: "
            + "; ".join(f"{v.agent_id} {v.rule}: {v.message}" for v in violations[:5])
        )
    coverage = with_service_levels(coverage_frame(problem, state), requirements, center)
    summary = summarize(problem, result.solution, state)
    # The published allocation's shortfall, not the solver's flows' (the blocks cost some).
    result = dataclasses.replace(
        result,
        shortfall_cost=summary.shortfall_cost,
        shortfall_gap=relative_gap(summary.shortfall_cost, result.shortfall_bound),
    )
    return WeekSchedule(
        problem=problem,
        result=result,
        schedule=schedule,
        coverage=coverage,
        summary=summary,
        causes=shortfall_causes(problem, coverage),
        quality=quality(problem, result.solution, state),
    )

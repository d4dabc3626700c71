"""One call from tables to a schedule: problem -> greedy warm start -> CP-SAT -> queue blocks
-> reassignment -> tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from dataclasses import dataclass

import polars as pl

from scheduling.baseline import greedy_schedule
from scheduling.blocks import allocate_blocks, reassign
from scheduling.check import check_schedule
from scheduling.previous import PreviousWeek
from scheduling.problem import ScheduleProblem, from_frames
from scheduling.report import (
    ScheduleSummary,
    coverage_frame,
    schedule_frame,
    shortfall_causes,
    summarize,
    with_service_levels,
)
from scheduling.solve import ScheduleResult, SolveParams, relative_gap, solve
from wfm.center import Center
from wfm.errors import ScheduleError

__all__ = ["WeekSchedule", "schedule_week"]

log = logging.getLogger(__name__)

# Share of the time limit for the queue blocks' MIPs (scheduling.blocks), after the solver.
BLOCKS_FRAC = 0.2


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
    """

    problem: ScheduleProblem
    result: ScheduleResult
    schedule: pl.DataFrame
    coverage: pl.DataFrame
    summary: ScheduleSummary
    causes: list[str]


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
    started = time.perf_counter()
    solver_params = dataclasses.replace(params, max_time_s=params.max_time_s * (1 - BLOCKS_FRAC))
    result = solve(problem, params=solver_params, hint=greedy_schedule(problem))
    blocks_s = max(1.0, params.max_time_s - (time.perf_counter() - started))
    state = allocate_blocks(problem, result.solution, time_s=blocks_s, seed=params.seed)
    state = reassign(problem, result.solution, state)
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
    )

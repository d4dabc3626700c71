"""One call from tables to a schedule: problem -> greedy warm start -> CP-SAT -> tables."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import polars as pl

from scheduling.baseline import greedy_schedule
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
from scheduling.solution import allocate
from scheduling.solve import ScheduleResult, SolveParams, solve
from wfm.center import Center
from wfm.errors import ScheduleError

__all__ = ["WeekSchedule", "schedule_week"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WeekSchedule:
    """A solved week.

    Attributes:
        problem: the integer problem.
        result: solver status, objective, bounds, gaps and time.
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
    result = solve(problem, params=params, hint=greedy_schedule(problem))
    state = allocate(problem, result.solution)
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
    return WeekSchedule(
        problem=problem,
        result=result,
        schedule=schedule,
        coverage=coverage,
        summary=summarize(problem, result.solution, state),
        causes=shortfall_causes(problem, coverage),
    )

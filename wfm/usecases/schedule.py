"""The scheduling use case: requirements and a roster in, the week's schedule files out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from scheduling.agent_week import agent_week
from scheduling.plots import plot_coverage
from scheduling.pooled import PooledSchedule, schedule_pools
from scheduling.solve import SolveParams
from wfm.center import Center
from wfm.execution import Executor
from wfm.loaders import load_requirements, load_roster
from wfm.output import (
    TableFormat,
    local_times,
    replace_file,
    write_tables,
    write_workbook,
)
from wfm.usecases.previous import load_previous_week

__all__ = ["ScheduleRun", "run_schedule", "write_schedule"]


@dataclass(frozen=True)
class ScheduleRun:
    """A solved week and the files written for it."""

    week: PooledSchedule
    files: list[Path]


def write_schedule(week: PooledSchedule, out_dir: str | Path, *, fmt: TableFormat) -> list[Path]:
    """Write a solved center week: the schedule, coverage and agent week tables, a workbook
    (schedule.xlsx, local times), coverage.png, shortfall.txt (causes, then the pools'
    warnings), pools.csv (one status row per pool) and teams.csv (stability and preferences
    per team, README `wfm schedule`, Stability and preferences).

    Returns:
        The files written.
    """
    out = Path(out_dir)
    timezone = week.center.timezone
    view = agent_week(week)
    paths = write_tables(
        {"schedule": week.schedule, "coverage": week.coverage, "agent_week": view}, out, fmt=fmt
    )
    sheets = {
        "agent_week": view,
        "schedule": local_times(week.schedule, timezone),
        "coverage": local_times(week.coverage, timezone),
    }
    paths.append(write_workbook(sheets, out / "schedule.xlsx"))
    paths.append(plot_coverage(week.coverage, out / "coverage.png", timezone=timezone))
    lines = [*week.causes, *(f"warning: {w}" for w in week.warnings)]
    text = "".join(f"{line}\n" for line in lines)
    paths.append(
        replace_file(out / "shortfall.txt", lambda tmp: tmp.write_text(text, encoding="utf-8"))
    )
    paths += write_tables(
        {"pools": week.pool_status(), "teams": week.team_stability()}, out, fmt="csv"
    )
    return paths


def run_schedule(
    requirements: str | Path,
    roster: str | Path,
    center: Center,
    *,
    week_start: dt.date,
    params: SolveParams,
    out_dir: str | Path,
    previous: str | Path | None = None,
    fmt: TableFormat = "both",
    executor: Executor | None = None,
) -> ScheduleRun:
    """Schedule the week starting on local Monday `week_start`, pool by pool, and write it.

    Args:
        previous: the published week before (a schedule file or a folder holding one): its
            shifts that run into this week, rest and consecutive days across the boundary.

    Raises:
        DataError, ScheduleError, InfeasibleError, OutputError.
    """
    roster_frame = load_roster(roster, center)
    week = schedule_pools(
        load_requirements(requirements, center),
        roster_frame,
        center,
        week_start=week_start,
        params=params,
        executor=executor,
        previous=None
        if previous is None
        else load_previous_week(previous, center, roster=roster_frame),
    )
    return ScheduleRun(week, write_schedule(week, out_dir, fmt=fmt))

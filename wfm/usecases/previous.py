"""The week before the one being planned: read from a file or folder, checked against the
roster, or found in a center folder (README, `wfm schedule`, Rolling weeks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from scheduling.previous import PreviousWeek
from wfm.center import Center
from wfm.errors import DataError, DataIssue
from wfm.folder import find_table
from wfm.loaders import load_schedule

__all__ = ["holds_week_before", "load_previous_week", "schedule_path"]


def schedule_path(source: str | Path) -> Path:
    """A schedule file, or the schedule table of a folder (a center folder, the output folder
    of `wfm schedule`).

    Raises:
        DataError: the folder holds no schedule table.
    """
    source = Path(source)
    if not source.is_dir():
        return source
    path = find_table(source, "schedule")
    if path is None:
        raise DataError(
            source / "schedule.parquet",
            [DataIssue(None, None, "file not found: the folder holds no schedule table")],
        )
    return path


def load_previous_week(
    source: str | Path | pl.DataFrame, center: Center, *, roster: pl.DataFrame
) -> PreviousWeek:
    """The published previous week from a schedule file, a folder holding one (a center
    folder, or the output folder of `wfm schedule`), or a frame in the schedule's shape.

    Its agents must be on the roster and its activities must not overlap (the loader's
    rules, errors naming file, row and column); that every shift starts in the week before
    is checked when the week is scheduled.

    Raises:
        DataError: no schedule table, an unknown agent, overlapping activities, ...
    """
    if isinstance(source, pl.DataFrame):
        path: Path | None = None
        table: str | Path | pl.DataFrame = source
    else:
        path = schedule_path(source)
        table = path
    agent_ids = set(roster["agent_id"].to_list())
    frame = load_schedule(table, center, agent_ids=agent_ids, row_numbers=True)
    return PreviousWeek(frame, str(path) if path is not None else "previous week")


def holds_week_before(schedule: pl.DataFrame, center: Center, week_start: dt.date) -> bool:
    """The schedule has a shift starting in the 7 local days before `week_start`."""
    if schedule.is_empty():
        return False
    days = schedule["start"].dt.convert_time_zone(center.timezone).dt.date()
    first = week_start - dt.timedelta(days=7)
    return bool(((days >= first) & (days < week_start)).any())

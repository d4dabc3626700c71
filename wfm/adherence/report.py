"""One call for the `wfm adherence` command: compute everything, then write it to files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from wfm.adherence.engine import AdherenceResult, adherence
from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.plot import plot_timeline
from wfm.adherence.realtime import realtime_snapshot
from wfm.center import Center

__all__ = ["AdherenceReport", "adherence_report", "write_report", "write_tables"]


@dataclass(frozen=True)
class AdherenceReport:
    """Adherence for a period (optionally one day / team) and, with `at`, a snapshot.

    Attributes:
        result: agent-days, exceptions, team roll-ups and timeline.
        realtime: the snapshot at `at` (REALTIME_COLUMNS), or None.
        day: the day filter, if any.
        team: the team filter, if any.
        at: the snapshot instant (UTC), if any.
        tz: the center's time zone name.
    """

    result: AdherenceResult
    realtime: pl.DataFrame | None
    day: dt.date | None
    team: str | None
    at: dt.datetime | None
    tz: str


def adherence_report(
    schedule: pl.DataFrame,
    states: pl.DataFrame,
    center: Center,
    *,
    rules: AdherenceRules | None = None,
    roster: pl.DataFrame | None = None,
    approved: pl.DataFrame | None = None,
    day: dt.date | None = None,
    team: str | None = None,
    at: dt.datetime | None = None,
) -> AdherenceReport:
    """Adherence per agent-day (up to `at` when given) plus a real-time snapshot at `at`.

    Raises:
        AdherenceError, DataError: see `wfm.adherence.adherence`.
    """
    teams = None if team is None else [team]
    result = adherence(
        schedule,
        states,
        center,
        rules=rules,
        as_of=at,
        approved=approved,
        roster=roster,
        dates=None if day is None else [day],
        teams=teams,
    )
    snapshot = None
    if at is not None:
        snapshot = realtime_snapshot(
            schedule,
            states,
            center,
            at=at,
            rules=rules,
            approved=approved,
            roster=roster,
            teams=teams,
        )
    return AdherenceReport(result, snapshot, day, team, at, center.timezone)


def write_report(
    report: AdherenceReport,
    out_dir: str | Path,
    *,
    fmt: Literal["csv", "parquet"] = "csv",
    plot: bool = True,
) -> list[Path]:
    """Write agent_days, exceptions, teams (and realtime) tables and the timeline PNG(s).

    The PNG shows one day (the `day` filter, else the first day of the report) for the team
    filter, or for all agents (the 40 with the most counted deviation).

    Returns:
        The files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = {
        "adherence_agent_days": report.result.agent_days,
        "adherence_exceptions": report.result.exceptions,
        "adherence_teams": report.result.teams,
    }
    if report.realtime is not None:
        tables["adherence_realtime"] = report.realtime
    written = write_tables(tables, out, fmt=fmt)
    days = report.result.agent_days.get_column("date")
    if plot and days.len():
        day = report.day or days.min()
        suffix = f"_{report.team}" if report.team else ""
        title = f"Scheduled vs actual, {day}" + (f", team {report.team}" if report.team else "")
        written.append(
            plot_timeline(
                report.result.timeline,
                out / f"adherence_timeline_{day}{suffix}.png",
                day=day,
                tz=report.tz,
                title=title,
            )
        )
    return written


def write_tables(
    tables: dict[str, pl.DataFrame], out_dir: str | Path, *, fmt: Literal["csv", "parquet"]
) -> list[Path]:
    """Write each frame as `<name>.<fmt>` in `out_dir` (created if needed); return the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            frame.write_csv(path)
        else:
            frame.write_parquet(path)
        written.append(path)
    return written

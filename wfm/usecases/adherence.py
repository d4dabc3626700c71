"""Adherence use cases: a published schedule against phone states; plan against actual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from wfm.adherence.mapping import load_rules
from wfm.adherence.plan_actual import PlanActual, plan_vs_actual
from wfm.adherence.plot import plot_timeline
from wfm.adherence.report import AdherenceReport, adherence_report
from wfm.center import Center
from wfm.loaders import load_forecast, load_history, load_optional, load_schedule, load_states
from wfm.output import TableFormat, write_tables

__all__ = [
    "AdherenceRun",
    "PlanActualRun",
    "run_adherence",
    "run_plan_actual",
    "write_adherence",
]


@dataclass(frozen=True)
class AdherenceRun:
    """An adherence report and the files written for it."""

    report: AdherenceReport
    files: list[Path]


def write_adherence(
    report: AdherenceReport, out_dir: str | Path, *, fmt: TableFormat, plot: bool = True
) -> list[Path]:
    """Write agent_days, exceptions, teams (and realtime) tables and the timeline PNG.

    The PNG shows one day (the `day` filter, else the first day of the report) for the team
    filter, or for all agents (the 40 with the most counted deviation).

    Returns:
        The files written.
    """
    out = Path(out_dir)
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
        out.mkdir(parents=True, exist_ok=True)
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


def run_adherence(
    schedule: str | Path,
    states: str | Path,
    center: Center,
    *,
    out_dir: str | Path,
    roster: str | Path | None = None,
    rules: str | Path | None = None,
    approved: str | Path | None = None,
    day: dt.date | None = None,
    team: str | None = None,
    at: dt.datetime | None = None,
    fmt: TableFormat = "both",
    plot: bool = True,
) -> AdherenceRun:
    """Adherence per agent-day (up to `at`), exceptions, team roll-ups, a real-time snapshot
    at `at`, written to `out_dir`.

    Raises:
        DataError, AdherenceError, OutputError.
    """
    adherence_rules = load_rules(rules)
    schedule_frame = load_schedule(schedule, center)
    roster_frame = load_optional("roster", roster, center)
    # With a roster, a state of an agent in neither it nor the schedule is an input error
    # (a mistyped id would otherwise get an adherence row of its own).
    known_agents = None
    if roster_frame is not None:
        known_agents = set(roster_frame["agent_id"]) | set(schedule_frame["agent_id"])
    report = adherence_report(
        schedule_frame,
        load_states(
            states,
            center,
            agent_ids=known_agents,
            agents_from="the roster nor the schedule",
            known_states=adherence_rules.mapping,
        ),
        center,
        rules=adherence_rules,
        roster=roster_frame,
        approved=load_optional("schedule", approved, center),
        day=day,
        team=team,
        at=at,
    )
    return AdherenceRun(report, write_adherence(report, out_dir, fmt=fmt, plot=plot))


@dataclass(frozen=True)
class PlanActualRun:
    """Plan against actual and the files written for it."""

    result: PlanActual
    files: list[Path]


def run_plan_actual(
    forecast: str | Path,
    history: str | Path,
    center: Center,
    *,
    out_dir: str | Path,
    requirements: str | Path | None = None,
    schedule: str | Path | None = None,
    states: str | Path | None = None,
    roster: str | Path | None = None,
    rules: str | Path | None = None,
    fmt: TableFormat = "both",
) -> PlanActualRun:
    """Plan vs actual per queue x interval, day and week, written to `out_dir`.

    Raises:
        DataError, AdherenceError, OutputError.
    """
    adherence_rules = load_rules(rules)
    result = plan_vs_actual(
        center,
        forecast=load_forecast(forecast, center),
        history=load_history(history, center),
        requirements=load_optional("requirements", requirements, center),
        schedule=load_optional("schedule", schedule, center),
        states=None
        if states is None
        else load_states(states, center, known_states=adherence_rules.mapping),
        roster=load_optional("roster", roster, center),
        rules=adherence_rules,
    )
    tables = {f"plan_actual_{k}": v for k, v in vars(result).items()}
    return PlanActualRun(result, write_tables(tables, out_dir, fmt=fmt))

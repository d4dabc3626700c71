"""`wfm adherence` (adherence, exceptions, real-time snapshot, timeline) and `wfm plan-actual`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from wfm.adherence.engine import team_rollup
from wfm.adherence.plan_actual import PlanActual
from wfm.adherence.report import AdherenceReport
from wfm.center import load_center
from wfm.cli.main import app
from wfm.cli.options import (
    CenterOpt,
    FormatOpt,
    OutDirOpt,
    console,
    parse_day,
    parse_instant,
)
from wfm.cli.tables import cell, new_table
from wfm.usecases.adherence import run_adherence, run_plan_actual


def realtime_table(rows: list[dict], tz: str | ZoneInfo, title: str) -> Table:
    """Real-time adherence rows (as the engine or the service gives them) as a table, the
    state's start in local time."""
    headers = ("agent", "team", "scheduled", "actual", "since (local)", "out min", "severity")
    table = new_table(headers, right={"out min"}, title=title)
    for row in rows:
        since = row["state_since"]
        if isinstance(since, str):
            since = dt.datetime.fromisoformat(since)
        local = (
            "-" if since is None else since.astimezone(ZoneInfo(str(tz))).strftime("%m-%d %H:%M")
        )
        table.add_row(
            row["agent_id"],
            row["team"] or "-",
            row["scheduled_activity"],
            row["actual_state"] or "-",
            local,
            f"{row['out_of_adherence_s'] / 60:.1f}",
            row["severity"],
        )
    return table


def _render(report: AdherenceReport, top: int) -> None:
    days = report.result.agent_days.sort(["adherence", "agent_id"], nulls_last=True).head(top)
    table = new_table(
        ("agent", "team", "date", "adherence", "conformance", "scheduled h", "exceptions"),
        left={"agent", "team", "date"},
        title=f"Adherence, worst first (top {top} agent-days)",
    )
    for row in days.iter_rows(named=True):
        table.add_row(
            row["agent_id"],
            row["team"] or "-",
            str(row["date"]),
            cell(row["adherence"], ".1%"),
            cell(row["conformance"], ".1%"),
            f"{row['scheduled_s'] / 3600:.2f}",
            str(row["n_exceptions"]),
        )
    console.print(table)
    by_day = report.result.agent_days.get_column("date").n_unique() == 1
    rollup = report.result.teams if by_day else team_rollup(report.result.agent_days, by=("team",))
    teams = new_table(
        ("team", "agents", "adherence", "conformance", "exceptions"),
        left={"team"},
        title="Teams" if by_day else "Teams over the whole period",
    )
    for row in rollup.iter_rows(named=True):
        teams.add_row(
            row["team"] or "-", str(row["n_agents"]), cell(row["adherence"], ".1%"),
            cell(row["conformance"], ".1%"), str(row["n_exceptions"]),
        )  # fmt: skip
    console.print(teams)
    if report.realtime is not None:
        title = f"Real time at {report.at:%Y-%m-%d %H:%M:%S} UTC, worst first"
        console.print(realtime_table(report.realtime.head(top).to_dicts(), report.tz, title))


@app.command("adherence")
def adherence_command(
    schedule: Annotated[Path, typer.Option(help="Published schedule (CSV or Parquet).")],
    states: Annotated[Path, typer.Option(help="Agent states or state event log (CSV/Parquet).")],
    center: CenterOpt,
    out: OutDirOpt,
    roster: Annotated[
        Path | None, typer.Option(help="Roster (gives teams; needed by --team).")
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(help="Adherence rules YAML (mapping, grace_s, severe_s, neutral)."),
    ] = None,
    approved: Annotated[
        Path | None, typer.Option(help="Approved exceptions (schedule format).")
    ] = None,
    date: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Local day (shift day).")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Only this team (needs --roster).")] = None,
    at: Annotated[
        str | None,
        typer.Option(
            help="Snapshot instant (ISO; local time if no offset); adherence counts up to it."
        ),
    ] = None,
    fmt: FormatOpt = "both",
    plot: Annotated[bool, typer.Option(help="Draw the timeline PNG.")] = True,
    top: Annotated[int, typer.Option(help="Rows shown in the terminal.")] = 20,
) -> None:
    """Adherence and conformance per agent and day, exceptions, team roll-ups, a real-time
    snapshot (--at) and a timeline picture, from a schedule and phone-system states.

    Example:
        wfm adherence --schedule data/sample/schedule.parquet --states data/sample/states.parquet
        --roster data/sample/roster.csv --center data/sample/center.yaml --out out/adherence
    """
    if team is not None and roster is None:
        raise typer.BadParameter("a team filter needs the roster (--roster)", param_hint="--team")
    cfg = load_center(center)
    run = run_adherence(
        schedule,
        states,
        cfg,
        out_dir=out,
        roster=roster,
        rules=rules,
        approved=approved,
        day=None if date is None else parse_day(date),
        team=team,
        at=None if at is None else parse_instant(at, cfg.tz, option="--at"),
        fmt=fmt,
        plot=plot,
    )
    _render(run.report, top)
    for path in run.files:
        console.print(f"wrote {path}")


def _render_plan_actual(result: PlanActual) -> None:
    columns = ("queue", "week", "forecast", "actual", "WAPE", "AHT err", "SL")
    table = new_table(
        (*columns, "req h", "sched h", "staffed h"),
        left={"queue", "week"},
        title="Plan vs actual per queue and week",
    )
    for row in result.weekly.iter_rows(named=True):
        table.add_row(
            row["queue_id"] or "-", str(row["week_start"]), f"{row['volume_forecast']:.0f}",
            f"{row['volume_actual']:.0f}", cell(row["volume_wape"], ".1%"),
            cell(row["aht_wape"], ".1%"), cell(row["service_level"], ".1%"),
            f"{row['required_agent_h']:.1f}", f"{row['scheduled_agent_h']:.1f}",
            f"{row['staffed_agent_h']:.1f}",
        )  # fmt: skip
    console.print(table)


@app.command("plan-actual")
def plan_actual_command(
    forecast: Annotated[Path, typer.Option(help="Forecast (CSV or Parquet).")],
    history: Annotated[Path, typer.Option(help="Actual history (CSV or Parquet).")],
    center: CenterOpt,
    out: OutDirOpt,
    requirements: Annotated[Path | None, typer.Option(help="Requirements table.")] = None,
    schedule: Annotated[Path | None, typer.Option(help="Published schedule.")] = None,
    states: Annotated[Path | None, typer.Option(help="Agent states (staffed agents).")] = None,
    roster: Annotated[Path | None, typer.Option(help="Roster (skills split agents).")] = None,
    rules: Annotated[Path | None, typer.Option(help="Adherence rules YAML.")] = None,
    fmt: FormatOpt = "both",
) -> None:
    """Plan vs actual per queue x interval: forecast vs actual volume and AHT (WAPE per day
    and week), required vs scheduled vs staffed agents, service level achieved.

    Example:
        wfm plan-actual --forecast out/forecast.parquet --history data/sample/history.parquet
        --schedule data/sample/schedule.parquet --states data/sample/states.parquet
        --roster data/sample/roster.csv --center data/sample/center.yaml --out out/plan_actual
    """
    run = run_plan_actual(
        forecast,
        history,
        load_center(center),
        out_dir=out,
        requirements=requirements,
        schedule=schedule,
        states=states,
        roster=roster,
        rules=rules,
        fmt=fmt,
    )
    _render_plan_actual(run.result)
    for path in run.files:
        console.print(f"wrote {path}")

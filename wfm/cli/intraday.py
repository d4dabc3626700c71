"""`wfm intraday`: today's volume against the forecast, a reforecast of the rest of the day,
the agents it needs and the moves that would help, from files or from a running service."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer

from wfm.center import load_center
from wfm.cli.main import app
from wfm.cli.options import FormatOpt, console, parse_instant
from wfm.cli.service import DEFAULT_URL, KeyFileOpt, KeyOpt, UrlOpt, client_or_none
from wfm.cli.tables import cell, new_table
from wfm.client import ServiceClient
from wfm.usecases.intraday import run_intraday

__all__ = ["intraday_command", "render_intraday"]

MOVE_LABELS = {
    "overtime": "overtime",
    "move_break": "move a break",
    "voluntary_time_off": "voluntary time off",
}


def _local(value: Any, tz: ZoneInfo) -> str:
    at = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(tz).strftime("%H:%M")


def render_intraday(body: dict[str, Any], tz: ZoneInfo) -> None:
    """Print the per-queue table and the moves of an intraday view (the route's JSON shape,
    or the engine's tables as records)."""
    at = body["at"]
    at = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    names = (
        "queue",
        "forecast day",
        "actual so far",
        "fc so far",
        "ratio",
        "weight",
        "rest fc",
        "rest refc",
        "attend.",
        "SL target",
        "SL rest exp.",
        "short agent-h",
    )
    table = new_table(
        names, left={"queue"}, title=f"Intraday {body['date']} at {at.astimezone(tz):%H:%M} local"
    )
    for q in body["queues"]:
        table.add_row(
            q["queue_id"],
            f"{q['volume_forecast_day']:.0f}",
            f"{q['volume_actual_so_far']:.0f}",
            f"{q['volume_forecast_so_far']:.0f}",
            cell(q["ratio"], ".2f"),
            f"{q['weight']:.2f}",
            f"{q['volume_rest_forecast']:.0f}",
            f"{q['volume_rest_reforecast']:.0f}",
            cell(q["attendance_frac"], ".1%"),
            cell(q["service_level_target"], ".1%"),
            cell(q["service_level_rest_expected"], ".1%"),
            f"{q['short_agent_h_rest']:.1f}",
        )
    console.print(table)
    moves = new_table(
        ("queue", "from", "to", "move", "agents", "why"),
        right={"agents"},
        title="Moves that would help (local times)",
    )
    for m in body["moves"]:
        moves.add_row(
            m["queue_id"],
            _local(m["start"], tz),
            _local(m["end"], tz),
            MOVE_LABELS.get(m["kind"], m["kind"]),
            str(m["n_agents"]),
            m["reason"],
        )
    console.print(moves if body["moves"] else "no move suggested for the rest of the day")


@app.command("intraday")
def intraday_command(
    at: Annotated[
        str | None,
        typer.Option(help="Instant (ISO; local time of the center if no offset); default now."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option(help="History table (actuals so far); without it the service is asked."),
    ] = None,
    center: Annotated[
        Path | None, typer.Option(help="Center configuration (with --history).")
    ] = None,
    forecast: Annotated[
        Path | None, typer.Option(help="The morning forecast (default: made from --history).")
    ] = None,
    schedule: Annotated[Path | None, typer.Option(help="Published schedule.")] = None,
    states: Annotated[Path | None, typer.Option(help="Agent states (staffed agents).")] = None,
    roster: Annotated[Path | None, typer.Option(help="Roster (skills split agents).")] = None,
    rules: Annotated[Path | None, typer.Option(help="Adherence rules YAML.")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the tables to this folder.")] = None,
    fmt: FormatOpt = "both",
    url: UrlOpt = DEFAULT_URL,
    key: KeyOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Per queue: actual volume so far against the forecast, a reforecast of the rest of the
    day, the agents it needs against those scheduled and staffed, the service level to
    expect, and where overtime, a moved break or voluntary time off would help.

    Example:
        wfm intraday --history data/sample/history.parquet --center data/sample/center.yaml
        --schedule data/sample/schedule.parquet --states data/sample/states.parquet
        --roster data/sample/roster.csv --at 2026-11-12T11:00

        wfm intraday --key-file var/keys/supervisor-pharmacy.key --at 2026-11-12T11:00
    """
    if history is None:
        client = client_or_none(url, key, key_file, needed=True)
        assert client is not None
        with client:
            _from_service(client, at)
        return
    if center is None:
        raise typer.BadParameter("--history needs --center", param_hint="--center")
    cfg = load_center(center)
    instant = dt.datetime.now(dt.UTC) if at is None else parse_instant(at, cfg.tz, option="--at")
    run = run_intraday(
        history,
        cfg,
        at=instant,
        forecast_path=forecast,
        schedule=schedule,
        states=states,
        roster=roster,
        rules=rules,
        out_dir=out,
        fmt=fmt,
    )
    result = run.result
    body = {
        "at": result.at,
        "date": result.date,
        "queues": result.queues.to_dicts(),
        "moves": result.moves.to_dicts(),
    }
    render_intraday(body, cfg.tz)
    for path in run.files:
        console.print(f"wrote {path}")


def _from_service(client: ServiceClient, at: str | None) -> None:
    cfg = client.center()
    instant = None if at is None else parse_instant(at, cfg.tz, option="--at")
    render_intraday(client.intraday(at=instant), cfg.tz)

"""`wfm schedule`: build the week's schedule from requirements and a roster."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from scheduling.export import write_outputs
from scheduling.run import WeekSchedule, schedule_week
from scheduling.solve import SolveParams
from wfm.center import load_center
from wfm.cli.main import app
from wfm.loaders import load_requirements, load_roster

__all__ = ["render_schedule"]

console = Console(highlight=False)


def _week(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got {text!r}") from None


def render_schedule(week: WeekSchedule, files: list[Path]) -> None:
    r, s = week.result, week.summary
    table = Table(title=f"Schedule for the week of {week.problem.week_start}", show_header=False)
    for label, value in (
        ("status", r.status),
        ("objective / best bound (gap)", f"{r.objective:,.0f} / {r.best_bound:,.0f} ({r.gap:.1%})"),
        (
            "shortfall cost / proven bound",
            f"{s.shortfall_cost:,.0f} / {r.shortfall_bound:,.0f} "
            f"({(s.shortfall_cost - r.shortfall_bound) / max(1, s.shortfall_cost):.1%})",
        ),
        ("solve time", f"{r.wall_s:.1f} s"),
        ("agents / shifts", f"{len(week.problem.agents)} / {s.n_shifts}"),
        ("paid hours", f"{s.paid_h:,.1f} h"),
        ("required / scheduled", f"{s.required_h:,.1f} / {s.scheduled_h:,.1f} agent-h"),
        ("shortfall", f"{s.shortfall_h:,.1f} agent-h in {len(week.causes)} runs"),
        ("idle on the phones", f"{s.idle_h:,.1f} agent-h"),
    ):
        table.add_row(label, value)
    console.print(table)
    for line in week.causes[:10]:
        console.print(f"  short: {line}")
    if len(week.causes) > 10:
        console.print(f"  ... {len(week.causes) - 10} more in shortfall.txt")
    console.print("wrote " + ", ".join(p.name for p in files))


@app.command("schedule")
def schedule_cmd(
    requirements: Path = typer.Option(..., "--requirements", help="Requirements CSV/Parquet."),
    roster: Path = typer.Option(..., "--roster", help="Roster CSV/Parquet."),
    center: Path = typer.Option(..., "--center", help="Center config YAML."),
    week: str = typer.Option(..., "--week", help="Local Monday starting the week, YYYY-MM-DD."),
    out: Path = typer.Option(..., "--out", help="Output directory."),
    time_limit: float = typer.Option(60.0, "--time-limit", min=1, help="Solver limit, seconds."),
    workers: int = typer.Option(2, "--workers", min=1, help="CP-SAT search workers."),
    seed: int = typer.Option(0, "--seed", help="Solver random seed."),
) -> None:
    """Build the week's schedule: shifts, breaks, lunches and queues for every agent.

    Writes schedule, coverage and agent_week as CSV and Parquet, schedule.xlsx,
    coverage.png and shortfall.txt into --out.

    Example: wfm schedule --requirements out/requirements.parquet --roster data/sample/roster.csv
    --center data/sample/center.yaml --week 2026-11-30 --out out/schedule --time-limit 60
    """
    config = load_center(center)
    result = schedule_week(
        load_requirements(requirements, config),
        load_roster(roster, config),
        config,
        week_start=_week(week),
        params=SolveParams(max_time_s=time_limit, n_workers=workers, seed=seed),
    )
    render_schedule(result, write_outputs(result, out))

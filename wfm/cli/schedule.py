"""`wfm schedule`: build the week's schedule from requirements and a roster, pool by pool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from scheduling.export import write_outputs
from scheduling.pooled import PooledSchedule, schedule_pools
from scheduling.solve import SolveParams
from wfm.center import load_center
from wfm.cli.forecast import ClusterOpt
from wfm.cli.main import app
from wfm.execution import executor_from_option
from wfm.loaders import load_requirements, load_roster

__all__ = ["render_schedule"]

console = Console(highlight=False)
_MAX_POOL_ROWS = 20


def _week(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _number(value: float | None) -> str:
    """A solver figure, or "none" where no solver schedule exists (WARM_START_ONLY)."""
    return "none" if value is None else f"{value:,.0f}"


def _pools_table(week: PooledSchedule) -> Table:
    table = Table(title=f"{len(week.pools)} independent agent pools")
    for name in ("pool", "agents", "queues", "status", "shortfall / bound", "solve s"):
        table.add_column(name, justify="left" if name in ("pool", "status") else "right")
    for row in week.pool_status().head(_MAX_POOL_ROWS).iter_rows(named=True):
        table.add_row(
            row["pool_id"],
            str(row["n_agents"]),
            str(row["n_queues"]),
            row["status"],
            f"{_number(row['shortfall_cost'])} / {row['shortfall_bound']:,.0f}",
            f"{row['solve_s']:.1f}",
        )
    return table


def render_schedule(week: PooledSchedule, files: list[Path]) -> None:
    """Print the headline figures, the pools (when more than one), warnings and files."""
    s = week.summary
    table = Table(title=f"Schedule for the week of {week.week_start}", show_header=False)
    for label, value in (
        ("status", week.status),
        (
            "objective / best bound (gap)",
            f"{_number(week.objective)} / {week.best_bound:,.0f}"
            + ("" if week.gap is None else f" ({week.gap:.1%})"),
        ),
        (
            "shortfall cost / proven bound",
            f"{s.shortfall_cost:,.0f} / {week.shortfall_bound:,.0f} "
            f"({(s.shortfall_cost - week.shortfall_bound) / max(1, s.shortfall_cost):.1%})",
        ),
        ("solve time", f"{week.wall_s:.1f} s ({week.solve_s:.1f} s summed over pools)"),
        ("agents / shifts / pools", f"{len(week.agents)} / {s.n_shifts} / {len(week.pools)}"),
        ("paid hours", f"{s.paid_h:,.1f} h"),
        ("required / scheduled", f"{s.required_h:,.1f} / {s.scheduled_h:,.1f} agent-h"),
        ("shortfall", f"{s.shortfall_h:,.1f} agent-h in {len(week.causes)} runs"),
        ("idle on the phones", f"{s.idle_h:,.1f} agent-h"),
    ):
        table.add_row(label, value)
    console.print(table)
    if len(week.pools) > 1:
        console.print(_pools_table(week))
    if len(week.pools) > _MAX_POOL_ROWS:
        console.print(f"  ... {len(week.pools) - _MAX_POOL_ROWS} more pools in pools.csv")
    for line in week.warnings[:10]:
        console.print(f"[yellow]warning:[/] {line}")
    if len(week.warnings) > 10:
        console.print(f"  ... {len(week.warnings) - 10} more warnings in pools.csv")
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
    time_limit: float = typer.Option(
        60.0, "--time-limit", min=1, help="Solver seconds for the week (shared by the pools)."
    ),
    workers: int = typer.Option(2, "--workers", min=1, help="CP-SAT search workers."),
    seed: int = typer.Option(0, "--seed", help="Solver random seed."),
    cluster: ClusterOpt = None,
) -> None:
    """Build the week's schedule: shifts, breaks, lunches and queues for every agent.

    The center is split into independent agent pools (agents linked by shared skills), one
    model each, solved in turn or side by side on --cluster. Writes schedule, coverage and
    agent_week as CSV and Parquet, schedule.xlsx, coverage.png, shortfall.txt and pools.csv
    into --out.

    Example: wfm schedule --requirements out/requirements.parquet --roster data/sample/roster.csv
    --center data/sample/center.yaml --week 2026-11-30 --out out/schedule --time-limit 60
    --cluster local:2
    """
    config = load_center(center)
    frames = load_requirements(requirements, config), load_roster(roster, config)
    with executor_from_option(cluster) as executor:
        result = schedule_pools(
            *frames,
            config,
            week_start=_week(week),
            params=SolveParams(max_time_s=time_limit, n_workers=workers, seed=seed),
            executor=executor,
        )
    render_schedule(result, write_outputs(result, out))

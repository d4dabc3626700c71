"""`wfm schedule`: build the week's schedule from requirements and a roster, pool by pool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from scheduling.pooled import PooledSchedule
from scheduling.solve import SolveParams
from wfm.center import load_center
from wfm.cli.main import app
from wfm.cli.options import (
    CenterOpt,
    ClusterOpt,
    DeterministicOpt,
    FormatOpt,
    OutDirOpt,
    PreviousOpt,
    RosterOpt,
    SeedOpt,
    SolverWorkersOpt,
    TimeLimitOpt,
    WeekOpt,
    check_week_start,
    console,
    executor_from_options,
)
from wfm.cli.tables import new_table
from wfm.usecases.schedule import run_schedule

__all__ = ["render_schedule"]

_MAX_POOL_ROWS = 20


def _number(value: float | None) -> str:
    """A solver figure, or "none" where no solver schedule exists (WARM_START_ONLY)."""
    return "none" if value is None else f"{value:,.0f}"


def _pools_table(week: PooledSchedule) -> Table:
    table = new_table(
        ("pool", "agents", "queues", "status", "shortfall / bound", "solve s"),
        left={"pool", "status"},
        title=f"{len(week.pools)} independent agent pools",
    )
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


def _previous(week: PooledSchedule) -> str:
    if week.previous_source is None:
        return "not given: shifts of the week before are not known"
    n = week.n_carried_in
    agents = "1 agent" if n == 1 else f"{n} agents"
    return f"{week.previous_source} ({agents} still on a shift at the start)"


def _after(week: PooledSchedule) -> str:
    source = {
        "requirements": "from the requirements",
        "cyclic": "taken from this week's Monday",
    }.get(week.spill_required_from)
    if source is None:
        return "no shift runs past the week's end"
    return (
        f"{week.summary.spill_shortfall_h:,.1f} agent-h short in the next day's hours the last "
        f"night shifts run into (requirement {source})"
    )


def _switches(week: PooledSchedule) -> str:
    """Changes of queue per multi-skilled shift over the pools (README, Queue blocks)."""
    n = sum(w.quality.n_multi_shifts for w in week.weeks)
    if n == 0:
        return "no multi-skilled shift"
    total = sum(w.quality.switches_per_multi_shift * w.quality.n_multi_shifts for w in week.weeks)
    most = max(w.quality.max_switches for w in week.weeks)
    return f"{total / n:.1f} per multi-skilled shift (at most {most}, {n} shifts)"


def _share(frac: float | None, feasible: int) -> str:
    return "none feasible" if frac is None else f"{frac:.0%} of {feasible} feasible"


def _stability_lines(teams: pl.DataFrame) -> list[tuple[str, str]]:
    """The center's row of the team table as summary lines."""
    c = teams.row(teams.height - 1, named=True)
    pairs = c["successive_shifts"]
    changed = c["start_changes"] / pairs if pairs else 0.0
    return [
        (
            "start-time changes",
            f"{c['start_changes']} of {pairs} successive shifts ({changed:.0%}), "
            f"{c['start_changes_over_1h']} by more than 1 h; "
            f"{c['agents_3plus_starts']} agents with 3+ start times",
        ),
        ("days off not in one block", f"{c['agents_days_off_split']} of {c['n_agents']} agents"),
        (
            "preferred starts / days off honoured",
            f"{_share(c['preferred_start_honoured_frac'], c['preferred_start_feasible'])} / "
            f"{_share(c['preferred_day_off_honoured_frac'], c['preferred_day_off_feasible'])}",
        ),
    ]


def _teams_table(teams: pl.DataFrame) -> Table:
    table = Table(title="Stability and preferences by team (teams.csv)")
    for name in (
        "team",
        "agents",
        "start changes",
        "> 1 h",
        "3+ starts",
        "days off split",
        "pref. starts",
        "pref. days off",
    ):
        table.add_column(name, justify="left" if name == "team" else "right")
    for row in teams.iter_rows(named=True):
        table.add_row(
            row["team"],
            str(row["n_agents"]),
            f"{row['start_changes']} / {row['successive_shifts']}",
            str(row["start_changes_over_1h"]),
            str(row["agents_3plus_starts"]),
            str(row["agents_days_off_split"]),
            _share(row["preferred_start_honoured_frac"], row["preferred_start_feasible"]),
            _share(row["preferred_day_off_honoured_frac"], row["preferred_day_off_feasible"]),
        )
    return table


def render_schedule(week: PooledSchedule, files: list[Path]) -> None:
    """Print the headline figures, the pools (when more than one), warnings and files."""
    s = week.summary
    teams = week.team_stability()
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
        (
            "idle while short / paid with no queue open",
            f"{sum(w.quality.idle_while_short_h for w in week.weeks):,.1f} / "
            f"{sum(w.quality.paid_closed_h for w in week.weeks):,.1f} agent-h",
        ),
        ("queue switches", _switches(week)),
        *_stability_lines(teams),
        ("previous week", _previous(week)),
        ("after the week", _after(week)),
    ):
        table.add_row(label, value)
    console.print(table)
    if len(week.pools) > 1:
        console.print(_pools_table(week))
    console.print(_teams_table(teams))
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
    requirements: Annotated[Path, typer.Option("--requirements", help="Requirements CSV/Parquet.")],
    roster: RosterOpt,
    center: CenterOpt,
    week: WeekOpt,
    out: OutDirOpt,
    previous: PreviousOpt = None,
    time_limit: TimeLimitOpt = 60.0,
    workers: SolverWorkersOpt = 2,
    seed: SeedOpt = 0,
    deterministic: DeterministicOpt = False,
    cluster: ClusterOpt = None,
    fmt: FormatOpt = "both",
) -> None:
    """Build the week's schedule: shifts, breaks, lunches and queues for every agent.

    The center is split into independent agent pools (agents linked by shared skills), one
    model each, solved in turn or side by side on --cluster. Writes schedule, coverage and
    agent_week (CSV and/or Parquet), schedule.xlsx, coverage.png, shortfall.txt, pools.csv
    and teams.csv into --out.

    Example: wfm schedule --requirements out/requirements.parquet --roster data/sample/roster.csv
    --center data/sample/center.yaml --week 2026-11-30 --out out/schedule --time-limit 60
    --cluster local:2
    """
    cfg = load_center(center)
    check_week_start(week, cfg)
    with executor_from_options(cluster) as executor:
        run = run_schedule(
            requirements,
            roster,
            cfg,
            week_start=week,
            params=SolveParams(
                max_time_s=time_limit,
                n_workers=workers,
                seed=seed,
                deterministic=deterministic,
            ),
            out_dir=out,
            previous=previous,
            fmt=fmt,
            executor=executor,
        )
    render_schedule(run.week, run.files)

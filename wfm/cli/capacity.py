"""`wfm capacity`: the managers' capacity plan, FTE required against FTE available per week."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wfm.center import load_center
from wfm.cli.main import app
from wfm.cli.options import (
    CenterOpt,
    ClusterOpt,
    DriversOpt,
    EventsOpt,
    FormatOpt,
    HistoryOpt,
    ModelOpt,
    OutDirOpt,
    ProcessesOpt,
    RosterOpt,
    check_week_start,
    console,
    day_option,
    parse_horizon_days,
    queue_progress,
)
from wfm.usecases.capacity import CapacityRun, run_capacity

__all__: list[str] = []


def _summary(run: CapacityRun) -> Table:
    table = Table(
        "scenario",
        "peak week",
        "peak FTE req.",
        "mean FTE avail.",
        "short group-weeks",
        "suggested hires",
        "under-staffing cost",
        "over-staffing cost",
        title=f"Capacity plan from {run.inputs.start}",
    )
    for row in run.outcome.result.summary.iter_rows(named=True):
        table.add_row(
            row["scenario"],
            str(row["peak_week"]),
            f"{row['peak_fte_required']:.1f}",
            f"{row['mean_fte_available']:.1f}",
            str(row["short_group_weeks"]),
            str(row["suggested_hires"]),
            f"{row['under_cost']:,.0f}",
            f"{row['over_cost']:,.0f}",
        )
    return table


def _hiring(run: CapacityRun) -> Table:
    table = Table(
        "group",
        "team",
        "first short week",
        "peak",
        "latest start",
        "start",
        "size",
        "on time",
        title="Suggested classes (base case)",
    )
    base = run.outcome.result.hiring.filter(run.outcome.result.hiring["scenario"] == "base")
    for row in base.iter_rows(named=True):
        table.add_row(
            row["group"],
            row["team"],
            str(row["first_short_week"]),
            row["peak"] or "-",
            str(row["latest_start"]),
            str(row["start"]),
            str(row["size"]),
            "yes" if row["on_time"] else "late",
        )
    return table


@app.command("capacity")
def capacity_cmd(
    history: HistoryOpt,
    center: CenterOpt,
    roster: RosterOpt,
    out: OutDirOpt,
    plan: Annotated[
        Path | None, typer.Option("--plan", help="Capacity plan file (YAML): attrition, classes.")
    ] = None,
    scenarios: Annotated[
        Path | None, typer.Option("--scenarios", help="Scenario file (YAML): named what-ifs.")
    ] = None,
    drivers: DriversOpt = None,
    events: EventsOpt = None,
    start: Annotated[
        dt.date | None,
        day_option(
            "First day of the plan, a week start (Monday unless the center's week_start "
            "says otherwise) [default: the first after the history]."
        ),
    ] = None,
    horizon: Annotated[str, typer.Option("--horizon", help="Length in weeks: 26w, 52w.")] = "52w",
    model: ModelOpt = "auto",
    level: Annotated[int, typer.Option("--level", help="Band level in %.")] = 80,
    band_step: Annotated[
        int,
        typer.Option(
            "--band-step", min=1, help="Weeks between the band's backtest origins (fewer: slower)."
        ),
    ] = 8,
    fmt: FormatOpt = "both",
    plot: Annotated[
        bool, typer.Option("--plot/--no-plot", help="Write capacity.png and capacity.html.")
    ] = True,
    cluster: ClusterOpt = None,
    workers: ProcessesOpt = None,
) -> None:
    """Capacity plan: FTE required (with a band) against FTE available per group and week,
    suggested hiring classes, and scenarios side by side.

    Example:
        wfm capacity --history data/sample/history.parquet --center data/sample/center.yaml
        --roster data/sample/roster.csv --events data/sample/events.csv
        --plan data/sample/capacity.yaml --scenarios data/sample/scenarios.yaml
        --horizon 52w --out out/capacity
    """
    horizon_days = parse_horizon_days(horizon)
    if horizon_days % 7:
        raise typer.BadParameter(
            f"give whole weeks, e.g. 52w; got {horizon}", param_hint="--horizon"
        )
    cfg = load_center(center)
    check_week_start(start, cfg, option="--start")
    progress = queue_progress(
        "forecasting queues", len(cfg.queues), cluster=cluster, workers=workers
    )
    with progress as (executor, queue_done):
        run = run_capacity(
            cfg,
            history,
            roster,
            out_dir=out,
            plan=plan,
            scenarios=scenarios,
            drivers=drivers,
            events=events,
            start=start,
            horizon_weeks=horizon_days // 7,
            model=model,
            level=level,
            band_step_weeks=band_step,
            fmt=fmt,
            plot=plot,
            progress=queue_done,
            executor=executor,
        )
    console.print(_summary(run))
    console.print(_hiring(run))
    for path in run.files:
        if path.suffix in (".xlsx", ".png"):
            console.print(f"{path.suffix[1:]}: {path}")

"""`wfm plan`: forecast -> staff -> schedule for one week, every stage's table on disk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from scheduling.export import write_outputs
from scheduling.solve import SolveParams
from wfm.cli.forecast import ClusterOpt
from wfm.cli.main import app
from wfm.cli.pipeline import plan_week
from wfm.cli.schedule import render_schedule
from wfm.execution import executor_from_option
from wfm.staffing.plan import write_table

console = Console(highlight=False)


@app.command("plan")
def plan_cmd(
    center: Annotated[Path, typer.Option("--center", help="Center config YAML.")],
    week: Annotated[
        dt.datetime, typer.Option("--week", formats=["%Y-%m-%d"], help="Local Monday of the week.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Output directory.")],
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Folder with history, roster, drivers, events (default: the center's)."
        ),
    ] = None,
    model: Annotated[str, typer.Option("--model", help="Forecast model or auto.")] = "auto",
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=1, help="Solver seconds for the week (all pools).")
    ] = 60.0,
    workers: Annotated[int, typer.Option("--workers", min=1, help="CP-SAT workers.")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Solver random seed.")] = 0,
    cluster: ClusterOpt = None,
) -> None:
    """Plan a week: forecast it from history, staff it (Erlang), schedule the roster (CP-SAT).

    Writes forecast.csv, requirements.csv and the schedule outputs (schedule, coverage,
    agent_week, schedule.xlsx, coverage.png, shortfall.txt, pools.csv) into --out. With
    --cluster, the forecast's queues and the schedule's agent pools run on Dask.

    Example:
        wfm plan --center data/sample/center.yaml --week 2026-11-16 --out out/plan
        --cluster local:2
    """
    week_start = week.date()
    if week_start.weekday() != 0:
        raise typer.BadParameter(f"{week_start} is not a Monday", param_hint="--week")
    with (
        executor_from_option(cluster) as executor,
        Progress(console=console, transient=True) as bar,
    ):
        task = bar.add_task("forecast", total=None)
        plan = plan_week(
            center,
            week_start=week_start,
            data_dir=data,
            model=model,
            params=SolveParams(max_time_s=time_limit, n_workers=workers, seed=seed),
            progress=lambda label: bar.update(task, description=f"done: {label}"),
            executor=executor,
        )
    out.mkdir(parents=True, exist_ok=True)
    write_table(plan.forecast, out / "forecast.csv")
    write_table(plan.requirements, out / "requirements.csv")
    files = [out / "forecast.csv", out / "requirements.csv", *write_outputs(plan.schedule, out)]
    render_schedule(plan.schedule, files)

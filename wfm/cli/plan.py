"""`wfm plan`: forecast -> staff -> schedule for one week, every stage's table on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scheduling.solve import SolveParams
from wfm.cli.main import app
from wfm.cli.options import (
    CenterOpt,
    ClusterOpt,
    DeterministicOpt,
    FormatOpt,
    ModelOpt,
    OutDirOpt,
    PreviousOpt,
    SeedOpt,
    SolverWorkersOpt,
    TimeLimitOpt,
    WeekOpt,
    check_week_start,
    console,
    executor_from_options,
    progress_bar,
)
from wfm.cli.schedule import render_schedule
from wfm.cli.service import KeyFileOpt, KeyOpt, UrlOpt, client_or_none
from wfm.folder import open_folder
from wfm.usecases.plan import run_plan


@app.command("plan")
def plan_cmd(
    center: CenterOpt,
    week: WeekOpt,
    out: OutDirOpt,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data", help="Folder with history, roster, drivers, events (default: the center's)."
        ),
    ] = None,
    previous: PreviousOpt = None,
    model: ModelOpt = "auto",
    time_limit: TimeLimitOpt = 60.0,
    workers: SolverWorkersOpt = 2,
    seed: SeedOpt = 0,
    deterministic: DeterministicOpt = False,
    cluster: ClusterOpt = None,
    fmt: FormatOpt = "both",
    from_service: Annotated[
        bool,
        typer.Option(
            "--from-service",
            help="Without --previous, take the week before from the service (--url, key).",
        ),
    ] = False,
    publish: Annotated[
        bool, typer.Option("--publish", help="Publish the planned week to the service.")
    ] = False,
    url: UrlOpt = "http://127.0.0.1:8000",
    key: KeyOpt = None,
    key_file: KeyFileOpt = None,
) -> None:
    """Plan a week: forecast it from history, staff it (Erlang), schedule the roster (CP-SAT).

    Writes forecast.csv, requirements.csv and the schedule outputs (schedule, coverage,
    agent_week, schedule.xlsx, coverage.png, shortfall.txt, pools.csv) into --out. With
    --cluster, the forecast's queues and the schedule's agent pools run on Dask.

    Example:
        wfm plan --center data/sample/center.yaml --week 2026-11-16 --out out/plan
        --cluster local:2
    """
    folder = open_folder(center, data_dir=data)
    check_week_start(week, folder.center)
    service = client_or_none(url, key, key_file, needed=from_service or publish)
    with executor_from_options(cluster) as executor, progress_bar() as bar:
        task = bar.add_task("forecast", total=None)
        run = run_plan(
            folder,
            week_start=week,
            out_dir=out,
            fmt=fmt,
            model=model,
            params=SolveParams(
                max_time_s=time_limit,
                n_workers=workers,
                seed=seed,
                deterministic=deterministic,
            ),
            previous=previous,
            service=service if from_service or publish else None,
            publish=publish,
            progress=lambda label: bar.update(task, description=f"done: {label}"),
            executor=executor,
        )
    render_schedule(run.plan.schedule, run.files)
    if run.plan.allowance is not None:
        for setting, value in run.plan.allowance.describe():
            console.print(f"{setting}: {value}")
    for week in run.published:
        console.print(f"published week {week.week_start} to {url}: version {week.version}")

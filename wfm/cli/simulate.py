"""`wfm simulate`: the simulated service of a schedule against arrivals."""

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
    FormatOpt,
    OutDirOpt,
    SeedOpt,
    console,
    day_option,
    progress_bar,
)
from wfm.cli.tables import cell, new_table
from wfm.simulation import HandleTimeModel, SimulationResult
from wfm.usecases.simulate import run_simulation


def _render_settings(result: SimulationResult) -> None:
    table = Table(title=f"Simulated {result.mode}")
    table.add_column("setting")
    table.add_column("value")
    for name, value in [] if result.life is None else result.life.describe():
        table.add_row(name, value)
    table.add_row(
        "agent-hours",
        f"{result.available_h:,.1f} available of {result.scheduled_work_h:,.1f} scheduled "
        f"work ({result.available_h / result.scheduled_work_h:.1%}, mean of replications)",
    )
    console.print(table)


def _render(result: SimulationResult) -> None:
    _render_settings(result)
    table = new_table(
        ("queue", "offered", "SL", "target", "ASA s", "abandoned", "occupancy"),
        left={"queue"},
        title=(
            f"Simulated service, {result.n_replications} replications "
            f"(mean [95 % CI]; {result.n_contacts:,.0f} contacts per replication)"
        ),
    )
    for row in result.summary.iter_rows(named=True):
        sl = row["service_level"]
        table.add_row(
            row["queue_id"],
            f"{row['offered']:,.0f}",
            "-"
            if sl is None
            else f"{sl:.1%} [{cell(row['service_level_lo'], '.1%')}, "
            f"{cell(row['service_level_hi'], '.1%')}]",
            cell(row["target_service_level"], ".0%"),
            cell(row["asa_s"], ".0f"),
            cell(row["abandon_rate"], ".1%"),
            cell(row["occupancy"], ".0%"),
        )
    console.print(table)


@app.command("simulate")
def simulate_command(
    schedule: Annotated[Path, typer.Option("--schedule", help="Schedule (CSV or Parquet).")],
    arrivals: Annotated[
        Path,
        typer.Option(
            "--arrivals",
            help="Forecast or requirements (volume: Poisson), history (offered: exact counts) "
            "or actual arrivals (queue_id, ts).",
        ),
    ],
    center: CenterOpt,
    out: OutDirOpt,
    roster: Annotated[
        Path | None,
        typer.Option("--roster", help="Roster, for the skills of work rows without queue_id."),
    ] = None,
    replications: Annotated[int, typer.Option("--replications", min=1)] = 10,
    seed: SeedOpt = 0,
    handle_time: Annotated[
        str, typer.Option("--handle-time", help="lognormal or exponential.")
    ] = "lognormal",
    aht_cv: Annotated[
        float, typer.Option("--aht-cv", help="Coefficient of variation of lognormal handle times.")
    ] = 1.0,
    start: Annotated[
        dt.date | None, day_option("First local day (default: the schedule's).")
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", min=1, help="Days to simulate (default: schedule's).")
    ] = None,
    life: Annotated[
        bool,
        typer.Option(
            "--life/--as-scheduled",
            help="Simulate the schedule as lived: absence, off-phone time and adherence "
            "deviations from the center file's life section.",
        ),
    ] = False,
    history_states: Annotated[
        Path | None,
        typer.Option(
            "--history-states",
            help="States to sample adherence deviations from (default: the center folder's).",
        ),
    ] = None,
    history_schedule: Annotated[
        Path | None,
        typer.Option(
            "--history-schedule",
            help="The schedule those states were recorded against (default: the folder's).",
        ),
    ] = None,
    replay: Annotated[
        Path | None,
        typer.Option("--replay", help="Replay these actual states as the agents' availability."),
    ] = None,
    fmt: FormatOpt = "both",
) -> None:
    """Simulate a schedule against arrivals; write per-interval and per-day service with CIs.

    Only arrivals on the simulated local days are used (by default the days on which the
    schedule's work starts), so a long history can be given as it is. With --life, agents
    miss shifts, leave the phones and keep to the schedule as the center file's life section
    says; with --replay, they are available as a past week's states show.

    Example:
        wfm simulate --schedule schedule.parquet --arrivals forecast.parquet
        --center center.yaml --roster roster.csv --replications 10 --life --out out/sim
    """
    with progress_bar() as progress:
        task = progress.add_task("replications", total=replications)
        run = run_simulation(
            schedule,
            arrivals,
            load_center(center),
            out_dir=out,
            roster=roster,
            replications=replications,
            seed=seed,
            handle_times=HandleTimeModel(kind=handle_time, cv=aht_cv),  # type: ignore[arg-type]
            start=start,
            n_days=days,
            life=life,
            center_dir=center.parent,
            history_states=history_states,
            history_schedule=history_schedule,
            replay_states=replay,
            fmt=fmt,
            on_start=lambda first, end: console.print(
                f"Simulating local days {first} to {end - dt.timedelta(days=1)}"
            ),
            on_replication=lambda done, _total: progress.update(task, completed=done),
        )
    _render(run.result)
    console.print(f"Wrote {len(run.files)} files to {out}")

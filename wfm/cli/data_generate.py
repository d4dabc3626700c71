"""`wfm data generate`, `generate-network` and `generate-calls`: write the sample center, a
large synthetic network of sites, or a phone system's call records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from wfm.cli.data import data_app
from wfm.cli.options import console, day_option, progress_bar
from wfm.cli.tables import cell, new_table
from wfm.synthetic.call_records import write_call_records
from wfm.synthetic.network import generate_network
from wfm.synthetic.sample import DEFAULT_N_DAYS, DEFAULT_START, STEPS, generate_sample_center

__all__: list[str] = []


def _per_site(total: int, n_sites: int, option: str) -> int:
    """Queues or agents per site; the total must split evenly over the sites."""
    if total < n_sites or total % n_sites:
        raise typer.BadParameter(
            f"{total} does not split evenly over {n_sites} sites; use a multiple of {n_sites}",
            param_hint=option,
        )
    return total // n_sites


@data_app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if missing).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 7,
    start: Annotated[
        dt.date,
        day_option("First history day (local)."),
    ] = DEFAULT_START,
    days: Annotated[int, typer.Option(min=7, help="History length in days.")] = DEFAULT_N_DAYS,
) -> None:
    """Generate the sample center: center.yaml, two years of 15-minute history, discharges,
    events, a roster of ~120 agents, and the last week's schedule and agent states.

    Example:
        wfm data generate --seed 7 --out data/sample
    """
    with progress_bar(counts=True) as progress:
        task = progress.add_task("generating", total=len(STEPS))

        def step(name: str) -> None:
            progress.update(task, advance=1, description=f"{name} done")

        summary = generate_sample_center(
            out, seed=seed, start_date=start, n_days=days, on_step=step
        )
    table = new_table(
        ("file", "rows", "size KB"),
        left={"file"},
        title=f"Sample center in {summary.out_dir} (seed {seed})",
    )
    for name, size in summary.bytes.items():
        table.add_row(name, cell(summary.rows.get(name), ","), f"{size / 1024:,.0f}")
    console.print(table)
    console.print(f"Generated in {sum(summary.step_s.values()):.1f} s.")


@data_app.command("generate-network")
def generate_network_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if missing).")],
    sites: Annotated[int, typer.Option("--sites", min=1, help="Sites (one team each).")] = 50,
    queues: Annotated[
        int, typer.Option("--queues", min=1, help="Queues in all, split evenly over the sites.")
    ] = 1000,
    agents: Annotated[
        int, typer.Option("--agents", min=1, help="Agents in all, split evenly over the sites.")
    ] = 5000,
    years: Annotated[
        float, typer.Option("--years", min=0.05, help="History length in years (365 days).")
    ] = 2.0,
    interval: Annotated[
        int, typer.Option("--interval", help="Interval length in minutes: 15 or 30.")
    ] = 30,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 11,
) -> None:
    """Generate a large synthetic network of sites: center.yaml, roster.csv and
    history/site=sNN/part.parquet (one Parquet file per site). Each site's agents serve only
    its own queues, so every site is an independent agent pool for `wfm schedule`.

    The defaults are 50 sites, 1,000 queues, 5,000 agents and two years of 30-minute history
    (about 20 million rows; a few minutes per 100 queues).

    Example:
        wfm data generate-network --sites 4 --queues 40 --agents 200 --years 1 --out out/network
    """
    if interval not in (15, 30):
        raise typer.BadParameter(f"expected 15 or 30, got {interval}", param_hint="--interval")
    queues_per_site = _per_site(queues, sites, "--queues")
    agents_per_site = _per_site(agents, sites, "--agents")
    with progress_bar(counts=True) as progress:
        task = progress.add_task("sites", total=sites)
        summary = generate_network(
            out,
            n_sites=sites,
            queues_per_site=queues_per_site,
            agents_per_site=agents_per_site,
            n_days=max(1, round(365 * years)),
            interval_min=interval,
            seed=seed,
            on_site=lambda sid: progress.update(task, advance=1, description=f"site {sid} done"),
        )
    console.print(
        f"Network in {summary.out_dir}: {summary.n_sites} sites, {summary.n_queues:,} queues, "
        f"{summary.n_agents:,} agents, {summary.n_history_rows:,} history rows."
    )


@data_app.command("generate-calls")
def generate_calls_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if missing).")],
    start: Annotated[
        dt.date,
        day_option("First local day."),
    ] = dt.date(2026, 10, 26),
    days: Annotated[int, typer.Option(min=1, help="Days of calls.")] = 7,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 0,
) -> None:
    """Generate a phone system's call records for the sample center's voice queues (made by
    the simulation engine): calls.csv, the mapping.yaml that reads it, and center.yaml. The
    default week holds the autumn clock change (1 November 2026: 100 quarter-hours).

    Example:
        wfm data generate-calls --out out/calls
    """
    summary = write_call_records(out, start=start, n_days=days, seed=seed)
    for path, rows in summary.items():
        console.print(f"wrote {path}" + ("" if rows is None else f" ({rows:,} rows)"))

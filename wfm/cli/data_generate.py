"""`wfm data generate`: write the deterministic sample center."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from wfm.cli.data import data_app
from wfm.synthetic.sample import DEFAULT_N_DAYS, DEFAULT_START, STEPS, generate_sample_center

console = Console()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"expected YYYY-MM-DD, got {text!r}", param_hint="--start"
        ) from None


@data_app.command("generate")
def generate(
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if missing).")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same files.")] = 7,
    start: Annotated[str, typer.Option(help="First history day (local), YYYY-MM-DD.")] = str(
        DEFAULT_START
    ),
    days: Annotated[int, typer.Option(min=7, help="History length in days.")] = DEFAULT_N_DAYS,
) -> None:
    """Generate the sample center: center.yaml, two years of 15-minute history, discharges,
    events, a roster of ~120 agents, and the last week's schedule and agent states.

    Example:
        wfm data generate --seed 7 --out data/sample
    """
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("generating", total=len(STEPS))

        def step(name: str) -> None:
            progress.update(task, advance=1, description=f"{name} done")

        summary = generate_sample_center(
            out, seed=seed, start_date=_date(start), n_days=days, on_step=step
        )
    table = Table(title=f"Sample center in {summary.out_dir} (seed {seed})")
    for name in ("file", "rows", "size KB"):
        table.add_column(name, justify="left" if name == "file" else "right")
    for name, size in summary.bytes.items():
        rows = summary.rows.get(name)
        table.add_row(name, "-" if rows is None else f"{rows:,}", f"{size / 1024:,.0f}")
    console.print(table)
    console.print(f"Generated in {sum(summary.step_s.values()):.1f} s.")

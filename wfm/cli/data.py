"""`wfm data ...`: validate a center directory (and generate the sample center)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from wfm.center import WEEKDAYS, Center, Queue
from wfm.cli.main import app
from wfm.cli.options import console
from wfm.cli.tables import new_table
from wfm.errors import ConfigError
from wfm.validate import ValidationReport, validate_dir

__all__ = ["data_app"]

data_app = typer.Typer(help="Validate and generate center data.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def _hours(queue: Queue) -> str:
    """Open hours, runs of weekdays with the same windows joined: "mon-fri 07-19, sat 08-13"."""
    if queue.is_24_7:
        return "24/7"

    def clock(minutes: int) -> str:
        return f"{minutes // 60:02d}" + (f":{minutes % 60:02d}" if minutes % 60 else "")

    runs: list[tuple[int, int, str]] = []
    for day in range(7):
        windows = queue.open_minutes(day)
        text = ",".join(f"{clock(a)}-{clock(b)}" for a, b in windows)
        if runs and runs[-1][2] == text and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day, text)
        else:
            runs.append((day, day, text))
    parts = [
        (WEEKDAYS[a] if a == b else f"{WEEKDAYS[a]}-{WEEKDAYS[b]}") + f" {text}"
        for a, b, text in runs
        if text
    ]
    return ", ".join(parts)


def _target(queue: Queue) -> str:
    t = queue.target
    if t.is_deferred:
        return f"reply within {t.response_target_h:g} h"
    parts = []
    if t.service_level_frac is not None:
        parts.append(f"{t.service_level_frac:.0%} in {t.answer_within_s:g}s")
    if t.max_asa_s is not None:
        parts.append(f"ASA <= {t.max_asa_s:g}s")
    if t.max_abandon_frac is not None:
        parts.append(f"abandon <= {t.max_abandon_frac:.0%}")
    return ", ".join(parts)


def _center_table(center: Center, report: ValidationReport) -> Table:
    history = report.table("history")
    stats = None
    if history is not None and history.frame is not None:
        stats = history.frame.group_by("queue_id").agg(
            pl.col("offered").sum().alias("offered"),
            (pl.col("aht_s") * pl.col("handled")).sum().alias("work_s"),
            pl.col("handled").sum().alias("handled"),
            pl.col("abandoned").sum().alias("abandoned"),
        )
    table = new_table(
        ("queue", "channel", "open", "target", "offered", "AHT s", "abandon"),
        right={"offered", "AHT s", "abandon"},
        title=f"{center.name} ({center.timezone}, {center.interval_min}-min intervals)",
    )
    for queue in center.queues:
        row = [queue.id, queue.channel.value, _hours(queue), _target(queue)]
        rec = stats.filter(pl.col("queue_id") == queue.id) if stats is not None else None
        if rec is not None and rec.height:
            offered, work_s, handled, abandoned = rec.row(0)[1:]
            aht = f"{work_s / handled:.0f}" if handled else "-"
            row += [f"{offered:,}", aht, f"{abandoned / offered:.1%}" if offered else "-"]
        else:
            row += ["-", "-", "-"]
        table.add_row(*row)
    return table


def _span(column: pl.Series, center: Center | None) -> str:
    """First .. last value, timestamps in the center's local time (people read local time)."""
    if isinstance(column.dtype, pl.Datetime) and center is not None:
        local = column.dt.convert_time_zone(center.timezone)
        return f"{local.min():%Y-%m-%d %H:%M} .. {local.max():%Y-%m-%d %H:%M} local"
    return f"{column.min()} .. {column.max()}"


def _files_table(report: ValidationReport) -> Table:
    table = new_table(
        ("file", "rows", "span", "status"), right={"rows"}, title=f"Tables in {report.directory}"
    )
    for t in report.tables:
        span = "-"
        if t.frame is not None and t.frame.height:
            for col in ("interval_start", "start", "date"):
                if col in t.frame.columns:
                    span = _span(t.frame[col], report.center)
                    break
        if t.errors:
            status = f"[red]{len(t.errors)} error(s)[/]"
        elif t.warnings:
            status = f"[yellow]ok, {len(t.warnings)} warning(s)[/]"
        else:
            status = "[green]ok[/]"
        table.add_row(t.path.name, f"{t.n_rows:,}", span, status)
    return table


@data_app.command("validate")
def validate(
    directory: Annotated[Path, typer.Argument(help="Folder with center.yaml and tables.")],
    show_warnings: Annotated[int, typer.Option(help="Warnings to list per file.")] = 10,
) -> None:
    """Validate a center folder: center.yaml plus history, drivers, events, roster, schedule,
    states, forecast and requirements tables (CSV or Parquet), and print a summary.

    Exits 1 if any file has an error; every error names file, row and column.

    Example:
        wfm data validate data/sample
    """
    report = validate_dir(directory)
    if report.config_error is not None:
        raise ConfigError(report.config_error)
    assert report.center is not None
    console.print(_center_table(report.center, report))
    console.print(_files_table(report))
    roster = report.table("roster")
    if roster is not None and roster.frame is not None:
        teams = roster.frame.group_by("team").len().sort("team")
        console.print(
            f"Roster: {roster.n_rows} agents in {teams.height} teams ("
            + ", ".join(f"{team} {n}" for team, n in teams.iter_rows())
            + ")"
        )
    for t in report.tables:
        for issue in t.errors:
            console.print(f"[red]error[/] {issue.render(t.path)}", highlight=False)
        for issue in t.warnings[:show_warnings]:
            console.print(f"[yellow]warning[/] {issue.render(t.path)}", highlight=False)
        if len(t.warnings) > show_warnings:
            console.print(
                f"[yellow]... {len(t.warnings) - show_warnings} more warning(s) in {t.path.name}[/]"
            )
    if not report.ok:
        console.print("[bold red]Validation failed.[/]")
        raise typer.Exit(1)
    console.print("[bold green]All files valid.[/]")

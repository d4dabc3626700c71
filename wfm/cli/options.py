"""The CLI's vocabulary: the consoles, every shared option, and the parsers of option values.

Every command takes its shared options from here, so an option has one name, one help text
and one parser wherever it appears (README, Commands).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from forecasting.registry import MODEL_NAMES
from wfm.center import Center
from wfm.execution import DaskExecutor, Executor, InProcessExecutor, LocalProcessExecutor
from wfm.grid import not_week_start
from wfm.output import TableFormat

__all__ = [
    "CenterOpt",
    "ClusterOpt",
    "DeterministicOpt",
    "DriversOpt",
    "EventsOpt",
    "FormatOpt",
    "HistoryOpt",
    "ModelOpt",
    "OutDirOpt",
    "OutFileOpt",
    "PreviousOpt",
    "ProcessesOpt",
    "RosterOpt",
    "SeedOpt",
    "SolverWorkersOpt",
    "TimeLimitOpt",
    "WeekOpt",
    "check_week_start",
    "console",
    "day_option",
    "err_console",
    "executor_from_options",
    "parse_day",
    "parse_horizon_days",
    "parse_instant",
    "progress_bar",
    "queue_progress",
]

# Tables go to stdout, errors and progress to stderr. Off a terminal (tests, pipes) rich
# would wrap tables at 80 columns; 140 keeps a row on one line.
console = Console(highlight=False)
if not console.is_terminal:
    console = Console(highlight=False, width=140)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def parse_day(text: str | dt.date) -> dt.date:
    """A local day, YYYY-MM-DD (a date passes through: option defaults are dates)."""
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {text!r}") from None


def check_week_start(day: dt.date | None, center: Center, *, option: str = "--week") -> None:
    """A week option's day must be the center's week start (center.yaml `week_start`)."""
    problem = None if day is None else not_week_start(day, center.week_start)
    if problem is not None:
        raise typer.BadParameter(problem, param_hint=f"'{option}'")


def parse_instant(text: str, tz: ZoneInfo | str, *, option: str) -> dt.datetime:
    """An ISO timestamp; without a UTC offset it is the center's local time. Returns UTC."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter(
            f"expected an ISO timestamp like 2026-11-10T10:30, got {text!r}",
            param_hint=f"'{option}'",
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(str(tz)))
    return value.astimezone(dt.UTC)


def parse_horizon_days(text: str) -> int:
    """'6w' -> 42, '10d' -> 10."""
    match = re.fullmatch(r"\s*(\d+)\s*([wd])\s*", text.lower())
    if not match or int(match.group(1)) < 1:
        raise typer.BadParameter(f"expected e.g. 6w or 10d, got {text!r}")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def day_option(help: str, *names: str) -> Any:
    """A local-day option given as YYYY-MM-DD, for `Annotated[dt.date, day_option(...)]`
    (named after its parameter unless `names` are given)."""
    return typer.Option(*names, parser=parse_day, metavar="YYYY-MM-DD", help=help)


CenterOpt = Annotated[Path, typer.Option("--center", help="Center configuration (center.yaml).")]
HistoryOpt = Annotated[Path, typer.Option("--history", help="History table (CSV or Parquet).")]
DriversOpt = Annotated[
    Path | None, typer.Option("--drivers", help="Daily drivers, e.g. discharges (past + planned).")
]
EventsOpt = Annotated[Path | None, typer.Option("--events", help="Events calendar.")]
RosterOpt = Annotated[Path, typer.Option("--roster", help="Roster (CSV or Parquet).")]
OutFileOpt = Annotated[
    Path, typer.Option("--out", help="Output table; .csv or .parquet decides the format.")
]
OutDirOpt = Annotated[Path, typer.Option("--out", help="Output folder (created if missing).")]
FormatOpt = Annotated[
    TableFormat, typer.Option("--format", help="Tables in the folder: csv, parquet or both.")
]
WeekOpt = Annotated[
    dt.date,
    day_option("First local day of the week: a Monday, or the center's week_start.", "--week"),
]
PreviousOpt = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="The published week before (a schedule file, or a folder holding one): its "
        "shifts that run into this week, rest and consecutive days across the boundary.",
    ),
]
ModelOpt = Annotated[
    str, typer.Option("--model", help=f"auto, or a model: {', '.join(MODEL_NAMES)}.")
]
TimeLimitOpt = Annotated[
    float,
    typer.Option("--time-limit", min=1, help="Solver seconds for the week (shared by the pools)."),
]
SolverWorkersOpt = Annotated[int, typer.Option("--workers", min=1, help="CP-SAT search workers.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed.")]
DeterministicOpt = Annotated[
    bool,
    typer.Option(
        "--deterministic",
        help="Reproducible run: the time limit sets solver work, not wall-clock time, so the "
        "same inputs, seed and workers give the same schedule on any machine and load "
        "(README, Reproducible schedules).",
    ),
]
# Rich markup would read "[dask]" as a style tag: the backslash keeps it as text.
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Run the work units (forecast queues, schedule pools) on Dask: tcp://host:8786 "
        "(a running scheduler) or local:N (start N local workers). Needs "
        "pip install 'wfm\\[dask]'.",
    ),
]
ProcessesOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Run the queues in N local processes (no Dask)."),
]


def executor_from_options(cluster: str | None, *, workers: int | None = None) -> Executor:
    """The executor for `--cluster` / `--workers`: Dask, local processes, or in-process.

    Raises:
        typer.BadParameter: both options given.
        WfmError: a malformed cluster address, or Dask not installed (from DaskExecutor).
    """
    if cluster is None:
        if workers is None or workers == 1:
            return InProcessExecutor()
        return LocalProcessExecutor(workers)
    if workers is not None:
        raise typer.BadParameter("give --cluster or --workers, not both", param_hint="--cluster")
    return DaskExecutor(cluster.strip())


def progress_bar(*, counts: bool = False) -> Progress:
    """A transient progress bar on stderr; with `counts`, done/total and elapsed time too."""
    if not counts:
        return Progress(console=err_console, transient=True)
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


@contextlib.contextmanager
def queue_progress(
    label: str, n_queues: int, *, cluster: str | None, workers: int | None
) -> Iterator[tuple[Executor, Callable[[str], None]]]:
    """The executor of `--cluster` / `--workers`, and the progress callback of a job over
    `n_queues` queues (called with each queue id done) that advances a bar labelled `label`."""
    with executor_from_options(cluster, workers=workers) as executor, progress_bar() as bar:
        task = bar.add_task(label, total=n_queues)
        yield executor, lambda _queue_id: bar.advance(task)

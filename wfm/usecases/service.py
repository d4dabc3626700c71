"""The CLI's side of the service: load a center, publish schedules, push states and history
(README, A week with wfm).

Each function reads its tables with the loaders (so a bad file fails here, naming file, row
and column, before anything is sent) and sends them through `wfm.client.ServiceClient`, i.e.
through the service's own routes with the caller's key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import polars as pl
import yaml

from scheduling.previous import PreviousWeek
from wfm.center import Center
from wfm.client import IngestResult, ServiceClient
from wfm.folder import CenterFolder
from wfm.grid import week_start_expr
from wfm.loaders import load_history, load_schedule, load_states
from wfm.output import json_records, replace_file
from wfm.usecases.previous import load_previous_week, schedule_path

__all__ = [
    "PublishedWeek",
    "PushSummary",
    "load_center_into",
    "previous_week_from_service",
    "publish_schedule",
    "push",
    "schedule_weeks",
]

Source = str | Path | pl.DataFrame


def load_center_into(client: ServiceClient, folder: CenterFolder) -> tuple[int, int]:
    """Replace the service's center and roster with the folder's (admin key).

    The roster's text columns (skills, availability, days off) go as the structured JSON the
    service takes, parsed by the roster loader.

    Returns:
        The center's and the roster's new versions.

    Raises:
        ConfigError, DataError: the folder's center or roster is invalid (nothing is sent).
        ServiceError: the service refused either.
    """
    body = yaml.safe_load(folder.center_path.read_text(encoding="utf-8"))
    agents = json_records(folder.load("roster"))
    return client.put_center(body), client.put_roster(agents)


def _shift_week(frame: pl.DataFrame, center: Center) -> pl.Series:
    """The local Monday of each row's shift (contiguous rows of an agent are one shift,
    which belongs to the day it starts on)."""
    new_shift = (pl.col("start") != pl.col("end").shift(1).over("agent_id")).fill_null(True)
    local = pl.col("__s").dt.convert_time_zone(center.timezone).dt.date()
    return (
        frame.with_row_index("__i")
        .sort("agent_id", "start")
        .with_columns(pl.when(new_shift).then(pl.col("start")).alias("__s"))
        .with_columns(pl.col("__s").forward_fill().over("agent_id"))
        .with_columns(week_start_expr(local, center.week_start).alias("__week"))
        .sort("__i")["__week"]
    )


def schedule_weeks(schedule: pl.DataFrame, center: Center) -> dict[dt.date, pl.DataFrame]:
    """A schedule's rows split by the week of their shift's start day: a Sunday-night shift's
    rows after midnight stay in the week the shift starts in."""
    weeks = schedule.with_columns(_shift_week(schedule, center).alias("__week"))
    return {
        week: part.drop("__week").sort("agent_id", "start")
        for (week,), part in sorted(weeks.group_by(["__week"]), key=lambda item: item[0])
    }


@dataclass(frozen=True)
class PublishedWeek:
    """One week published: its local Monday, the service's new version and the rows sent."""

    week_start: dt.date
    version: int
    n_rows: int


def publish_schedule(client: ServiceClient, source: Source, center: Center) -> list[PublishedWeek]:
    """Publish a schedule file, a folder holding one (`wfm schedule`'s output, a center
    folder) or a frame: one new version per week its shifts start in (planner key).

    Each week is one transaction on the service: it is published whole or not at all, and a
    refused week leaves the week's published version as it was.

    Raises:
        DataError: the schedule is invalid (overlapping activities, ...).
        ServiceError: the service refused a week (an agent not on its roster, ...); the weeks
            before it stay published.
    """
    table = source if isinstance(source, pl.DataFrame) else schedule_path(source)
    frame = load_schedule(table, center)
    published = []
    for week_start, rows in schedule_weeks(frame, center).items():
        version = client.publish_schedule(week_start, json_records(rows))
        published.append(PublishedWeek(week_start, version, rows.height))
    return published


def previous_week_from_service(
    client: ServiceClient, center: Center, *, week_start: dt.date, roster: pl.DataFrame
) -> PreviousWeek | None:
    """The service's published week before `week_start` (its latest version), or None when
    that week was never published."""
    before = week_start - dt.timedelta(days=7)
    rows = client.read_schedule(before)
    if rows is None:
        return None
    frame = pl.DataFrame(rows).select("agent_id", "activity", "start", "end", "queue_id")
    previous = load_previous_week(frame, center, roster=roster)
    return PreviousWeek(previous.schedule, f"{client.url} week {before}")


@dataclass
class PushSummary:
    """What a push sent and what the service made of it.

    Attributes:
        n_rows: rows in the file.
        skipped: rows a previous, interrupted run of the same file had delivered.
        accepted / duplicates: rows stored now / already stored (stored once).
        refused: (row of the file, column, message) for each refused row (first 100).
        n_refused: refused rows in all.
    """

    n_rows: int
    skipped: int = 0
    accepted: int = 0
    duplicates: int = 0
    refused: list[tuple[int, str | None, str]] = field(default_factory=list)
    n_refused: int = 0

    def add(self, result: IngestResult, first_row: int) -> None:
        self.accepted += result.accepted
        self.duplicates += result.duplicates
        self.n_refused += len(result.errors)
        room = 100 - len(self.refused)
        self.refused += [(first_row + i, col, msg) for i, col, msg in result.errors[:room]]


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _batches(rows: list[dict[str, Any]], size: int, start: int) -> Iterator[tuple[int, list]]:
    for first in range(start, len(rows), size):
        yield first, rows[first : first + size]


def _push(
    rows: list[dict[str, Any]],
    send: Callable[[list[dict[str, Any]]], IngestResult],
    *,
    batch_size: int,
    checkpoint: Path | None,
    source: Path | None,
    progress: Callable[[int, int], None] | None,
) -> PushSummary:
    """Send rows in batches; with a checkpoint, a rerun after an interruption skips the
    batches the service acknowledged (a resent batch is harmless: stored once)."""
    digest = _file_digest(source) if checkpoint is not None and source is not None else None
    done = 0
    if checkpoint is not None and checkpoint.exists():
        saved = json.loads(checkpoint.read_text(encoding="utf-8"))
        if saved.get("digest") == digest:
            done = int(saved["rows_done"])
    summary = PushSummary(n_rows=len(rows), skipped=done)
    if progress is not None:
        progress(done, len(rows))
    for first, batch in _batches(rows, batch_size, done):
        summary.add(send(batch), first + 1)
        if checkpoint is not None:
            state = json.dumps({"digest": digest, "rows_done": first + len(batch)})
            replace_file(checkpoint, lambda tmp, text=state: tmp.write_text(text))
        if progress is not None:
            progress(first + len(batch), len(rows))
    if checkpoint is not None:
        checkpoint.unlink(missing_ok=True)
    return summary


def _event_id(row: dict[str, Any]) -> str:
    """A stable id for a state without one: the same state sent twice is the same event."""
    key = f"{row['agent_id']}|{row['state']}|{row['start'].isoformat()}"
    return "h-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:20]


def _state_rows(source: str | Path, center: Center) -> list[dict[str, Any]]:
    frame = load_states(source, center).with_columns(
        pl.col("event_id").fill_null(
            pl.struct("agent_id", "state", "start").map_elements(_event_id, return_dtype=pl.String)
        )
    )
    return json_records(frame.select("event_id", "agent_id", "state", "start", "end"))


def push(
    client: ServiceClient,
    kind: Literal["states", "history"],
    source: str | Path,
    center: Center,
    *,
    batch_size: int = 5000,
    checkpoint: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PushSummary:
    """Push a table to the service in batches: agent states (ingest key) or history, the
    actual interval volumes the service forecasts from (planner key).

    Storage is idempotent: states by event id (a row without one gets an id made of its
    agent, state and start), history by queue and interval (a row the service has is
    replaced). So a push interrupted half-way and run again stores every row once; with
    `checkpoint` the rerun also skips what was acknowledged.

    Raises:
        DataError: the file is invalid (nothing is sent).
        ServiceError: the service failed a batch (earlier batches stay stored).
    """
    if kind == "states":
        rows, send = _state_rows(source, center), client.push_states
    else:
        rows, send = json_records(load_history(source, center)), client.push_history
    return _push(
        rows,
        send,
        batch_size=batch_size,
        checkpoint=checkpoint,
        source=Path(source) if Path(source).is_file() else None,
        progress=progress,
    )

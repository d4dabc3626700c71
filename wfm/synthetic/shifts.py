"""Shifts as schedule rows: activities placed inside a shift, work filling the rest.

Every generator that writes a schedule (the sample week, the simulator's week, the adherence
day) tiles its shifts here and builds its table with `activities_frame`, typed as
`load_schedule` returns it (README, Tables). Offsets inside a shift are elapsed minutes, so a
shift across a daylight-saving change keeps its length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from wfm.loaders import SCHEMAS

__all__ = [
    "ScheduledActivity",
    "ShiftPattern",
    "ShiftPiece",
    "activities_frame",
    "eight_and_a_half_hour_shift",
    "shift_activities",
    "tile_shift",
]

ScheduledActivity = tuple[str, str, dt.datetime, dt.datetime]  # agent_id, activity, start, end
ShiftPiece = tuple[str, int, int]  # activity, start and end in minutes after the shift's start


def tile_shift(length_min: int, inserts: Iterable[ShiftPiece]) -> list[ShiftPiece]:
    """The shift's pieces in order: each insert (break, lunch, meeting, ...) and work in every
    gap before, between and after them, so the pieces tile [0, length_min) exactly."""
    pieces: list[ShiftPiece] = []
    cursor = 0
    for activity, lo, hi in sorted(inserts, key=lambda piece: piece[1]):
        if lo > cursor:
            pieces.append(("work", cursor, lo))
        pieces.append((activity, lo, hi))
        cursor = hi
    if cursor < length_min:
        pieces.append(("work", cursor, length_min))
    return pieces


@dataclass(frozen=True)
class ShiftPattern:
    """A fixed shift: its length and the activities at fixed offsets from its start."""

    length_min: int
    inserts: tuple[ShiftPiece, ...]

    @property
    def pieces(self) -> list[ShiftPiece]:
        """The inserts with work around them (see `tile_shift`)."""
        return tile_shift(self.length_min, self.inserts)

    @property
    def work_min(self) -> int:
        """Minutes of work in the shift."""
        return sum(hi - lo for activity, lo, hi in self.pieces if activity == "work")


def eight_and_a_half_hour_shift(*, lunch_after_min: int) -> ShiftPattern:
    """The benches' fixed shift: 8.5 h with a 15-minute break after 2 h, a 30-minute lunch
    `lunch_after_min` minutes in and a second 15-minute break after 6.5 h."""
    lunch = ("lunch", lunch_after_min, lunch_after_min + 30)
    return ShiftPattern(510, (("break", 120, 135), lunch, ("break", 390, 405)))


def shift_activities(
    agent_id: str, start: dt.datetime, pieces: Iterable[ShiftPiece]
) -> list[ScheduledActivity]:
    """One shift's schedule rows, each piece placed `lo`..`hi` elapsed minutes after `start`."""
    return [
        (agent_id, activity, start + dt.timedelta(minutes=lo), start + dt.timedelta(minutes=hi))
        for activity, lo, hi in pieces
    ]


def activities_frame(rows: Iterable[ScheduledActivity]) -> pl.DataFrame:
    """The schedule table in memory, sorted by agent and start; `queue_id` is null (work on
    all the agent's skills)."""
    rows = list(rows)
    return pl.DataFrame(
        {
            "agent_id": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "start": [r[2] for r in rows],
            "end": [r[3] for r in rows],
            "queue_id": [None] * len(rows),
        },
        schema=SCHEMAS["schedule"].dtypes,
    ).sort("agent_id", "start")

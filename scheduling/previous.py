"""The week before: what a published previous week carries into the week being planned.

A center runs week after week, so the week being planned starts where the published one ends
(README, `wfm schedule`, Rolling weeks). From the previous week's schedule rows this module
derives, per agent:
- the shift (or part of it) that runs past the new week's first local midnight, slot by slot:
  on the phones (work rows) or busy (breaks, lunches, meetings): it blocks the agent and its
  work counts as coverage of the new week;
- when the agent's last shift ends, for the minimum rest before its first new shift;
- the days it worked, for the most consecutive working days across the boundary.

A shift is a run of contiguous rows of one agent and belongs to the local day it starts on;
every shift of the previous week must start in the 7 local days before the new week.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from wfm.center import Center
from wfm.errors import DataError, DataIssue
from wfm.grid import local_midnight_utc

__all__ = ["Carry", "PreviousWeek", "carry_over", "shifts_of"]

# Activities during which an agent of a carried-in shift is on the phones.
_ON_PHONES = ("work",)


@dataclass(frozen=True)
class PreviousWeek:
    """The published schedule of the week before the one being planned.

    Attributes:
        schedule: its rows (README, Tables: schedule), ideally with the `row` column of
            `load_schedule(..., row_numbers=True)` so errors name the source row.
        source: the file (or the service's week) it came from, named in errors.
    """

    schedule: pl.DataFrame
    source: str = "previous week"

    def for_agents(self, agent_ids: tuple[str, ...] | list[str]) -> PreviousWeek:
        """The rows of these agents only (one agent pool's)."""
        rows = self.schedule.filter(pl.col("agent_id").is_in(list(agent_ids)))
        return PreviousWeek(rows, self.source)


@dataclass(frozen=True)
class Carry:
    """What one agent's previous week carries into the new one.

    Attributes:
        on_slots: slots of the new week's horizon on the phones in a previous-week shift.
        busy_slots: every slot such a shift occupies (on the phones, breaks, lunch, ...).
        last_end_at: UTC end of the agent's last shift of the previous week.
        worked_days: days before the new week on which the agent started a shift (-1 = the
            Sunday before, -7 = the Monday a week before).
    """

    on_slots: tuple[int, ...]
    busy_slots: tuple[int, ...]
    last_end_at: dt.datetime
    worked_days: tuple[int, ...]


def shifts_of(rows: list[dict]) -> list[list[dict]]:
    """Contiguous rows of one agent (sorted by start) form one shift."""
    shifts: list[list[dict]] = []
    for row in rows:
        if shifts and shifts[-1][-1]["end"] == row["start"]:
            shifts[-1].append(row)
        else:
            shifts.append([row])
    return shifts


def _slots(start: dt.datetime, end: dt.datetime, slot_starts_at: tuple[dt.datetime, ...]) -> range:
    """The horizon's slots that [start, end) touches."""
    first = max(0, bisect.bisect_right(slot_starts_at, start) - 1)
    last = bisect.bisect_left(slot_starts_at, end)
    return range(first, last)


def carry_over(
    previous: pl.DataFrame,
    center: Center,
    *,
    week_start: dt.date,
    slot_starts_at: tuple[dt.datetime, ...],
    source: str | Path = "previous week",
) -> dict[str, Carry]:
    """Per agent, what the previous week's schedule carries into the week of `week_start`.

    Args:
        previous: the previous week's schedule (README, Tables: schedule), as
            `load_schedule(..., row_numbers=True)` returns it (a `row` column names the
            source row in errors; without it rows are counted in the frame's order).
        center: the center (its time zone decides the local days).
        week_start: the local Monday of the week being planned.
        slot_starts_at: UTC start of every slot of the new week's horizon.
        source: the file the rows came from, named in errors.

    Raises:
        DataError: a shift that does not start in the 7 local days before `week_start`
            (the row and the rule named).
    """
    if "row" not in previous.columns:
        previous = previous.with_row_index("row", offset=1)
    tz = center.tz
    first_day = week_start - dt.timedelta(days=7)
    week_at = local_midnight_utc(week_start, tz)
    issues: list[DataIssue] = []
    carries: dict[str, Carry] = {}
    for (agent_id,), frame in previous.sort("agent_id", "start").group_by(
        ["agent_id"], maintain_order=True
    ):
        on: set[int] = set()
        away: set[int] = set()
        days: set[int] = set()
        last_end: dt.datetime | None = None
        for shift in shifts_of(frame.to_dicts()):
            day = shift[0]["start"].astimezone(tz).date()
            if not first_day <= day < week_start:
                issues.append(
                    DataIssue(
                        shift[0]["row"],
                        "start",
                        f"agent {agent_id}: a shift starting {day} is not in the week before "
                        f"{week_start} ({first_day} to {week_start - dt.timedelta(days=1)}); "
                        "give the published schedule of the week before",
                    )
                )
                continue
            days.add((day - week_start).days)
            last_end = max(last_end or shift[-1]["end"], shift[-1]["end"])
            for row in shift:
                if row["end"] <= week_at:
                    continue
                slots = _slots(max(row["start"], week_at), row["end"], slot_starts_at)
                (on if row["activity"] in _ON_PHONES else away).update(slots)
        if last_end is not None:
            carries[str(agent_id)] = Carry(
                # A slot that is partly a break is not counted on the phones.
                on_slots=tuple(sorted(on - away)),
                busy_slots=tuple(sorted(on | away)),
                last_end_at=last_end,
                worked_days=tuple(sorted(days)),
            )
    if issues:
        raise DataError(source, issues[:20])
    return carries

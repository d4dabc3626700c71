"""Adherence deviations measured from a history of agent states, for the simulator to sample.

Each shift of the history's schedule in which the agent logged any state becomes one record
(a shift with no state at all is an absence, which the simulator models on its own). A record
holds what kept the agent off the phones, or on them, compared with the schedule:

- `late_start_s`: logged out (or no state yet) at the start of the shift;
- `early_leave_s`: logged out after the agent's last state in the shift;
- `break_extra_s` / `lunch_extra_s`, one per scheduled break / lunch in shift order: break
  (lunch) time taken during scheduled work, counted to the nearest scheduled break or lunch,
  minus work done during it (a missed break is minus its length);
- `away_s`: other time off the phones during scheduled work (an unscheduled meeting, a
  mid-shift log-out).

Every deviation counts, however short (the adherence engine's timeline with no grace): the
simulator needs the time agents are really away, not the exceptions a supervisor sees.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from wfm.adherence.engine import timeline
from wfm.adherence.mapping import AdherenceRules
from wfm.adherence.normalize import flatten_schedule, normalize_states
from wfm.center import Center
from wfm.errors import DataError, DataIssue

__all__ = ["DeviationSample", "ShiftDeviation", "measure_deviations"]

_BREAKS = ("break", "lunch")


@dataclass(frozen=True)
class ShiftDeviation:
    """How one historical shift was lived against its schedule (seconds)."""

    late_start_s: float
    early_leave_s: float
    break_extra_s: tuple[float, ...]
    lunch_extra_s: tuple[float, ...]
    away_s: float


@dataclass(frozen=True)
class DeviationSample:
    """The records of a history, and where they came from.

    Attributes:
        shifts: one record per shift the agent worked.
        first_day, last_day: local days of the history's shifts.
        n_absent: shifts of the history with no state at all (left out of `shifts`).
        scheduled_work_s: scheduled work time of the recorded shifts.
    """

    shifts: tuple[ShiftDeviation, ...]
    first_day: dt.date
    last_day: dt.date
    n_absent: int
    scheduled_work_s: float

    def lost_frac(self) -> float:
        """Share of scheduled work time the deviations keep agents off the phones."""
        lost = sum(
            s.late_start_s
            + s.early_leave_s
            + sum(s.break_extra_s)
            + sum(s.lunch_extra_s)
            + s.away_s
            for s in self.shifts
        )
        return lost / self.scheduled_work_s if self.scheduled_work_s > 0 else 0.0


def _nearest(breaks: list[tuple[dt.datetime, dt.datetime]], at: dt.datetime) -> int:
    def gap(k: int) -> float:
        lo, hi = breaks[k]
        return (
            0.0
            if lo <= at < hi
            else min(abs((at - lo).total_seconds()), abs((at - hi).total_seconds()))
        )

    return min(range(len(breaks)), key=gap)


def measure_deviations(
    schedule: pl.DataFrame,
    states: pl.DataFrame,
    center: Center,
    *,
    rules: AdherenceRules | None = None,
) -> DeviationSample:
    """Measure each scheduled shift's deviations from the states recorded against it.

    Args:
        schedule: the schedule the states were recorded under (README, Tables).
        states: the agent states (interval or event-log form).
        center: the center (its time zone decides days).
        rules: the state mapping (grace is ignored: every deviation counts).

    Raises:
        DataError: no shift of the schedule has any state.
        AdherenceError: a state is missing from the mapping.
    """
    base = rules or AdherenceRules()
    rules = base.model_copy(update={"grace_s": 0.0, "severe_s": max(base.severe_s, 1.0)})
    as_of = states["end"].max() if "end" in states.columns else states["ts"].max()
    as_of = max(as_of, schedule["end"].max())
    segments = flatten_schedule(schedule, center.tz)
    clean = normalize_states(states, rules, as_of=as_of)
    pieces = timeline(segments, clean, center.tz, rules=rules, as_of=as_of).filter(
        pl.col("shift_start").is_not_null()
    )
    breaks: dict[tuple[str, dt.datetime], list[tuple[dt.datetime, dt.datetime, str]]] = defaultdict(
        list
    )
    work_s: dict[tuple[str, dt.datetime], float] = defaultdict(float)
    for agent, activity, start, end, shift_start in segments.select(
        "agent_id", "activity", "start", "end", "shift_start"
    ).iter_rows():
        if activity in _BREAKS:
            breaks[(agent, shift_start)].append((start, end, activity))
        elif activity == "work":
            work_s[(agent, shift_start)] += (end - start).total_seconds()
    acc: dict[tuple[str, dt.datetime], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    extra: dict[tuple[str, dt.datetime], list[float]] = {}
    present: set[tuple[str, dt.datetime]] = set()
    for agent, shift_start, start, dur_s, activity, family, kind in pieces.select(
        "agent_id", "shift_start", "start", "dur_s", "activity", "family", "kind"
    ).iter_rows():
        key = (agent, shift_start)
        if family != "off":
            present.add(key)
        own = breaks.get(key, [])
        extras = extra.setdefault(key, [0.0] * len(own))
        if kind == "late_start" and activity == "work":
            acc[key]["late"] += dur_s
        elif kind == "early_leave" and activity == "work":
            acc[key]["early"] += dur_s
        elif activity in _BREAKS and family == "work":
            extras[_nearest([(lo, hi) for lo, hi, _ in own], start)] -= dur_s
        elif activity == "work" and family in _BREAKS and own:
            extras[_nearest([(lo, hi) for lo, hi, _ in own], start)] += dur_s
        elif activity == "work" and family != "work" and kind not in ("late_start", "early_leave"):
            acc[key]["away"] += dur_s
    records, n_absent, scheduled_s, days = [], 0, 0.0, []
    for key in sorted(work_s):
        days.append(center.local_date(key[1]))
        if key not in present:
            n_absent += 1
            continue
        own, extras = breaks.get(key, []), extra.get(key, [])
        extras = extras or [0.0] * len(own)
        records.append(
            ShiftDeviation(
                late_start_s=acc[key]["late"],
                early_leave_s=acc[key]["early"],
                break_extra_s=tuple(x for x, b in zip(extras, own, strict=True) if b[2] == "break"),
                lunch_extra_s=tuple(x for x, b in zip(extras, own, strict=True) if b[2] == "lunch"),
                away_s=acc[key]["away"],
            )
        )
        scheduled_s += work_s[key]
    if not records:
        raise DataError("states", [DataIssue(None, None, "no scheduled shift has any agent state")])
    return DeviationSample(tuple(records), min(days), max(days), n_absent, scheduled_s)

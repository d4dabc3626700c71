"""The life of a schedule: the availability agents really give, drawn once per replication.

Rules, in plain language (settings: the center's `life` section, `wfm.center.Life`):

- A shift is a run of touching scheduled rows of one agent (work, breaks, lunch, ...); it
  belongs to the agent's team (roster).
- Unplanned absence: each shift is missed whole with its team's `absence_frac`.
- Adherence: each shift that is worked takes the deviations of one shift drawn at random
  from the history (`wfm.simulation.deviations`): the agent starts `late_start_s` late,
  leaves `early_leave_s` early, stays away `extra_s` after the end of each break and lunch
  (the k-th break takes the record's k-th break, cycling; a negative extra means the agent
  was back that much before the break's end) and is away `away_s` more at a random moment.
- The rest of shrinkage: blocks of `offphone_block_min` (meetings, coaching, downtime), a
  Poisson number per worked shift with mean offphone_frac / (1 - absence_frac) x work time /
  block length, each at a uniformly random moment of the agent's remaining work time. Over
  all shifts, absent ones included, absence and off-phone time then take `absence_frac +
  offphone_frac` of scheduled work, the shrinkage the requirement was grossed up by.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.simulation.deviations import DeviationSample, ShiftDeviation
from wfm.simulation.shifts import WorkSegments

__all__ = ["LifeSettings", "LivedShifts", "lived_shifts"]

_Piece = list  # [start_s, end_s, queues]


@dataclass(frozen=True)
class LifeSettings:
    """The figures a lived simulation used (for its report).

    Attributes:
        absence_frac: team -> absence rate of the teams simulated.
        offphone_frac: off-phone share of scheduled work time.
        offphone_block_s: length of one off-phone block, seconds.
        deviations: the adherence history sampled (None: no adherence deviations).
    """

    absence_frac: dict[str, float]
    offphone_frac: float
    offphone_block_s: float
    deviations: DeviationSample | None

    def describe(self) -> list[tuple[str, str]]:
        """(setting, value) lines for people."""
        rates = list(self.absence_frac.values())
        usual = max(set(rates), key=rates.count) if rates else 0.0
        others = ", ".join(
            f"{t} {r:.1%}" for t, r in sorted(self.absence_frac.items()) if r != usual
        )
        lines = [
            ("absence", f"{usual:.1%} of shifts missed whole" + (f" ({others})" if others else "")),
            (
                "off the phones",
                f"{self.offphone_frac:.1%} of scheduled work, in "
                f"{self.offphone_block_s / 60:.0f}-minute blocks",
            ),
        ]
        dev = self.deviations
        lines.append(
            (
                "adherence",
                "as scheduled (no deviations)"
                if dev is None
                else f"deviations of {len(dev.shifts)} shifts of states {dev.first_day} to "
                f"{dev.last_day} ({dev.lost_frac():.1%} of their work time off the phones)",
            )
        )
        return lines


@dataclass(frozen=True)
class _Shift:
    agent: int
    start_s: float
    end_s: float
    pieces: tuple[tuple[float, float, tuple[int, ...]], ...]
    breaks: tuple[tuple[float, float, str], ...]
    absence_frac: float
    work_s: float


def _subtract(pieces: list[_Piece], lo: float, hi: float) -> list[_Piece]:
    if hi <= lo:
        return pieces
    out: list[_Piece] = []
    for s, e, q in pieces:
        if e <= lo or s >= hi:
            out.append([s, e, q])
            continue
        if s < lo:
            out.append([s, lo, q])
        if e > hi:
            out.append([hi, e, q])
    return out


def _remove_at_measure(pieces: list[_Piece], at_s: float, length_s: float) -> list[_Piece]:
    """Remove `length_s` of available time starting `at_s` into the available time."""
    out: list[_Piece] = []
    for s, e, q in pieces:
        span = e - s
        if at_s >= span or length_s <= 0:
            at_s -= span
            out.append([s, e, q])
            continue
        cut_lo = s + max(at_s, 0.0)
        cut_hi = min(e, cut_lo + length_s)
        if cut_lo > s:
            out.append([s, cut_lo, q])
        if cut_hi < e:
            out.append([cut_hi, e, q])
        length_s -= cut_hi - cut_lo
        at_s = 0.0
    return out


def _merged(pieces: list[_Piece]) -> list[_Piece]:
    """Touching pieces for the same queues as one (a break given back joins its work)."""
    out: list[_Piece] = []
    for s, e, q in sorted(pieces, key=lambda p: p[0]):
        if out and out[-1][1] == s and out[-1][2] == q:
            out[-1][1] = e
        else:
            out.append([s, e, q])
    return out


def _available_s(pieces: list[_Piece]) -> float:
    return sum(e - s for s, e, _ in pieces)


def _cycle(values: tuple[float, ...], k: int) -> float:
    return values[k % len(values)] if values else 0.0


def _live_shift(
    shift: _Shift,
    dev: ShiftDeviation | None,
    rng: np.random.Generator,
    offphone_rate: float,
    block_s: float,
) -> list[_Piece]:
    pieces: list[_Piece] = [[s, e, q] for s, e, q in shift.pieces]
    if dev is not None:
        counts = {"break": 0, "lunch": 0}
        for lo, hi, kind in shift.breaks:
            k = counts[kind]
            counts[kind] += 1
            extra = _cycle(dev.break_extra_s if kind == "break" else dev.lunch_extra_s, k)
            if extra > 0:
                pieces = _subtract(pieces, hi, hi + extra)
            elif extra < 0:
                before = [p for p in pieces if p[1] <= lo]
                queues = before[-1][2] if before else pieces[0][2] if pieces else ()
                if queues:
                    pieces = _merged([*pieces, [max(lo, hi + extra), hi, queues]])
        pieces = _subtract(pieces, shift.start_s, shift.start_s + dev.late_start_s)
        pieces = _subtract(pieces, shift.end_s - dev.early_leave_s, shift.end_s)
        if dev.away_s > 0:
            room = _available_s(pieces) - dev.away_s
            if room > 0:
                pieces = _remove_at_measure(pieces, rng.uniform(0, room), dev.away_s)
    n_blocks = rng.poisson(offphone_rate * shift.work_s / block_s) if offphone_rate > 0 else 0
    for _ in range(n_blocks):
        room = _available_s(pieces) - block_s
        if room <= 0:
            break
        pieces = _remove_at_measure(pieces, rng.uniform(0, room), block_s)
    return pieces


@dataclass(frozen=True)
class LivedShifts:
    """A schedule's shifts, ready to be lived once per replication (`draw`)."""

    agent_ids: tuple[str, ...]
    shifts: tuple[_Shift, ...]
    settings: LifeSettings

    @property
    def scheduled_work_s(self) -> float:
        """Scheduled work time of every shift."""
        return sum(s.work_s for s in self.shifts)

    def draw(self, rng: np.random.Generator) -> WorkSegments:
        """One replication's availability: absences, deviations and off-phone blocks drawn."""
        settings = self.settings
        records = settings.deviations.shifts if settings.deviations is not None else ()
        agent, start, end, queues = [], [], [], []
        for shift in self.shifts:
            if rng.random() < shift.absence_frac:
                continue
            dev = records[rng.integers(len(records))] if records else None
            rate = settings.offphone_frac / max(1.0 - shift.absence_frac, 1e-9)
            for s, e, q in _live_shift(shift, dev, rng, rate, settings.offphone_block_s):
                if e > s:
                    agent.append(shift.agent)
                    start.append(s)
                    end.append(e)
                    queues.append(q)
        order = np.argsort(np.array(start), kind="stable")
        return WorkSegments(
            agent_ids=self.agent_ids,
            agent=np.array(agent, dtype=np.int64)[order],
            start_s=np.array(start, dtype=np.float64)[order],
            end_s=np.array(end, dtype=np.float64)[order],
            queues=tuple(queues[k] for k in order.tolist()),
        )


def lived_shifts(
    schedule: pl.DataFrame,
    segments: WorkSegments,
    center: Center,
    *,
    roster: pl.DataFrame | None,
    origin_s: float,
    deviations: DeviationSample | None,
) -> LivedShifts:
    """Cut a schedule into shifts for `LivedShifts.draw`.

    Args:
        schedule: the loaded schedule the work segments were made from.
        segments: its work segments (`wfm.simulation.shifts.work_segments`).
        center: the center (its `life` section; none means no absence and no off-phone time).
        roster: the roster (each agent's team for its absence rate).
        origin_s: the segments' origin, epoch seconds.
        deviations: the adherence history to sample (None: agents keep to the schedule).
    """
    team = {} if roster is None else dict(roster.select("agent_id", "team").iter_rows())
    rows = (
        schedule.filter(pl.col("activity") != "off")
        .select(
            "agent_id",
            "activity",
            (pl.col("start").dt.epoch("us") / 1e6 - origin_s).alias("s"),
            (pl.col("end").dt.epoch("us") / 1e6 - origin_s).alias("e"),
        )
        .sort("agent_id", "s")
    )
    index = {a: i for i, a in enumerate(segments.agent_ids)}
    # Work segments per agent, by start, to hand to the shift that holds them.
    by_agent: dict[int, list[tuple[float, float, tuple[int, ...]]]] = {}
    for k in range(len(segments)):
        by_agent.setdefault(int(segments.agent[k]), []).append(
            (float(segments.start_s[k]), float(segments.end_s[k]), segments.queues[k])
        )
    for pieces in by_agent.values():
        pieces.sort(key=lambda p: p[0])
    shifts: list[_Shift] = []
    current: list[tuple[str, float, float]] = []

    def close(agent_id: str) -> None:
        a = index[agent_id]
        lo, hi = current[0][1], max(e for _, _, e in current)
        own = by_agent.get(a, [])
        i = bisect.bisect_left([p[0] for p in own], lo)
        pieces = []
        while i < len(own) and own[i][0] < hi:
            pieces.append(own[i])
            i += 1
        if pieces:
            rate = center.absence_frac_for(team.get(agent_id))
            shifts.append(
                _Shift(
                    agent=a,
                    start_s=lo,
                    end_s=hi,
                    pieces=tuple(pieces),
                    breaks=tuple((s, e, k) for k, s, e in current if k in ("break", "lunch")),
                    absence_frac=rate,
                    work_s=sum(e - s for s, e, _ in pieces),
                )
            )
        current.clear()

    previous_agent, reach_s = None, -math.inf
    for agent_id, activity, s, e in rows.iter_rows():
        # A row that does not touch the agent's previous rows starts a new shift.
        if current and (agent_id != previous_agent or s > reach_s):
            close(previous_agent)
        if not current:
            reach_s = -math.inf
        current.append((activity, s, e))
        reach_s = max(reach_s, e)
        previous_agent = agent_id
    if previous_agent is not None:
        close(previous_agent)
    teams_seen = {team.get(segments.agent_ids[s.agent]) or "" for s in shifts}
    life = center.life
    settings = LifeSettings(
        absence_frac={t or "(no team)": center.absence_frac_for(t) for t in teams_seen},
        offphone_frac=center.offphone_frac,
        offphone_block_s=60.0 * (life.offphone_block_min if life is not None else 30),
        deviations=deviations,
    )
    return LivedShifts(segments.agent_ids, tuple(shifts), settings)

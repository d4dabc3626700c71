"""Phone-system agent states for a scheduled week, with the deviations supervisors see.

Per scheduled shift: log in a little early or late (most within 3 minutes, some 5-15 late),
take breaks and lunches near their slots and sometimes long (or miss a break), attend
scheduled meetings and training, now and then an unscheduled meeting, sometimes log out early;
one or two agents are absent for a day (no states at all). Between those the agent cycles
Available -> On Call (or Outbound) -> After Call Work with durations from its queue's AHT.
After logging out the agent is Logged Out until the next log-in (open-ended after the last).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.loaders import SCHEMAS
from wfm.synthetic.roster import SyntheticAgent
from wfm.synthetic.shifts import ScheduledActivity

__all__ = ["ACTIVITY_STATE", "StateSettings", "agent_states"]

# The phone state an agent logs for each scheduled activity other than work.
ACTIVITY_STATE = {"break": "Break", "lunch": "Lunch", "meeting": "Meeting", "training": "Training"}


@dataclass(frozen=True)
class StateSettings:
    """Probabilities of the deviations (per shift, or per break / lunch)."""

    late_login_frac: float = 0.2
    early_login_frac: float = 0.2
    long_break_frac: float = 0.22
    long_lunch_frac: float = 0.25
    missed_break_frac: float = 0.04
    unscheduled_meeting_frac: float = 0.05
    early_logout_frac: float = 0.08
    n_absences: int = 2
    outbound_frac: float = 0.3  # of outreach agents' contacts
    idle_per_aht: float = 0.3  # mean Available time between contacts / AHT


def _epoch_s(at: dt.datetime) -> int:
    return int(at.timestamp())


def _shifts(rows: list[ScheduledActivity]) -> list[list[ScheduledActivity]]:
    """Split one agent's sorted rows into shifts (contiguous runs)."""
    shifts: list[list[ScheduledActivity]] = []
    for row in rows:
        if shifts and shifts[-1][-1][3] == row[2]:
            shifts[-1].append(row)
        else:
            shifts.append([row])
    return shifts


def _work_cycle(
    rng: np.random.Generator,
    lo: int,
    hi: int,
    aht_s: float,
    outbound_frac: float,
    idle_per_aht: float,
) -> list[tuple[str, int, int]]:
    """Available / On Call (Outbound) / After Call Work pieces filling [lo, hi) seconds."""
    cycle = aht_s * (1 + idle_per_aht)
    n = int((hi - lo) / cycle * 1.5) + 4
    idle = rng.exponential(idle_per_aht * aht_s, n)
    talk = rng.gamma(2.0, 0.85 * aht_s / 2, n)
    wrap = rng.gamma(2.0, 0.15 * aht_s / 2, n)
    outbound = rng.random(n) < outbound_frac
    pieces: list[tuple[str, int, int]] = []
    t = float(lo)
    for i in range(n):
        for state, length in (
            ("Available", idle[i]),
            ("Outbound" if outbound[i] else "On Call", talk[i]),
            ("After Call Work", wrap[i]),
        ):
            end = min(t + length, hi)
            if int(end) > int(t):
                pieces.append((state, int(t), int(end)))
            t = end
            if t >= hi:
                return pieces
    pieces.append(("Available", int(t), hi))
    return pieces


def _shift_states(
    rng: np.random.Generator,
    shift: list[ScheduledActivity],
    aht_s: float,
    outbound_frac: float,
    s: StateSettings,
) -> tuple[list[tuple[str, int, int]], int]:
    """States of one shift and the log-out time (epoch seconds)."""
    start, end = _epoch_s(shift[0][2]), _epoch_s(shift[-1][3])
    u = rng.random()
    if u < s.late_login_frac:
        login = start + int(rng.uniform(300, 900))
    elif u < s.late_login_frac + s.early_login_frac:
        login = start - int(rng.uniform(0, 300))
    else:
        login = start + int(rng.uniform(0, 180))
    if rng.random() < s.early_logout_frac:
        logout = end - int(rng.uniform(600, 3600))
    else:
        logout = end + int(rng.uniform(0, 240))

    blocks: list[tuple[str, int, int]] = []
    for _, activity, a_start, a_end in shift:
        if activity == "work":
            continue
        lo, length = _epoch_s(a_start), _epoch_s(a_end) - _epoch_s(a_start)
        if activity == "break" and rng.random() < s.missed_break_frac:
            continue
        lo += int(rng.uniform(-120, 240))
        long_frac = s.long_break_frac if activity == "break" else s.long_lunch_frac
        if activity in ("break", "lunch") and rng.random() < long_frac:
            length += int(rng.uniform(240, 1200))
        else:
            length += int(rng.uniform(-30, 90))
        blocks.append((ACTIVITY_STATE[activity], lo, lo + length))
    if rng.random() < s.unscheduled_meeting_frac:
        works = [r for r in shift if r[1] == "work"]
        longest = max(works, key=lambda r: r[3] - r[2])
        lo = _epoch_s(longest[2]) + 900
        blocks.append(("Meeting", lo, lo + 1800))

    states: list[tuple[str, int, int]] = []
    cursor = login
    for state, lo, hi in sorted(blocks, key=lambda b: b[1]):
        lo, hi = max(lo, cursor), min(hi, logout)
        if hi <= lo:
            continue
        if lo > cursor:
            states += _work_cycle(rng, cursor, lo, aht_s, outbound_frac, s.idle_per_aht)
        states.append((state, lo, hi))
        cursor = hi
    if cursor < logout:
        states += _work_cycle(rng, cursor, logout, aht_s, outbound_frac, s.idle_per_aht)
    return states, logout


def agent_states(
    center: Center,
    agents: list[SyntheticAgent],
    schedule: list[ScheduledActivity],
    *,
    seed: int,
    settings: StateSettings | None = None,
) -> pl.DataFrame:
    """Agent states (README, Tables) for the scheduled shifts, sorted by agent and start.

    Args:
        center: the center (AHT of each agent's first skill drives call lengths).
        agents: the roster.
        schedule: the published schedule's activities.
        seed: random seed.
        settings: deviation probabilities.

    Returns:
        `agent_id, state, start, end` (end null for the final open Logged Out) and
        `event_id` ("E0000001", ... in row order).
    """
    s = settings or StateSettings()
    rng = np.random.default_rng([seed, 0x57A7E])
    by_agent = {a.agent_id: a for a in agents}
    rows = sorted(schedule, key=lambda r: (r[0], r[2]))
    per_agent = {k: _shifts(list(g)) for k, g in groupby(rows, key=lambda r: r[0])}
    all_shifts = [
        (agent_id, i) for agent_id, shifts in per_agent.items() for i in range(len(shifts))
    ]
    absent_idx = rng.choice(len(all_shifts), size=min(s.n_absences, len(all_shifts)), replace=False)
    absent = {all_shifts[i] for i in absent_idx}

    out_agent: list[str] = []
    out_state: list[str] = []
    out_lo: list[int] = []
    out_hi: list[int | None] = []
    for agent_id, shifts in per_agent.items():
        agent = by_agent[agent_id]
        queue = center.queue(agent.skills[0][0]) if agent.skills else center.queues[0]
        aht_s = (queue.aht_s or 300.0) / queue.concurrency
        outbound = s.outbound_frac if queue.id == "outreach_voice" else 0.0
        last_logout: int | None = None
        for i, shift in enumerate(shifts):
            if (agent_id, i) in absent:
                continue
            states, logout = _shift_states(rng, shift, aht_s, outbound, s)
            if last_logout is not None and states:
                out_hi[-1] = states[0][1]
            for state, lo, hi in states:
                out_agent.append(agent_id)
                out_state.append(state)
                out_lo.append(lo)
                out_hi.append(hi)
            out_agent.append(agent_id)
            out_state.append("Logged Out")
            out_lo.append(logout)
            out_hi.append(None)
            last_logout = logout
    frame = pl.DataFrame(
        {
            "agent_id": out_agent,
            "state": out_state,
            "start": pl.Series(out_lo, dtype=pl.Int64),
            "end": pl.Series(out_hi, dtype=pl.Int64),
        }
    )
    return frame.with_columns(
        pl.from_epoch("start", time_unit="s").dt.replace_time_zone("UTC"),
        pl.from_epoch("end", time_unit="s").dt.replace_time_zone("UTC"),
        pl.format("E{}", pl.int_range(1, pl.len() + 1).cast(pl.Utf8).str.zfill(7)).alias(
            "event_id"
        ),
    ).cast(SCHEMAS["states"].dtypes)

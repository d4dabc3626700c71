"""A synthetic day of schedules and phone-state logs for the adherence bench (seeded, no I/O).

Each agent works one 8.5-hour shift starting on the quarter-hour between 06:00 and 14:00
local, with a 15-minute break after 2 h, a 30-minute lunch after 4.5 h and a second break
after 6.5 h. The state log cycles On Call -> After Call Work -> Available with exponential
durations, with realistic deviations: late logins, overrunning breaks, early leaves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from wfm.grid import local_midnight_utc
from wfm.loaders import SCHEMAS
from wfm.synthetic.shifts import (
    ScheduledActivity,
    activities_frame,
    eight_and_a_half_hour_shift,
    shift_activities,
)
from wfm.synthetic.states import ACTIVITY_STATE

__all__ = ["SyntheticDay", "synthetic_day"]

_US = 1_000_000
_CYCLE = ("On Call", "After Call Work", "Available")
_CYCLE_MEAN_S = (150.0, 40.0, 25.0)
_SHIFT = eight_and_a_half_hour_shift(lunch_after_min=270)


@dataclass(frozen=True)
class SyntheticDay:
    """A synthetic day: `schedule` (the schedule table, README, Tables) and `states` (the
    agent states' event-log form `agent_id, ts, state, event_id`)."""

    schedule: pl.DataFrame
    states: pl.DataFrame


def synthetic_day(n_agents: int, *, day: dt.date, tz: ZoneInfo, seed: int = 0) -> SyntheticDay:
    """Build a seeded synthetic schedule and state log for `n_agents` on local `day`.

    About 200 state events per agent.
    """
    rng = np.random.default_rng(seed)
    midnight = local_midnight_utc(day, tz)
    midnight_us = int(midnight.timestamp() * _US)
    shift_rows: list[ScheduledActivity] = []
    ev_agent: list[np.ndarray] = []
    ev_ts: list[np.ndarray] = []
    ev_state: list[np.ndarray] = []
    for i in range(n_agents):
        agent = f"ag{i:05d}"
        start_min = int(rng.integers(24, 57)) * 15
        shift_rows += shift_activities(
            agent, midnight + dt.timedelta(minutes=start_min), _SHIFT.pieces
        )
        shift_us = midnight_us + start_min * 60 * _US
        login_us = shift_us + int(rng.choice([0, 0, 0, 60, 240, 600]) * _US)
        logout_us = (
            shift_us + _SHIFT.length_min * 60 * _US - int(rng.choice([0, 0, 0, 0, 900]) * _US)
        )
        n = 260
        kinds = np.arange(n) % 3
        durations = rng.exponential(np.take(_CYCLE_MEAN_S, kinds)) + 5.0
        ts = login_us + np.concatenate([[0], np.cumsum(durations[:-1])]) * _US
        state = np.take(np.array(_CYCLE), kinds)
        keep = ts < logout_us
        for activity, lo_min, hi_min in _SHIFT.inserts:
            start = shift_us + (lo_min * 60 + int(rng.normal(0, 90))) * _US
            end = start + int(((hi_min - lo_min) * 60 + abs(rng.normal(0, 180))) * _US)
            keep &= (ts < start) | (ts >= end)
            ts = np.append(ts, [start, end])
            state = np.append(state, [ACTIVITY_STATE[activity], "Available"])
            keep = np.append(keep, [True, True])
        ts = np.append(ts[keep], logout_us)
        state = np.append(state[keep], "Logged Out")
        ev_agent.append(np.full(ts.size, agent))
        ev_ts.append(ts.astype(np.int64))
        ev_state.append(state)
    states = (
        pl.DataFrame(
            {
                "agent_id": np.concatenate(ev_agent),
                "ts": np.concatenate(ev_ts),
                "state": np.concatenate(ev_state),
            }
        )
        .with_row_index("event_id")
        .with_columns(pl.format("ev{}", pl.col("event_id")).alias("event_id"))
        .select("agent_id", "ts", "state", "event_id")
        .cast(SCHEMAS["state_events"].dtypes)
    )
    # Phone systems deliver out of order.
    return SyntheticDay(
        activities_frame(shift_rows), states.sample(fraction=1.0, shuffle=True, seed=seed)
    )

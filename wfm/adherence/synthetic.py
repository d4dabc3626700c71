"""Synthetic schedules and phone-state logs for benches and tests (seeded, no I/O).

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

__all__ = ["SyntheticDay", "synthetic_day"]

_US = 1_000_000
_CYCLE = ("On Call", "After Call Work", "Available")
_CYCLE_MEAN_S = (150.0, 40.0, 25.0)
_BLOCKS = ((120, 15, "break", "Break"), (270, 30, "lunch", "Lunch"), (390, 15, "break", "Break"))
_SHIFT_MIN = 510


@dataclass(frozen=True)
class SyntheticDay:
    """A synthetic day: `schedule` (tables.md schedule) and `states` (event-log form
    `agent_id, ts, state, event_id`)."""

    schedule: pl.DataFrame
    states: pl.DataFrame


def synthetic_day(n_agents: int, *, day: dt.date, tz: ZoneInfo, seed: int = 0) -> SyntheticDay:
    """Build a seeded synthetic schedule and state log for `n_agents` on local `day`.

    About 200 state events per agent.
    """
    rng = np.random.default_rng(seed)
    midnight_us = int(local_midnight_utc(day, tz).timestamp() * _US)
    sched_rows: dict[str, list] = {"agent_id": [], "activity": [], "start": [], "end": []}
    ev_agent: list[np.ndarray] = []
    ev_ts: list[np.ndarray] = []
    ev_state: list[np.ndarray] = []
    for i in range(n_agents):
        agent = f"ag{i:05d}"
        shift_us = midnight_us + int(rng.integers(24, 57)) * 15 * 60 * _US
        edges = [0]
        acts = []
        for offset_min, length_min, activity, _ in _BLOCKS:
            edges += [offset_min, offset_min + length_min]
            acts += ["work", activity]
        edges.append(_SHIFT_MIN)
        acts.append("work")
        for activity, a, b in zip(acts, edges[:-1], edges[1:], strict=True):
            sched_rows["agent_id"].append(agent)
            sched_rows["activity"].append(activity)
            sched_rows["start"].append(shift_us + a * 60 * _US)
            sched_rows["end"].append(shift_us + b * 60 * _US)
        login_us = shift_us + int(rng.choice([0, 0, 0, 60, 240, 600]) * _US)
        logout_us = shift_us + _SHIFT_MIN * 60 * _US - int(rng.choice([0, 0, 0, 0, 900]) * _US)
        n = 260
        kinds = np.arange(n) % 3
        durations = rng.exponential(np.take(_CYCLE_MEAN_S, kinds)) + 5.0
        ts = login_us + np.concatenate([[0], np.cumsum(durations[:-1])]) * _US
        state = np.take(np.array(_CYCLE), kinds)
        keep = ts < logout_us
        for offset_min, length_min, _, state_name in _BLOCKS:
            start = shift_us + (offset_min * 60 + int(rng.normal(0, 90))) * _US
            end = start + int((length_min * 60 + abs(rng.normal(0, 180))) * _US)
            keep &= (ts < start) | (ts >= end)
            ts = np.append(ts, [start, end])
            state = np.append(state, [state_name, "Available"])
            keep = np.append(keep, [True, True])
        ts = np.append(ts[keep], logout_us)
        state = np.append(state[keep], "Logged Out")
        ev_agent.append(np.full(ts.size, agent))
        ev_ts.append(ts.astype(np.int64))
        ev_state.append(state)
    ts_type = pl.Datetime("us", "UTC")
    schedule = pl.DataFrame(sched_rows).with_columns(
        pl.col("start").cast(ts_type),
        pl.col("end").cast(ts_type),
        pl.lit(None, pl.String).alias("queue_id"),
    )
    states = (
        pl.DataFrame(
            {
                "agent_id": np.concatenate(ev_agent),
                "ts": np.concatenate(ev_ts),
                "state": np.concatenate(ev_state),
            }
        )
        .with_columns(pl.col("ts").cast(ts_type))
        .with_row_index("event_id")
        .with_columns(pl.format("ev{}", pl.col("event_id")).alias("event_id"))
        .select("agent_id", "ts", "state", "event_id")
    )
    # Phone systems deliver out of order.
    return SyntheticDay(schedule, states.sample(fraction=1.0, shuffle=True, seed=seed))

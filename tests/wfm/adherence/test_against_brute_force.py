"""The engine agrees with a minute-by-minute brute force on random messy cases."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from tests.wfm.adherence.conftest import DAY, TS, at
from wfm.adherence import AdherenceRules, adherence

ACTIVITIES = ("work", "work", "work", "break", "lunch", "meeting")
STATES = {
    "Available": "work",
    "Break": "break",
    "Lunch": "lunch",
    "Meeting": "meeting",
    "Logged Out": "off",
}
ORIGIN = at("00:00")


def _case(seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = random.Random(seed)
    by_family = {family: name for name, family in STATES.items()}
    sched, states = [], []
    for agent in ("a", "b", "c"):
        minute = rng.randrange(630, 30 * 60, 15)
        segments = []
        for _ in range(rng.randint(1, 2)):  # one or two shifts, possibly over midnight
            for _ in range(rng.randint(1, 5)):
                length = rng.randint(5, 120)
                segments.append((rng.choice(ACTIVITIES), minute, minute + length))
                minute += length
            minute += rng.randint(60, 600)
        sched += [(agent, *seg) for seg in segments]
        # States follow the plan with jittered edges, wrong states and gaps.
        cursor = segments[0][1] + rng.randint(-20, 10)
        for i, (activity, _, end) in enumerate(segments):
            name = by_family[activity] if rng.random() < 0.7 else rng.choice(list(STATES))
            stop = max(cursor + 1, end + rng.choice([0, 0, rng.randint(-8, 8)]))
            states.append((agent, name, cursor, stop, f"{agent}{i}"))
            cursor = stop + rng.choice([0, 0, 0, rng.randint(1, 12)])
        # Unscheduled work before the first and after the last shift, near or far.
        first = min(st[2] for st in states if st[0] == agent)
        length = rng.randint(10, 200)
        gap = rng.randint(0, 400)
        states.append((agent, "Available", first - gap - length, first - gap, f"{agent}pre"))
        gap = rng.randint(0, 400)
        states.append((agent, "Available", cursor + gap, cursor + gap + length, f"{agent}post"))
    # Messy delivery: shuffled, with redelivered events.
    states += rng.sample(states, k=len(states) // 4)
    rng.shuffle(states)

    def when(m: int) -> dt.datetime:
        return ORIGIN + dt.timedelta(minutes=m)

    sched_df = pl.DataFrame(
        [(a, act, when(s), when(e)) for a, act, s, e in sched],
        schema={"agent_id": pl.String, "activity": pl.String, "start": TS, "end": TS},
        orient="row",
    )
    states_df = pl.DataFrame(
        [(a, st, when(s), when(e), eid) for a, st, s, e, eid in states],
        schema={
            "agent_id": pl.String,
            "state": pl.String,
            "start": TS,
            "end": TS,
            "event_id": pl.String,
        },
        orient="row",
    )
    return sched_df, states_df


def _brute(sched: pl.DataFrame, states: pl.DataFrame, grace_min: int, horizon_min: int) -> dict:
    """Minute-by-minute: per (agent, date) scheduled, in-adherence and worked minutes."""
    zone = ZoneInfo("America/New_York")
    out: dict = {}
    states = states.unique("event_id")
    for agent in sorted(set(sched["agent_id"]) | set(states["agent_id"])):
        plan = [None] * horizon_min
        shift_day = [None] * horizon_min
        rows = sorted(sched.filter(agent_id=agent).iter_rows(named=True), key=lambda r: r["start"])
        shift_start = None
        prev_end = None
        for r in rows:
            s = int((r["start"] - ORIGIN).total_seconds() // 60)
            e = int((r["end"] - ORIGIN).total_seconds() // 60)
            if prev_end != r["start"]:
                shift_start = r["start"]
            prev_end = r["end"]
            for m in range(s, e):
                plan[m] = r["activity"]
                shift_day[m] = shift_start.astimezone(zone).date()
        actual = ["off"] * horizon_min
        name: list[str | None] = [None] * horizon_min
        for r in states.filter(agent_id=agent).iter_rows(named=True):
            s = int((r["start"] - ORIGIN).total_seconds() // 60)
            e = int((r["end"] - ORIGIN).total_seconds() // 60)
            for m in range(s, e):
                actual[m] = STATES[r["state"]]
                name[m] = r["state"]
        out_flags = [plan[m] is not None and actual[m] != plan[m] for m in range(horizon_min)]
        counted = [False] * horizon_min
        m = 0
        while m < horizon_min:
            if out_flags[m]:
                end = m
                while end < horizon_min and out_flags[end]:
                    end += 1
                if end - m >= grace_min:
                    for k in range(m, end):
                        counted[k] = True
                m = end
            else:
                m += 1
        local_day = [
            (ORIGIN + dt.timedelta(minutes=m)).astimezone(zone).date() for m in range(horizon_min)
        ]
        shifts = []  # (start_min, end_min, day) of each shift
        for m in range(horizon_min):
            if plan[m] is not None and (m == 0 or plan[m - 1] is None):
                end = m
                while end < horizon_min and plan[end] is not None:
                    end += 1
                shifts.append((m, end, shift_day[m]))
        # Unscheduled time: runs of one state on one local day go to the nearest shift's day
        # when that shift is at most 4 h away.
        day_of = list(shift_day)
        m = 0
        while m < horizon_min:
            if plan[m] is not None:
                m += 1
                continue
            end = m
            while (
                end < horizon_min
                and plan[end] is None
                and name[end] == name[m]
                and local_day[end] == local_day[m]
            ):
                end += 1
            gaps_prev = [(m - e, d) for _, e, d in shifts if e <= m]
            gaps_next = [(s_ - end, d) for s_, _, d in shifts if s_ >= end]
            prev = min(gaps_prev, key=lambda g: g[0]) if gaps_prev else None
            nxt = min(gaps_next, key=lambda g: g[0]) if gaps_next else None
            if prev and prev[0] <= 240 and (nxt is None or prev[0] <= nxt[0]):
                day = prev[1]
            elif nxt and nxt[0] <= 240:
                day = nxt[1]
            else:
                day = local_day[m]
            for k in range(m, end):
                day_of[k] = day
            m = end
        for m in range(horizon_min):
            day = day_of[m]
            key = (agent, day)
            acc = out.setdefault(key, [0, 0, 0])
            if plan[m] is not None:
                acc[0] += 60
                if not counted[m]:
                    acc[1] += 60
            if actual[m] == "work":
                acc[2] += 60
    return {k: tuple(v) for k, v in out.items() if any(v)}


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("grace_min", [0, 5])
def test_engine_matches_minute_brute_force(center, seed, grace_min):
    sched, states = _case(seed)
    horizon = 4 * 24 * 60
    as_of = ORIGIN + dt.timedelta(minutes=horizon)
    rules = AdherenceRules(mapping=STATES, grace_s=grace_min * 60, severe_s=3600)
    result = adherence(sched, states, center, rules=rules, as_of=as_of)
    got = {
        (r["agent_id"], r["date"]): (r["scheduled_s"], r["in_adherence_s"], r["worked_s"])
        for r in result.agent_days.iter_rows(named=True)
    }
    got = {k: v for k, v in got.items() if any(v)}
    assert got == _brute(sched, states, grace_min, horizon)
    assert DAY  # the origin day anchors every case

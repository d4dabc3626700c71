"""The engine agrees with a minute-by-minute brute force on random messy cases."""

from __future__ import annotations

import datetime as dt
import random

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
        minute = rng.randrange(0, 26 * 60, 15)
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
    tz = "America/New_York"
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
                shift_day[m] = (
                    shift_start.astimezone(dt.UTC)
                    .astimezone(__import__("zoneinfo").ZoneInfo(tz))
                    .date()
                )
        actual = ["off"] * horizon_min
        for r in states.filter(agent_id=agent).iter_rows(named=True):
            s = int((r["start"] - ORIGIN).total_seconds() // 60)
            e = int((r["end"] - ORIGIN).total_seconds() // 60)
            for m in range(s, e):
                actual[m] = STATES[r["state"]]
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
        for m in range(horizon_min):
            local = (ORIGIN + dt.timedelta(minutes=m)).astimezone(
                __import__("zoneinfo").ZoneInfo(tz)
            )
            day = shift_day[m] or local.date()
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

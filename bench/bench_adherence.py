"""Bench: full-day adherence and real-time snapshots for 1,000 agents (~200,000 events).

Prints one JSON line per case:
- adherence_full_day: wall time of `wfm.adherence.adherence` (median of repeats), events/s;
- adherence_snapshot: RealtimeIndex build time and snapshot latency at instants over the day
  (the in-process path a service keeps warm), plus one snapshot from raw tables (the CLI path);
- adherence_baseline: a pure-Python per-agent sweep (the obvious loop a script would do) on a
  subset of agents, scaled to all agents, with the ratio to the engine and the largest
  disagreement with the engine (grace 0, so both compute the same thing).

Run: python bench/bench_adherence.py [--agents 1000] [--repeats 5] [--baseline-agents 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from pathlib import Path

import polars as pl
from common import git_sha, peak_rss_mb

from wfm.adherence import AdherenceRules, RealtimeIndex, adherence, realtime_snapshot
from wfm.center import load_center
from wfm.synthetic import synthetic_day

CENTER = Path(__file__).resolve().parents[1] / "wfm" / "synthetic" / "sample_center.yaml"
DAY = dt.date(2026, 11, 10)


def _naive_adherence(
    schedule: pl.DataFrame, events: pl.DataFrame, mapping: dict[str, str], as_of_us: int
) -> dict[str, tuple[float, float]]:
    """Pure-Python sweep per agent: (scheduled_s, in_adherence_s), grace 0."""
    plan: dict[str, list[tuple[int, int, str]]] = {}
    for agent, activity, start, end in schedule.select(
        "agent_id", "activity", pl.col("start").dt.epoch("us"), pl.col("end").dt.epoch("us")
    ).iter_rows():
        plan.setdefault(agent, []).append((start, end, activity))
    seen: set[str] = set()
    logs: dict[str, list[tuple[int, str]]] = {}
    for agent, ts, state, event_id in events.select(
        "agent_id", pl.col("ts").dt.epoch("us"), "state", "event_id"
    ).iter_rows():
        if event_id in seen:
            continue
        seen.add(event_id)
        logs.setdefault(agent, []).append((ts, state))
    out = {}
    for agent, segments in plan.items():
        log = sorted(logs.get(agent, []))
        intervals = [
            (ts, log[i + 1][0] if i + 1 < len(log) else as_of_us, mapping[state])
            for i, (ts, state) in enumerate(log)
        ]
        scheduled = inside = 0
        j = 0
        for start, end, activity in sorted(segments):
            scheduled += end - start
            while j < len(intervals) and intervals[j][1] <= start:
                j += 1
            k = j
            while k < len(intervals) and intervals[k][0] < end:
                lo, hi = max(start, intervals[k][0]), min(end, intervals[k][1])
                if hi > lo and intervals[k][2] == activity:
                    inside += hi - lo
                k += 1
        out[agent] = (scheduled / 1e6, inside / 1e6)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-agents", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    center = load_center(CENTER)
    data = synthetic_day(args.agents, day=DAY, tz=center.tz, seed=args.seed)
    n_events = data.states.height
    rules = AdherenceRules()
    sha = git_sha()

    adherence(data.schedule, data.states, center, rules=rules)  # warm-up
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        result = adherence(data.schedule, data.states, center, rules=rules)
        times.append(time.perf_counter() - t0)
    wall = statistics.median(times)
    print(json.dumps({
        "bench": "adherence_full_day", "n_agents": args.agents, "n_events": n_events,
        "n_pieces": result.timeline.height, "wall_s": round(wall, 4),
        "min_s": round(min(times), 4), "events_per_s": round(n_events / wall),
        "n_exceptions": result.exceptions.height, "peak_rss_mb": round(peak_rss_mb(), 1),
        "git_sha": sha,
    }))  # fmt: skip

    t0 = time.perf_counter()
    index = RealtimeIndex(result.timeline, rules)
    build_s = time.perf_counter() - t0
    local_start = dt.datetime.combine(DAY, dt.time(6), tzinfo=center.tz)
    instants = [local_start + dt.timedelta(minutes=37 * i) for i in range(24)]
    index.snapshot(instants[0])  # warm-up
    snap_ms = []
    for at in instants:
        t0 = time.perf_counter()
        snap = index.snapshot(at)
        snap_ms.append((time.perf_counter() - t0) * 1e3)
    t0 = time.perf_counter()
    realtime_snapshot(data.schedule, data.states, center, at=instants[12], rules=rules)
    one_shot_s = time.perf_counter() - t0
    print(json.dumps({
        "bench": "adherence_snapshot", "n_agents": args.agents, "index_build_s": round(build_s, 4),
        "one_shot_from_raw_s": round(one_shot_s, 4),
        "snapshot_ms_median": round(statistics.median(snap_ms), 3),
        "snapshot_ms_max": round(max(snap_ms), 3), "n_instants": len(instants),
        "rows": snap.height, "peak_rss_mb": round(peak_rss_mb(), 1), "git_sha": sha,
    }))  # fmt: skip

    # Baseline: pure-Python sweep on a subset, scaled; grace 0 so both compute the same.
    subset = sorted(data.schedule.get_column("agent_id").unique().to_list())[: args.baseline_agents]
    sched_sub = data.schedule.filter(pl.col("agent_id").is_in(subset))
    events_sub = data.states.filter(pl.col("agent_id").is_in(subset))
    as_of = data.states.get_column("ts").max()
    as_of_us = int(as_of.timestamp() * 1e6)
    mapping = dict(rules.mapping)
    t0 = time.perf_counter()
    naive = _naive_adherence(sched_sub, events_sub, mapping, as_of_us)
    naive_s = (time.perf_counter() - t0) * args.agents / len(subset)
    strict = adherence(
        sched_sub, events_sub, center, rules=AdherenceRules(grace_s=0), as_of=as_of
    ).agent_days
    diff = max(
        max(abs(r["scheduled_s"] - naive[r["agent_id"]][0]),
            abs(r["in_adherence_s"] - naive[r["agent_id"]][1]))
        for r in strict.iter_rows(named=True)
    )  # fmt: skip
    print(json.dumps({
        "bench": "adherence_baseline", "baseline": "pure-Python per-agent sweep (grace 0)",
        "n_agents_run": len(subset), "wall_s_scaled": round(naive_s, 4),
        "ratio_baseline_over_engine": round(naive_s / wall, 2),
        "max_abs_diff_s": round(diff, 6), "git_sha": sha,
    }))  # fmt: skip


if __name__ == "__main__":
    main()

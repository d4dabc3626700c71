"""Bench: the simulator on a 120-agent week (~100,000 contacts), and its event loop vs SimPy.

Prints one JSON line per case:
- simulation_week: `wfm.simulation.simulate` on the synthetic week of the sample center
  (8 queues, 120 multi-skilled agents with breaks and lunches, ~100,000 contacts): wall time
  per replication (draw + event loop + tallies), contacts per second, achieved figures;
- simulation_engine_vs_simpy: one queue, 120 agents, ~100,000 contacts with exponential
  handle times and patience (M/M/N+M), run by the purpose-built heap loop
  (`wfm.simulation.run_events`) and by the same model in SimPy 4 (a `simpy.Resource` of 120
  agents, each caller a process racing its request against its patience). Same contacts, so
  the answered counts must agree closely; the ratio is SimPy time / heap-loop time. The SimPy
  model is the simpler of the two (one FIFO resource, no skills, breaks or longest-idle
  choice), so the ratio understates what a full SimPy model would cost.

SimPy is a bench-only dependency (the `bench` extra); without it that case is skipped.

Run: python bench/bench_simulation.py [--replications 3] [--repeats 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

import numpy as np
from common import emit, peak_rss_mb

from wfm.center import load_center
from wfm.loaders import load_roster
from wfm.simulation import Contacts, QueueRules, WorkSegments, run_events, simulate
from wfm.synthetic import synthetic_week

CENTER = Path(__file__).resolve().parents[1] / "wfm" / "synthetic" / "sample_center.yaml"
WEEK = dt.date(2026, 11, 9)  # a Monday


def bench_week(replications: int) -> None:
    center = load_center(CENTER)
    week = synthetic_week(center, start=WEEK, n_agents=120, weekly_contacts=100_000, seed=7)
    roster = load_roster(week.roster, center)
    simulate(week.schedule, week.volumes.head(200), center, roster=roster, replications=1)
    started = time.perf_counter()
    result = simulate(
        week.schedule, week.volumes, center, roster=roster, replications=replications, seed=1
    )
    wall_s = time.perf_counter() - started
    s = result.summary
    offered = float(s["offered"].sum())
    emit(
        {
            "bench": "simulation_week",
            "n_agents": 120,
            "n_queues": len(center.queues),
            "contacts_per_replication": round(result.n_contacts),
            "replications": replications,
            "wall_s_per_replication": round(result.wall_s_per_replication, 3),
            "wall_s_total": round(wall_s, 3),
            "contacts_per_s": round(result.n_contacts / result.wall_s_per_replication),
            "abandon_rate_all": round(float(s["abandoned"].sum()) / offered, 4),
            "answered_all": round(float(s["answered"].sum()) / offered, 4),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    )


def _mmn_contacts(n: int, n_agents: int, seed: int) -> Contacts:
    rng = np.random.default_rng(seed)
    aht_s, patience_s = 300.0, 180.0
    rate = 0.97 * n_agents / aht_s  # near full load: queues form, some callers hang up
    arrival = np.cumsum(rng.exponential(1.0 / rate, size=n))
    return Contacts(
        arrival_s=arrival,
        queue=np.zeros(n, dtype=np.int64),
        handle_s=rng.exponential(aht_s, size=n),
        patience_s=rng.exponential(patience_s, size=n),
    )


def _simpy_run(contacts: Contacts, n_agents: int) -> int:
    import simpy

    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=n_agents)
    answered = [0]

    def caller(handle_s: float, patience_s: float):
        with agents.request() as req:
            got = yield req | env.timeout(patience_s)
            if req in got:
                answered[0] += 1
                yield env.timeout(handle_s)

    def source():
        now = 0.0
        for at, h, p in zip(
            contacts.arrival_s.tolist(),
            contacts.handle_s.tolist(),
            contacts.patience_s.tolist(),
            strict=True,
        ):
            yield env.timeout(at - now)
            now = at
            env.process(caller(h, p))

    env.process(source())
    env.run()
    return answered[0]


def bench_engine_vs_simpy(repeats: int, n_contacts: int = 100_000, n_agents: int = 120) -> None:
    try:
        import simpy  # noqa: F401
    except ModuleNotFoundError:
        emit({"bench": "simulation_engine_vs_simpy", "skipped": "pip install '.[bench]'"})
        return
    contacts = _mmn_contacts(n_contacts, n_agents, seed=3)
    horizon = float(contacts.arrival_s[-1]) + 10 * 3600
    segments = WorkSegments(
        agent_ids=tuple(f"a{i}" for i in range(n_agents)),
        agent=np.arange(n_agents, dtype=np.int64),
        start_s=np.zeros(n_agents),
        end_s=np.full(n_agents, horizon),
        queues=((0,),) * n_agents,
    )
    rules = QueueRules(priority=(0,), concurrency=(1,))
    run_events(contacts, segments, rules)  # warm-up
    ours, theirs = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        out = run_events(contacts, segments, rules)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        simpy_answered = _simpy_run(contacts, n_agents)
        theirs.append(time.perf_counter() - t)
    heap_s, simpy_s = statistics.median(ours), statistics.median(theirs)
    emit(
        {
            "bench": "simulation_engine_vs_simpy",
            "n_contacts": n_contacts,
            "n_agents": n_agents,
            "repeats": repeats,
            "heap_loop_wall_s": round(heap_s, 3),
            "simpy_wall_s": round(simpy_s, 3),
            "simpy_over_heap_loop": round(simpy_s / heap_s, 2),
            "heap_loop_answered": int((~np.isnan(out.answer_s)).sum()),
            "simpy_answered": simpy_answered,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    bench_week(args.replications)
    bench_engine_vs_simpy(args.repeats)


if __name__ == "__main__":
    main()

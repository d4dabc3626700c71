"""Scheduling bench: the sample-size week vs the greedy baseline, and a scaling table.

Synthetic roster and requirements (scheduling.synthetic, fixed seeds) on the sample center's
config (8 queues, 15-minute intervals). One JSON line per case:
  bench, n_agents, wall_s, status, objective, best_bound, gap, shortfall_cost,
  shortfall_bound, shortfall_gap, shortfall_h, paid_h, and for the baseline its figures.
Shortfall bound: the better of CP-SAT's proven bound of pass 1 (shortfall alone) and the
optimum of pass 1's LP relaxation (GLOP), reported beside the shortfall it bounds.

Usage: python bench/bench_schedule.py [--time-limit 120] [--workers 2] [--sizes 50,120,300,600]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import subprocess
import time
from pathlib import Path

from scheduling.baseline import greedy_schedule
from scheduling.problem import from_frames
from scheduling.report import summarize
from scheduling.solution import allocate
from scheduling.solve import SolveParams, solve
from scheduling.synthetic import synthetic_requirements, synthetic_roster
from wfm.center import load_center

CENTER = Path(__file__).resolve().parents[1] / "wfm" / "synthetic" / "sample_center.yaml"
WEEK = dt.date(2026, 11, 30)


def _sha() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_case(n_agents: int, params: SolveParams, *, bench: str) -> dict:
    center = load_center(CENTER)
    roster = synthetic_roster(center, n_agents, seed=7)
    requirements = synthetic_requirements(center, WEEK, n_agents, seed=7)
    problem = from_frames(requirements, roster, center, week_start=WEEK)
    started = time.perf_counter()
    greedy = greedy_schedule(problem)
    greedy_s = time.perf_counter() - started
    base = summarize(problem, greedy, allocate(problem, greedy))
    # Same requirements, at most the baseline's paid hours.
    capped = dataclasses.replace(params, max_total_paid_h=base.paid_h)
    result = solve(problem, params=capped, hint=greedy)
    ours = summarize(problem, result.solution, allocate(problem, result.solution))
    return {
        "bench": bench,
        "n_agents": n_agents,
        "wall_s": round(result.wall_s, 1),
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": round(result.gap, 4),
        "shortfall_cost": ours.shortfall_cost,
        "shortfall_bound": result.shortfall_bound,
        "lp_bound": result.lp_bound,
        "shortfall_gap": round(max(0.0, ours.shortfall_cost - result.shortfall_bound)
                               / max(1.0, ours.shortfall_cost), 4),
        "shortfall_h": ours.shortfall_h,
        "paid_h": ours.paid_h,
        "required_h": ours.required_h,
        "baseline_wall_s": round(greedy_s, 2),
        "baseline_shortfall_cost": base.shortfall_cost,
        "baseline_shortfall_h": base.shortfall_h,
        "baseline_paid_h": base.paid_h,
        "shortfall_ratio_vs_baseline": round(ours.shortfall_cost / max(1, base.shortfall_cost), 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "git_sha": _sha(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", default="50,120,300,600")
    args = parser.parse_args()
    params = SolveParams(max_time_s=args.time_limit, n_workers=args.workers, seed=args.seed,
                         lp_bound=True)
    # Warm-up: a small case, so imports and first-call costs stay out of the figures.
    run_case(10, SolveParams(max_time_s=20, n_workers=args.workers, seed=args.seed),
             bench="warmup")
    for n in (int(x) for x in args.sizes.split(",")):
        print(json.dumps(run_case(n, params, bench="schedule_week")), flush=True)


if __name__ == "__main__":
    main()

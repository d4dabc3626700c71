"""Scheduling bench: the sample center's week vs the greedy baseline, and a scaling table.

Sample case (`--sample DIR`, default data/sample): the generated center, its roster.csv
(125 agents) and the last full week of its history; requirements are that week's offered
volumes staffed by the staffing engine (as the generator staffs it: Erlang A to each queue's
target, deferred work by workload / occupancy cap), grossed up by shrinkage.
Scaling cases: synthetic roster and requirements (wfm.synthetic.scheduling_panel, fixed
seeds) on the sample center's config (8 queues, 15-minute intervals). One JSON line per case:
  bench, n_agents, wall_s, status, objective, best_bound, gap, shortfall_cost,
  shortfall_bound, shortfall_gap, shortfall_h, paid_h, and for the baseline its figures;
  blocks_s (the queue blocks after the solver, on top of wall_s), and the workability
  figures (scheduling.quality) of the published allocation (queue blocks,
  then the reassignment pass, as `wfm schedule` publishes it): switches per multi-skilled
  shift (and the most), shares of preferred starts and days off honoured, idle hours while
  an own queue is short, paid hours with none of the agent's queues open; and the shortfall
  cost of the solver's flows handed out slot by slot (no block rule) beside it.
Shortfall bound: the better of CP-SAT's proven bound of pass 1 (shortfall alone) and the
optimum of pass 1's LP relaxation (HiGHS), reported beside the shortfall it bounds.

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

import numpy as np
import polars as pl

from scheduling.baseline import greedy_schedule
from scheduling.problem import from_frames
from scheduling.quality import quality
from scheduling.report import summarize
from scheduling.run import published_allocation
from scheduling.solution import allocate
from scheduling.solve import SolveParams, solve
from wfm.center import Center, load_center
from wfm.loaders import load_history, load_roster
from wfm.synthetic import synthetic_requirements, synthetic_roster
from wfm.synthetic.staffing_in_place import required_agents

CENTER = Path(__file__).resolve().parents[1] / "wfm" / "synthetic" / "sample_center.yaml"
WEEK = dt.date(2026, 11, 30)


def _sha() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _round(frac: float | None) -> float | None:
    return None if frac is None else round(frac, 3)


def sample_inputs(sample: Path) -> tuple[Center, pl.DataFrame, pl.DataFrame, dt.date]:
    """The sample center, its roster and requirements of its last full history week."""
    center = load_center(sample / "center.yaml")
    roster = load_roster(sample / "roster.csv", center)
    history = load_history(sample / "history.parquet", center)
    last = center.local_date(history["interval_start"].max())
    week = last - dt.timedelta(days=last.weekday() + (7 if last.weekday() < 6 else 0))
    frames = []
    for queue in center.queues:
        rows = history.filter(pl.col("queue_id") == queue.id).sort("interval_start")
        local = rows["interval_start"].dt.convert_time_zone(center.timezone).dt.date()
        rows = rows.filter((local >= week) & (local < week + dt.timedelta(days=7)))
        volume = rows["offered"].cast(pl.Float64).to_numpy()
        aht = rows["aht_s"].fill_null(queue.aht_s or 300.0).to_numpy()
        net = required_agents(center, queue, volume, aht)
        frames.append(
            rows.select("queue_id", "interval_start").with_columns(
                pl.Series("volume", volume),
                pl.Series("aht_s", aht),
                pl.Series("agents_net", np.ceil(net).astype(np.int64)),
                pl.Series("agents_gross", net / (1 - center.shrinkage_for(queue.id))),
            )
        )
    return center, roster, pl.concat(frames), week


def run_case(n_agents: int, params: SolveParams, *, bench: str, sample: Path | None = None) -> dict:
    if sample is not None:
        center, roster, requirements, week = sample_inputs(sample)
    else:
        center, week = load_center(CENTER), WEEK
        roster = synthetic_roster(center, n_agents, seed=7)
        requirements = synthetic_requirements(center, WEEK, n_agents, seed=7)
    problem = from_frames(requirements, roster, center, week_start=week)
    started = time.perf_counter()
    greedy = greedy_schedule(problem)
    greedy_s = time.perf_counter() - started
    base = summarize(problem, greedy, allocate(problem, greedy))
    # Same requirements, at most the baseline's paid hours.
    capped = dataclasses.replace(params, max_total_paid_h=base.paid_h)
    result = solve(problem, params=capped, hint=greedy)
    flows = summarize(problem, result.solution, allocate(problem, result.solution))
    started = time.perf_counter()
    state = published_allocation(problem, result.solution, params=params)
    blocks_s = time.perf_counter() - started
    ours = summarize(problem, result.solution, state)
    fit = quality(problem, result.solution, state)
    base_fit = quality(problem, greedy, allocate(problem, greedy))
    return {
        "bench": bench,
        "n_agents": len(problem.agents),
        "wall_s": round(result.wall_s, 1),
        "blocks_s": round(blocks_s, 1),
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": None if result.gap is None else round(result.gap, 4),
        "shortfall_cost": ours.shortfall_cost,
        "shortfall_bound": result.shortfall_bound,
        "lp_bound": result.lp_bound,
        "shortfall_gap": round(
            max(0.0, ours.shortfall_cost - result.shortfall_bound) / max(1.0, ours.shortfall_cost),
            4,
        ),
        "shortfall_h": ours.shortfall_h,
        "flows_shortfall_cost": flows.shortfall_cost,
        "block_cost_frac": round(ours.shortfall_cost / max(1, flows.shortfall_cost) - 1, 4),
        "switches_per_multi_shift": round(fit.switches_per_multi_shift, 2),
        "max_switches": fit.max_switches,
        "preferred_start_frac": _round(fit.preferred_start_frac),
        "preferred_day_off_frac": _round(fit.preferred_day_off_frac),
        "idle_while_short_h": fit.idle_while_short_h,
        "paid_closed_h": fit.paid_closed_h,
        "paid_h": ours.paid_h,
        "required_h": ours.required_h,
        "baseline_wall_s": round(greedy_s, 2),
        "baseline_shortfall_cost": base.shortfall_cost,
        "baseline_shortfall_h": base.shortfall_h,
        "baseline_paid_h": base.paid_h,
        "baseline_switches_per_multi_shift": round(base_fit.switches_per_multi_shift, 2),
        "baseline_preferred_start_frac": _round(base_fit.preferred_start_frac),
        "baseline_preferred_day_off_frac": _round(base_fit.preferred_day_off_frac),
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
    parser.add_argument("--sample", type=Path, default=CENTER.parents[2] / "data" / "sample")
    args = parser.parse_args()
    params = SolveParams(
        max_time_s=args.time_limit, n_workers=args.workers, seed=args.seed, lp_bound=True
    )
    # Warm-up: a small case, so imports and first-call costs stay out of the figures.
    run_case(10, SolveParams(max_time_s=20, n_workers=args.workers, seed=args.seed), bench="warmup")
    if (args.sample / "history.parquet").exists():
        print(json.dumps(run_case(0, params, bench="sample_week", sample=args.sample)), flush=True)
    for n in (int(x) for x in args.sizes.split(",") if x):
        print(json.dumps(run_case(n, params, bench="schedule_week")), flush=True)


if __name__ == "__main__":
    main()

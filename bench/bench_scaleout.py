"""Scale-out: forecasting throughput and scheduling time, in-process and on a Dask LocalCluster
of 1 / 2 / 4 workers.

The data is a generated network (wfm.synthetic.network: two years of 30-minute history), cut
to the first `--queues` queues. Every case forecasts the same queues one week ahead with the
automatic model choice (backtest of every candidate, Prophet included), the nightly job of a
planning team. A warm-up (one queue per worker, untimed) loads the libraries in each process
first; the cluster's start-up time is reported apart, and so is the machine's 1-minute load
average (other jobs on a shared machine take cores from the workers). Results are checked to be
identical to the in-process run. The summary gives queues per minute, the speed-up over one
Dask worker and over the in-process run, and the workers a 1,000-queue nightly run needs to
finish in 30 minutes at the measured per-worker rate and 2-worker efficiency.

Scheduling: a second generated network of `--pools` sites (each site one independent agent
pool of `--pool-agents` agents and `--pool-queues` queues) is staffed from its last history
week and scheduled pool by pool (`schedule_pools`) with one CP-SAT search worker per pool and
`--time-limit` seconds per pool, the CLI's default search (neighbourhood search included). Such
pools stop at their time limit rather than at a proof, so a run's time is set by the limit:
about ceil(pools / workers) x limit, as long as every worker has a core of its own. The table
therefore gives the schedule's quality beside the time (shortfall cost and objective summed over
the pools, pools stopped without proof): more workers than cores still shorten the run, but
each solve then gets a fraction of a core and finds a worse schedule in the same limit.

Speed-ups need idle cores: with the kernel's autogroup scheduling (most Linux desktops and
VMs), CPU is shared fairly between sessions, so while another session keeps one core busy every
worker of this run shares the other one, whatever the worker count (the load column shows it).

Run from the project root (about ten minutes on 2 cores):
    python bench/bench_scaleout.py --queues 16 --workers 1 2 4 --pools 8 --time-limit 10
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from common import emit, peak_rss_mb

from forecasting import forecast
from scheduling.pooled import PooledSchedule, schedule_pools
from scheduling.solve import SolveParams
from wfm.center import Center, load_center
from wfm.execution import DaskExecutor, Executor, InProcessExecutor
from wfm.loaders import load_roster
from wfm.staffing.frame import last_week, requirements_from_frame, select_local_days
from wfm.synthetic.network import generate_network

NIGHTLY_QUEUES = 1000
NIGHTLY_BUDGET_MIN = 30.0
NIGHTLY_POOLS = 50  # the network: 50 sites, one agent pool each
CLI_TIME_LIMIT_S = 60.0  # `wfm schedule --time-limit` default, per pool


def _network(queues: int, days: int, seed: int) -> tuple[Center, pl.DataFrame, dt.date]:
    """Generate just enough sites for `queues` queues; return (center, history, start)."""
    out = Path(tempfile.mkdtemp(prefix="wfm_network_"))
    per_site = 20
    generate_network(
        out,
        n_sites=math.ceil(queues / per_site),
        queues_per_site=per_site,
        agents_per_site=100,
        n_days=days,
        seed=seed,
    )
    center = load_center(out / "center.yaml")
    history = pl.read_parquet(out / "history", hive_partitioning=False)
    keep = history["queue_id"].unique(maintain_order=True).to_list()[:queues]
    history = history.filter(pl.col("queue_id").is_in(keep))
    start = center.local_date(history["interval_start"].max()) + dt.timedelta(days=1)
    return center, history, start


def _run(
    center: Center, history: pl.DataFrame, start: dt.date, executor: Executor
) -> tuple[pl.DataFrame, float]:
    began = time.perf_counter()
    result = forecast(history, center, start=start, horizon_days=7, executor=executor)
    return result.forecast, time.perf_counter() - began


def _warm_up(
    center: Center, history: pl.DataFrame, start: dt.date, executor: Executor, n: int
) -> None:
    first = history["queue_id"].unique(maintain_order=True).to_list()[:n]
    _run(center, history.filter(pl.col("queue_id").is_in(first)), start, executor)


@dataclass(frozen=True)
class PoolWeek:
    """A generated network's week to schedule: its center, roster and requirements."""

    center: Center
    roster: pl.DataFrame
    requirements: pl.DataFrame
    week_start: dt.date


def _pool_week(pools: int, pool_queues: int, pool_agents: int, seed: int) -> PoolWeek:
    """`pools` sites, staffed (Erlang) from the last week of two weeks of history."""
    out = Path(tempfile.mkdtemp(prefix="wfm_pools_"))
    generate_network(
        out,
        n_sites=pools,
        queues_per_site=pool_queues,
        agents_per_site=pool_agents,
        n_days=14,
        seed=seed,
    )
    center = load_center(out / "center.yaml")
    history = pl.read_parquet(out / "history", hive_partitioning=False)
    first, last = last_week(history, center)
    week = select_local_days(history, center, start=first, end=last)
    roster = load_roster(out / "roster.csv", center)
    return PoolWeek(center, roster, requirements_from_frame(week, center), first)


def _schedule(week: PoolWeek, params: SolveParams, executor: Executor) -> PooledSchedule:
    return schedule_pools(
        week.requirements,
        week.roster,
        week.center,
        week_start=week.week_start,
        params=params,
        executor=executor,
    )


def _schedule_record(pooled: PooledSchedule) -> dict[str, object]:
    status = pooled.pool_status()
    return {
        "wall_s": round(pooled.wall_s, 2),
        "solve_s_summed": round(pooled.solve_s, 2),
        "shortfall_cost": int(pooled.summary.shortfall_cost),
        "objective": None if pooled.objective is None else round(pooled.objective),
        "pools_unproven": int((status["status"] != "OPTIMAL").sum()),
        # solve.py keeps pass 1's schedule, objective = shortfall cost, when pass 2 finds
        # nothing in the time left: those pools' other terms were never optimised.
        "pools_pass2_empty": int((status["objective"] == status["shortfall_cost"]).sum()),
        "idle_h": round(pooled.summary.idle_h, 1),
        "paid_h": round(pooled.summary.paid_h, 1),
        "load_avg_1min": round(os.getloadavg()[0], 2),
    }


def bench_scheduling(args: argparse.Namespace) -> None:
    """Schedule the pools in-process and on 1 / 2 / 4 Dask workers; print the table."""
    week = _pool_week(args.pools, args.pool_queues, args.pool_agents, args.seed)
    # The time limit is the week's, shared by agents: equal pools get args.time_limit each.
    params = SolveParams(max_time_s=args.time_limit * args.pools, n_workers=1, seed=0)
    common = {
        "bench": "scaleout_schedule",
        "n_pools": args.pools,
        "agents_per_pool": args.pool_agents,
        "queues_per_pool": args.pool_queues,
        "time_limit_s_per_pool": args.time_limit,
    }
    records = {}
    with InProcessExecutor() as executor:
        records["in-process"] = _schedule_record(_schedule(week, params, executor))
    emit(common | {"case": "in-process"} | records["in-process"])
    for n_workers in args.workers:
        case = f"dask local:{n_workers}"
        with DaskExecutor(f"local:{n_workers}") as executor:
            records[case] = _schedule_record(_schedule(week, params, executor))
        emit(common | {"case": case, "n_workers": n_workers} | records[case])

    base = records["in-process"]["wall_s"]
    print(
        f"\nScheduling {args.pools} pools x {args.pool_agents} agents x {args.pool_queues} queues, "
        f"{args.time_limit:g} s per pool, one CP-SAT worker per pool:"
    )
    print(
        f"{'case':<16}{'wall s':>8}{'speed-up':>10}{'shortfall cost':>16}{'objective':>12}"
        f"{'idle h':>8}{'paid h':>8}{'unproven':>10}{'pass 2 empty':>14}{'load':>6}"
    )
    for case, r in records.items():
        print(
            f"{case:<16}{r['wall_s']:>8.1f}{base / r['wall_s']:>9.2f}x{r['shortfall_cost']:>16,}"
            f"{r['objective']:>12,}{r['idle_h']:>8,.1f}{r['paid_h']:>8,.1f}"
            f"{r['pools_unproven']:>10}{r['pools_pass2_empty']:>14}{r['load_avg_1min']:>6.2f}"
        )
    # Pools stop at their limit, so a worker solves floor(budget / limit) pools in turn.
    for limit_s in sorted({args.time_limit, CLI_TIME_LIMIT_S}):
        per_worker = max(1, math.floor(NIGHTLY_BUDGET_MIN * 60 / limit_s))
        print(
            f"{NIGHTLY_POOLS} pools at {limit_s:g} s each: {NIGHTLY_POOLS * limit_s / 60:.0f} min "
            f"on one core; {NIGHTLY_BUDGET_MIN:.0f} min need "
            f"{math.ceil(NIGHTLY_POOLS / per_worker)} single-core workers."
        )


def bench_forecasting(args: argparse.Namespace) -> None:
    """Forecast the queues in-process and on 1 / 2 / 4 Dask workers; print the table."""
    center, history, start = _network(args.queues, args.days, args.seed)
    n_queues = history["queue_id"].n_unique()
    common = {"bench": "scaleout", "n_queues": n_queues, "history_days": args.days}

    with InProcessExecutor() as executor:
        _warm_up(center, history, start, executor, 1)
        baseline, wall_s = _run(center, history, start, executor)
    rates = {"in-process": n_queues / wall_s * 60}
    emit(
        common
        | {
            "case": "in-process",
            "wall_s": round(wall_s, 2),
            "queues_per_min": round(rates["in-process"], 2),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "load_avg_1min": round(os.getloadavg()[0], 2),
        }
    )

    for n_workers in args.workers:
        began = time.perf_counter()
        with DaskExecutor(f"local:{n_workers}") as executor:
            startup_s = time.perf_counter() - began
            _warm_up(center, history, start, executor, n_workers)
            table, wall_s = _run(center, history, start, executor)
        case = f"dask local:{n_workers}"
        rates[case] = n_queues / wall_s * 60
        emit(
            common
            | {
                "case": case,
                "n_workers": n_workers,
                "startup_s": round(startup_s, 2),
                "wall_s": round(wall_s, 2),
                "queues_per_min": round(rates[case], 2),
                "speedup_vs_in_process": round(rates[case] / rates["in-process"], 2),
                "identical_to_in_process": table.equals(baseline),
                "load_avg_1min": round(os.getloadavg()[0], 2),
            }
        )

    one = rates.get("dask local:1", rates["in-process"])
    print(f"\nForecasting {n_queues} queues, 1 week ahead, automatic model choice:")
    print(f"{'case':<16}{'queues/min':>12}{'vs 1 worker':>13}{'vs in-process':>15}")
    for case, rate in rates.items():
        print(f"{case:<16}{rate:>12.1f}{rate / one:>12.2f}x{rate / rates['in-process']:>14.2f}x")
    if "dask local:2" in rates:
        efficiency = min(rates["dask local:2"] / (2 * one), 1.0)
        needed = NIGHTLY_QUEUES / (NIGHTLY_BUDGET_MIN * one * efficiency)
        emit(
            common
            | {
                "case": "extrapolation",
                "per_worker_queues_per_min": round(one, 2),
                "parallel_efficiency_2_workers": round(efficiency, 2),
                "workers_for_1000_queues_in_30_min": math.ceil(needed),
            }
        )
        print(
            f"\n{NIGHTLY_QUEUES} queues in {NIGHTLY_BUDGET_MIN:.0f} min need "
            f"{NIGHTLY_QUEUES / NIGHTLY_BUDGET_MIN:.1f} queues/min: at {one:.1f} queues/min per "
            f"worker and {efficiency:.0%} efficiency, {math.ceil(needed)} single-core workers."
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=40, help="queues forecast per case")
    parser.add_argument("--days", type=int, default=730, help="history days per queue")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pools", type=int, default=8, help="agent pools (sites) to schedule")
    parser.add_argument("--pool-agents", type=int, default=12, help="agents per pool")
    parser.add_argument("--pool-queues", type=int, default=4, help="queues per pool")
    parser.add_argument("--time-limit", type=float, default=10.0, help="solver s per pool")
    parser.add_argument("--only", choices=("forecast", "schedule"), help="run one part")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("forecasting").setLevel(logging.ERROR)  # warm-up: "no history rows"
    logging.getLogger("scheduling").setLevel(logging.ERROR)  # unproven pools: in the table
    logging.getLogger("distributed").setLevel(logging.WARNING)

    if args.only != "schedule":
        bench_forecasting(args)
    if args.only != "forecast":
        bench_scheduling(args)


if __name__ == "__main__":
    main()

"""Scale-out: forecasting throughput in-process and on a Dask LocalCluster of 1 / 2 / 4 workers.

The data is a generated network (wfm.synthetic.network: two years of 30-minute history), cut
to the first `--queues` queues. Every case forecasts the same queues one week ahead with the
automatic model choice (backtest of every candidate, Prophet included), the nightly job of a
planning team. A warm-up (one queue per worker, untimed) loads the libraries in each process
first; the cluster's start-up time is reported apart, and so is the machine's 1-minute load
average (other jobs on a shared machine take cores from the workers). Results are checked to be
identical to the in-process run. The summary gives queues per minute, the speed-up over one
Dask worker and over the in-process run, and the workers a 1,000-queue nightly run needs to
finish in 30 minutes at the measured per-worker rate and 2-worker efficiency.

Speed-ups need idle cores: with the kernel's autogroup scheduling (most Linux desktops and
VMs), CPU is shared fairly between sessions, so while another session keeps one core busy every
worker of this run shares the other one, whatever the worker count (the load column shows it).

Run from the project root (a few minutes on 2 cores):
    python bench/bench_scaleout.py --queues 40 --workers 1 2 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import math
import os
import tempfile
import time
from pathlib import Path

import polars as pl
from common import emit, peak_rss_mb

from forecasting import forecast
from wfm.center import Center, load_center
from wfm.execution import DaskExecutor, Executor, InProcessExecutor
from wfm.synthetic.network import generate_network

NIGHTLY_QUEUES = 1000
NIGHTLY_BUDGET_MIN = 30.0


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queues", type=int, default=40, help="queues forecast per case")
    parser.add_argument("--days", type=int, default=730, help="history days per queue")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("cmdstanpy").setLevel(logging.WARNING)
    logging.getLogger("forecasting").setLevel(logging.ERROR)  # warm-up: "no history rows"

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


if __name__ == "__main__":
    main()

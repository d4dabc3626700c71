"""End-to-end plan quality on a held-back week of the sample center.

The plan is built from history before the week (forecast -> staff -> schedule), then simulated
against that week's actual arrivals. A perfect-foresight plan, staffed from the actual volumes
and scheduled the same way, is simulated against the same arrivals. Printed per plan and queue:
achieved SL / ASA / abandonment against the target, and paid hours against perfect foresight.

    python bench/bench_plan_quality.py [--week 2026-11-09] [--time-limit 60] [--replications 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import polars as pl
from common import ROOT, emit, peak_rss_mb

from forecasting.run import forecast
from scheduling.run import WeekSchedule, schedule_week
from scheduling.solve import SolveParams
from wfm.center import Center, load_center
from wfm.grid import local_midnight_utc
from wfm.loaders import load_drivers, load_events, load_history, load_roster
from wfm.simulation.run import simulate
from wfm.staffing.frame import requirements_from_frame

SAMPLE = ROOT / "data" / "sample"


def _served(
    plan: WeekSchedule,
    actual: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    replications: int,
) -> pl.DataFrame:
    result = simulate(plan.schedule, actual, center, roster=roster, replications=replications)
    return result.summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--week", type=dt.date.fromisoformat, default=dt.date(2026, 11, 9))
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--replications", type=int, default=5)
    args = parser.parse_args()

    center = load_center(SAMPLE / "center.yaml")
    history = load_history(SAMPLE / "history.parquet", center)
    roster = load_roster(SAMPLE / "roster.csv", center)
    drivers = load_drivers(SAMPLE / "drivers.csv", center)
    events = load_events(SAMPLE / "events.csv", center)
    start = local_midnight_utc(args.week, center.tz)
    end = local_midnight_utc(args.week + dt.timedelta(days=7), center.tz)
    actual = history.filter((pl.col("interval_start") >= start) & (pl.col("interval_start") < end))
    params = SolveParams(max_time_s=args.time_limit, n_workers=2, seed=0)

    started = time.perf_counter()
    predicted = forecast(
        history.filter(pl.col("interval_start") < start),
        center,
        start=args.week,
        horizon_days=7,
        drivers=drivers,
        events=events,
    ).forecast
    plans = {
        "forecast": requirements_from_frame(predicted, center),
        "perfect_foresight": requirements_from_frame(actual, center),
    }
    served: dict[str, tuple[WeekSchedule, pl.DataFrame]] = {}
    for name, requirements in plans.items():
        plan = schedule_week(requirements, roster, center, week_start=args.week, params=params)
        served[name] = (plan, _served(plan, actual, roster, center, args.replications))
    wall_s = time.perf_counter() - started

    perfect_paid_h = served["perfect_foresight"][0].summary.paid_h
    for name, (plan, summary) in served.items():
        for row in summary.iter_rows(named=True):
            emit(
                {
                    "bench": "plan_quality",
                    "plan": name,
                    "queue_id": row["queue_id"],
                    "offered": round(row["offered"], 1),
                    "service_level": row["service_level"],
                    "target_service_level": row["target_service_level"],
                    "asa_s": row["asa_s"],
                    "target_asa_s": row["target_asa_s"],
                    "abandon_rate": row["abandon_rate"],
                    "target_abandon_rate": row["target_abandon_rate"],
                }
            )
        totals = summary.select(
            pl.col("offered").sum(), pl.col("answered").sum(), pl.col("abandoned").sum()
        ).row(0, named=True)
        emit(
            {
                "bench": "plan_quality_total",
                "plan": name,
                "week": str(args.week),
                "paid_h": round(plan.summary.paid_h, 1),
                "paid_vs_perfect": round(plan.summary.paid_h / perfect_paid_h, 4),
                "schedule_status": plan.result.status,
                "offered": round(totals["offered"], 1),
                "abandon_rate": round(totals["abandoned"] / max(totals["offered"], 1.0), 4),
                "wall_s": round(wall_s, 1),
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )


if __name__ == "__main__":
    main()

"""End-to-end plan quality on held-back weeks of the sample center, as the plans will be lived.

For each held-back week and each roster, two plans are built and scheduled the same way (as
`wfm plan` schedules: the roster split into independent pools, `scheduling.pooled`):
the forecast plan (forecast from the history before the week -> staff -> schedule) and the
perfect-foresight plan (staffed from the week's actual volumes). Both are simulated against
the week's actual arrivals with the center's life section: absence, off-phone time and
adherence deviations sampled from the sample's states (`wfm simulate --life`).

Both plans' requirements are built for life as `wfm staff` builds them (the center's
`life.staff_as_lived`, the adherence loss measured from the sample's states:
`wfm.staffing.lived`); the forecast plan's at the center's `life.staff_forecast_quantile` of
the forecast's weekly backtest errors (`ForecastResult.weekly_ratios`), the perfect-foresight
plan's at the actual volumes.

Rosters: the sample's (its contracts fix most paid hours, its headcount caps them) and a
flexible one (every contract's weekly minimum lowered to 4 hours, and a quarter more agents
of each skill set hired: `wfm.synthetic.flexible_contracts`, `flexible_roster`), so paid
hours can follow the requirements.

Printed per roster, week, plan and queue (one JSON line each): the share of open intervals
(intervals with contacts) whose expected service level (mean over replications) meets the
queue's target (service level and ASA, whichever the queue has), the week's abandonment, and
per roster, week and plan the paid hours against the perfect-foresight plan's.

    python bench/bench_plan_quality.py [--weeks 2026-11-02 2026-11-09] [--time-limit 40]
        [--replications 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

import polars as pl
from common import ROOT, emit, peak_rss_mb

from forecasting.run import forecast
from scheduling.pooled import PooledSchedule, schedule_pools
from scheduling.solve import SolveParams
from wfm.center import Center, load_center
from wfm.grid import local_midnight_utc
from wfm.loaders import (
    load_drivers,
    load_events,
    load_history,
    load_roster,
    load_schedule,
    load_states,
)
from wfm.simulation.deviations import DeviationSample, measure_deviations
from wfm.simulation.run import SimulationResult, simulate
from wfm.staffing.frame import requirements_from_frame
from wfm.staffing.lived import forecast_quantile, lived_allowance
from wfm.synthetic import flexible_contracts, flexible_roster
from wfm.usecases.lived import built_for_life, forecast_requirements

SAMPLE = ROOT / "data" / "sample"
WEEKS = (dt.date(2026, 11, 2), dt.date(2026, 11, 9))


def _met(intervals: pl.DataFrame) -> pl.DataFrame:
    """Per queue: open intervals, and the share whose mean figures meet the target."""
    sl_ok = pl.col("target_service_level").is_null() | (
        pl.col("service_level") >= pl.col("target_service_level") - 1e-9
    )
    asa_ok = pl.col("target_asa_s").is_null() | (pl.col("asa_s") <= pl.col("target_asa_s"))
    return (
        intervals.filter(pl.col("offered") > 0)
        .group_by("queue_id")
        .agg(
            pl.len().alias("open_intervals"),
            (sl_ok & asa_ok).fill_null(False).mean().alias("intervals_on_target"),
        )
    )


def _lived(
    plan: PooledSchedule,
    actual: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    deviations: DeviationSample,
    replications: int,
) -> SimulationResult:
    return simulate(
        plan.schedule,
        actual,
        center,
        roster=roster,
        replications=replications,
        life=True,
        deviations=deviations,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=dt.date.fromisoformat, nargs="+", default=list(WEEKS))
    parser.add_argument("--time-limit", type=float, default=40.0)
    parser.add_argument("--replications", type=int, default=5)
    args = parser.parse_args()

    center = load_center(SAMPLE / "center.yaml")
    history = load_history(SAMPLE / "history.parquet", center)
    roster = load_roster(SAMPLE / "roster.csv", center)
    drivers = load_drivers(SAMPLE / "drivers.csv", center)
    events = load_events(SAMPLE / "events.csv", center)
    deviations = measure_deviations(
        load_schedule(SAMPLE / "schedule.parquet", center),
        load_states(SAMPLE / "states.parquet", center),
        center,
    )
    params = SolveParams(max_time_s=args.time_limit, n_workers=2, seed=0)
    rosters = {
        "sample": (center, roster),
        "flexible": (flexible_contracts(center), flexible_roster(roster)),
    }
    source = f"measured on {len(deviations.shifts)} shifts of the sample's states"

    for week in args.weeks:
        start = local_midnight_utc(week, center.tz)
        end = local_midnight_utc(week + dt.timedelta(days=7), center.tz)
        actual = history.filter(
            (pl.col("interval_start") >= start) & (pl.col("interval_start") < end)
        )
        predicted = forecast(
            history.filter(pl.col("interval_start") < start),
            center,
            start=week,
            horizon_days=7,
            drivers=drivers,
            events=events,
            weekly_errors=forecast_quantile(center) is not None,
        )
        planned = predicted.forecast.group_by("queue_id").agg(pl.col("volume").sum())
        actual_over_forecast = dict(
            actual.group_by("queue_id")
            .agg(pl.col("offered").sum())
            .join(planned, on="queue_id")
            .select("queue_id", pl.col("offered") / pl.col("volume"))
            .iter_rows()
        )
        for roster_name, (roster_center, agents) in rosters.items():
            started = time.perf_counter()
            allowance = lived_allowance(
                center,
                adherence_loss_frac=deviations.lost_frac(),
                adherence_source=source,
                roster=agents,
            )
            staffed, applied = forecast_requirements(
                predicted.forecast, center, allowance, predicted.weekly_ratios
            )
            assert applied is not None
            requirements = {
                "forecast": staffed,
                "perfect_foresight": built_for_life(
                    requirements_from_frame(actual, center), center, allowance
                ),
            }
            plans = {
                name: schedule_pools(frame, agents, roster_center, week_start=week, params=params)
                for name, frame in requirements.items()
            }
            perfect_paid_h = plans["perfect_foresight"].summary.paid_h
            for name, plan in plans.items():
                result = _lived(plan, actual, agents, center, deviations, args.replications)
                met = _met(result.intervals)
                for row in result.summary.join(met, on="queue_id").iter_rows(named=True):
                    emit(
                        {
                            "bench": "plan_quality",
                            "roster": roster_name,
                            "week": str(week),
                            "plan": name,
                            "queue_id": row["queue_id"],
                            "offered": round(row["offered"], 1),
                            "actual_over_forecast": round(actual_over_forecast[row["queue_id"]], 4),
                            "staffed_ratio": round(
                                applied.forecast_ratio.get(row["queue_id"], 1.0)
                                if name == "forecast"
                                else 1.0,
                                4,
                            ),
                            "open_intervals": row["open_intervals"],
                            "intervals_on_target": round(row["intervals_on_target"], 4),
                            "service_level": row["service_level"],
                            "target_service_level": row["target_service_level"],
                            "asa_s": row["asa_s"],
                            "target_asa_s": row["target_asa_s"],
                            "abandon_rate": row["abandon_rate"],
                            "target_abandon_rate": row["target_abandon_rate"],
                        }
                    )
                totals = result.summary.select(
                    pl.col("offered").sum(), pl.col("abandoned").sum()
                ).row(0, named=True)
                emit(
                    {
                        "bench": "plan_quality_total",
                        "roster": roster_name,
                        "week": str(week),
                        "plan": name,
                        "paid_h": round(plan.summary.paid_h, 1),
                        "paid_vs_perfect": round(plan.summary.paid_h / perfect_paid_h, 4),
                        "required_h": round(plan.summary.required_h, 1),
                        "shortfall_h": round(plan.summary.shortfall_h, 1),
                        "available_vs_scheduled": round(
                            result.available_h / result.scheduled_work_h, 4
                        ),
                        "schedule_status": str(plan.status),
                        "time_limit_s": args.time_limit,
                        "replications": args.replications,
                        "staff_margin_frac": allowance.margin_frac,
                        "staff_forecast_quantile": allowance.forecast_quantile,
                        "on_phone_frac_triage": round(allowance.on_phone_frac("triage_voice"), 4),
                        "offered": round(totals["offered"], 1),
                        "abandon_rate": round(totals["abandoned"] / max(totals["offered"], 1.0), 4),
                        "wall_s": round(time.perf_counter() - started, 1),
                        "peak_rss_mb": round(peak_rss_mb(), 1),
                    }
                )


if __name__ == "__main__":
    main()

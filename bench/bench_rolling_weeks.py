"""Rolling-weeks bench: three weeks of the sample center planned in a row, each with the one
before as its previous week (README, Rolling weeks).

Week 1 (2026-11-16 by default) continues the sample's published week (data/sample's
schedule table); weeks 2 and 3 continue the week planned before them. Each week is planned
as `wfm plan` plans it (forecast from the history, Erlang staffing, the schedule pool by
pool). Per pool and week: the shortfall cost against its proven bound (the LP relaxation)
as published (queue blocks, README `wfm schedule`) and as the solver left it (its agents
split between queues slot by slot), and against the greedy baseline's on the same problem (a
ratio, so the figure holds on a busy machine); per week: the hard-rule violations the
checker finds in the schedule table with the previous week's (scheduling.check: rest,
overlap and consecutive days across the boundary among them), the agents carried in from
the week before, and the triage shortfall on Monday 00:00-06:00.

Usage: python bench/bench_rolling_weeks.py [--weeks 3] [--time-limit 120] [--seed 0]
    [--deterministic] [--out DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import polars as pl
from common import ROOT, emit, peak_rss_mb
from rich.console import Console
from rich.table import Table

from scheduling.baseline import greedy_schedule
from scheduling.check import check_schedule
from scheduling.report import summarize
from scheduling.solution import allocate
from scheduling.solve import SolveParams, relative_gap
from wfm.folder import open_folder
from wfm.output import write_table
from wfm.usecases.plan import WeekPlan, plan_week
from wfm.usecases.schedule import write_schedule

FIRST_WEEK = dt.date(2026, 11, 16)
EARLY_END_H = 6


def monday_early_short_h(plan: WeekPlan, queue_prefix: str = "triage") -> float:
    """Agent-hours short on the triage queues on the week's Monday, 00:00-06:00 local."""
    center = plan.center
    coverage = plan.schedule.coverage.with_columns(
        local=pl.col("interval_start").dt.convert_time_zone(center.timezone)
    )
    early = coverage.filter(
        pl.col("queue_id").str.starts_with(queue_prefix)
        & (pl.col("local").dt.date() == plan.schedule.week_start)
        & (pl.col("local").dt.hour() < EARLY_END_H)
    )
    return float(early["shortfall"].sum()) * center.interval_min / 60


def pool_rows(plan: WeekPlan) -> list[dict[str, object]]:
    """Per pool: shortfall, bound and the greedy baseline's shortfall on the same problem."""
    rows = []
    for pool, week in zip(plan.schedule.pools, plan.schedule.weeks, strict=True):
        if not pool.agent_ids:
            continue
        greedy = greedy_schedule(week.problem)
        greedy_cost = summarize(week.problem, greedy, allocate(week.problem, greedy)).shortfall_cost
        # The solver's own schedule, its agents split between queues slot by slot as the
        # model's flows have them: the published one keeps the queue blocks on top.
        solution = week.result.solution
        flows = summarize(week.problem, solution, allocate(week.problem, solution))
        flows_cost = flows.shortfall_cost
        r = week.result
        rows.append(
            {
                "pool_id": pool.pool_id,
                "n_agents": pool.n_agents,
                "status": str(r.status),
                "shortfall_cost": r.shortfall_cost,
                "flows_shortfall_cost": flows_cost,
                "flows_gap": relative_gap(flows_cost, r.shortfall_bound),
                "shortfall_bound": round(r.shortfall_bound),
                "shortfall_gap": r.shortfall_gap,
                "greedy_shortfall_cost": greedy_cost,
                "vs_greedy": None if r.shortfall_cost is None else r.shortfall_cost / greedy_cost,
                "solve_s": round(r.wall_s, 1),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--deterministic", action="store_true", help="work limits instead of time limits"
    )
    parser.add_argument("--first-week", type=dt.date.fromisoformat, default=FIRST_WEEK)
    parser.add_argument("--out", type=Path, help="also write each week's plan to OUT/<week>/")
    args = parser.parse_args()
    folder = open_folder(ROOT / "data" / "sample" / "center.yaml")
    params = SolveParams(
        max_time_s=args.time_limit,
        n_workers=args.workers,
        seed=args.seed,
        deterministic=args.deterministic,
    )
    console = Console(width=150)
    table = Table(title=f"{args.weeks} weeks in a row, --time-limit {args.time_limit:g}")
    for column in (
        "week",
        "pool",
        "shortfall / bound",
        "above bound",
        "solver above bound",
        "vs greedy",
        "clashes",
        "carried in",
        "Mon 00-06 triage short h",
    ):
        table.add_column(column, justify="right")
    previous = None
    for n in range(args.weeks):
        week_start = args.first_week + dt.timedelta(weeks=n)
        started = time.perf_counter()
        plan = plan_week(folder, week_start=week_start, params=params, previous=previous)
        wall_s = time.perf_counter() - started
        clashes = check_schedule_across(plan)
        early_h = monday_early_short_h(plan)
        pools = pool_rows(plan)
        cost = sum(p["shortfall_cost"] or 0 for p in pools)
        bound = sum(p["shortfall_bound"] for p in pools)
        flows_cost = sum(p["flows_shortfall_cost"] for p in pools)
        greedy = sum(p["greedy_shortfall_cost"] for p in pools)
        week_row = {
            "bench": "rolling_weeks",
            "week": week_start.isoformat(),
            "time_limit_s": args.time_limit,
            "wall_s": round(wall_s, 1),
            "shortfall_cost": cost,
            "shortfall_bound": bound,
            "shortfall_gap": relative_gap(cost, bound),
            "flows_shortfall_cost": flows_cost,
            "flows_gap": relative_gap(flows_cost, bound),
            "vs_greedy": cost / greedy,
            "clashes": len(clashes),
            "carried_in": plan.schedule.n_carried_in,
            "monday_early_triage_short_h": early_h,
            "pools": pools,
            "peak_rss_mb": round(peak_rss_mb()),
        }
        emit(week_row)
        for p in pools:
            table.add_row(
                str(week_start),
                str(p["pool_id"]),
                f"{p['shortfall_cost']:,.0f} / {p['shortfall_bound']:,.0f}",
                f"{p['shortfall_gap']:.1%}",
                f"{p['flows_gap']:.1%}",
                f"{p['vs_greedy']:.2f}",
                "",
                "",
                "",
            )
        table.add_row(
            str(week_start),
            "week",
            f"{cost:,.0f} / {bound:,.0f}",
            f"{week_row['shortfall_gap']:.1%}",
            f"{week_row['flows_gap']:.1%}",
            f"{week_row['vs_greedy']:.2f}",
            str(len(clashes)),
            str(plan.schedule.n_carried_in),
            f"{early_h:.2f}",
            end_section=True,
        )
        if args.out is not None:
            week_dir = args.out / week_start.isoformat()
            write_schedule(plan.schedule, week_dir, fmt="parquet")
            write_table(plan.requirements, week_dir / "requirements.parquet")
        previous = plan.schedule.schedule
    console.print(table)


def check_schedule_across(plan: WeekPlan) -> list:
    """Every hard-rule violation of the week, the previous week's shifts counted."""
    previous = None if plan.previous is None else plan.previous.schedule
    return [
        v
        for week in plan.schedule.weeks
        for v in check_schedule(week.problem, week.schedule, previous=previous)
    ]


if __name__ == "__main__":
    main()

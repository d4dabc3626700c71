"""Intraday bench: how well the reforecast predicts the rest of the day, and what the board
costs the server.

1. Accuracy, on held-back days of the sample (`data/sample/history.parquet`): for each day,
   the morning forecast (`wfm.usecases.intraday.morning_forecast`, from the history before
   the day), then reforecasts made at 10:00, 12:00 and 14:00 local. Scored: WAPE of the
   rest of the day (open intervals after the cut) per queue, pooled over the days, for each
   reforecast method of `wfm.intraday.reforecast` against the morning forecast's. The
   credibility constant k is fitted on the `--fit-days` days before the held-back ones.
2. Server CPU per refresh with `--boards` boards open: `wfm serve` on a fresh SQLite file with
   the sample center, roster, its published week, states and history moved by whole weeks so
   that today is a sample day, one supervisor key per team. Each board polls what the page
   polls: real time every 5 s, and every 60 s the day's team / agent / exception tables and
   the intraday view. Measured: the uvicorn process's CPU time (user + system, /proc), not
   wall time, per real-time poll and per slow refresh, for one board (the baseline) and for
   all of them at once.

Example:
    python bench/bench_intraday.py --held-days 21 --fit-days 21 --boards 50
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
import polars as pl
from bench_api import cpu_s, start_server
from common import ROOT, emit

from api.service import add_user
from wfm.center import Center, load_center
from wfm.client import ServiceClient
from wfm.folder import open_folder
from wfm.grid import day_grid, local_minute_utc, open_mask
from wfm.intraday import METHODS, ReforecastRule, shrink_weight
from wfm.loaders import load_table
from wfm.output import json_records
from wfm.settings import Settings
from wfm.usecases.intraday import morning_forecast
from wfm.usecases.service import load_center_into, publish_schedule

SAMPLE = ROOT / "data" / "sample"
CUTS_MIN = (600, 720, 840)  # 10:00, 12:00, 14:00 local
SLOW_IN_FLIGHT = 8
K_GRID = (0, 10, 25, 50, 100, 150, 250, 400, 700, 1000, 2000, 5000)


# --- accuracy ---------------------------------------------------------------------------


def day_cells(history: pl.DataFrame, center: Center, day: dt.date) -> pl.DataFrame:
    """queue_id, interval_start, forecast, actual over the day's open intervals."""
    forecast = morning_forecast(history, center, day).select(
        "queue_id", "interval_start", pl.col("volume").alias("forecast")
    )
    starts = day_grid(day, center.tz, center.interval_s)
    actual = history.filter(pl.col("interval_start").is_in(starts.implode())).select(
        "queue_id", "interval_start", pl.col("offered").cast(pl.Float64).alias("actual")
    )
    cells = forecast.join(actual, on=["queue_id", "interval_start"], how="inner")
    masks = [
        cells.filter(queue_id=q.id).with_columns(
            open_mask(q, cells.filter(queue_id=q.id)["interval_start"], center.tz).alias("open")
        )
        for q in center.queues
    ]
    return pl.concat(masks).filter("open").drop("open").with_columns(pl.lit(day).alias("day"))


def errors(cells: pl.DataFrame, center: Center, rule: ReforecastRule) -> pl.DataFrame:
    """Per queue, day and cut: sum |actual - reforecast| and sum actual over the rest of the
    day, and the morning forecast's error on the same intervals."""
    rows = []
    step = dt.timedelta(seconds=center.interval_s)
    for (queue, day), part in cells.group_by(["queue_id", "day"]):
        starts = part["interval_start"]
        forecast, actual = part["forecast"].to_numpy(), part["actual"].to_numpy()
        total = float(forecast.sum())
        for cut_min in CUTS_MIN:
            cut = local_minute_utc(day, cut_min, center.tz)
            seen = (starts + step <= cut).to_numpy()
            rest = ~seen
            if not rest.any() or not seen.any():
                continue
            f_seen, a_seen = float(forecast[seen].sum()), float(actual[seen].sum())
            factor = 1.0
            if f_seen > 0:
                factor = 1 + shrink_weight(rule, f_seen, total) * (a_seen / f_seen - 1)
            rows.append(
                {
                    "queue_id": queue,
                    "day": day,
                    "cut_min": cut_min,
                    "abs_err": float(np.abs(actual[rest] - factor * forecast[rest]).sum()),
                    "morning_err": float(np.abs(actual[rest] - forecast[rest]).sum()),
                    "total_err": float(abs(actual[rest].sum() - factor * forecast[rest].sum())),
                    "actual": float(actual[rest].sum()),
                }
            )
    return pl.DataFrame(rows)


def pooled_wape(errs: pl.DataFrame) -> float:
    return float(errs["abs_err"].sum() / errs["actual"].sum())


def total_ape(errs: pl.DataFrame) -> float:
    """Error of the rest of the day's total: sum over days |actual - predicted| / actual."""
    return float(errs["total_err"].sum() / errs["actual"].sum())


def accuracy(args: argparse.Namespace) -> None:
    center = load_center(SAMPLE / "center.yaml")
    history = load_table("history", SAMPLE / "history.parquet", center)
    last = center.local_date(history["interval_start"].max())
    held = [last - dt.timedelta(days=i) for i in range(args.held_days)][::-1]
    fit = [held[0] - dt.timedelta(days=i) for i in range(1, args.fit_days + 1)][::-1]
    t0 = time.process_time()
    fit_cells = pl.concat([day_cells(history, center, d) for d in fit])
    held_cells = pl.concat([day_cells(history, center, d) for d in held])
    forecast_cpu_s = time.process_time() - t0
    fits = {
        k: pooled_wape(errors(fit_cells, center, ReforecastRule("credibility", k))) for k in K_GRID
    }
    k_best = min(fits, key=fits.get)
    emit(
        {
            "bench": "intraday_fit",
            "fit_days": f"{fit[0]}..{fit[-1]}",
            "k_grid_wape": {str(k): round(v, 4) for k, v in fits.items()},
            "k_fitted": k_best,
            "morning_forecast_cpu_s_per_day": round(forecast_cpu_s / (len(fit) + len(held)), 2),
        }
    )
    rules = {m: ReforecastRule(m) for m in METHODS if m != "credibility"}
    rules["credibility_fitted"] = ReforecastRule("credibility", float(k_best))
    rules["credibility_default"] = ReforecastRule()
    scored = {name: errors(held_cells, center, rule) for name, rule in rules.items()}
    # k fitted queue by queue on the fit days (smallest WAPE of the grid), scored the same way.
    by_k = {k: errors(fit_cells, center, ReforecastRule("credibility", k)) for k in K_GRID}
    k_queue = {
        q: min(K_GRID, key=lambda k, q=q: pooled_wape(by_k[k].filter(queue_id=q)))
        for q in center.queue_ids
    }
    scored["credibility_per_queue"] = pl.concat(
        [
            errors(held_cells.filter(queue_id=q), center, ReforecastRule("credibility", k))
            for q, k in k_queue.items()
        ]
    )
    emit({"bench": "intraday_fit_per_queue", "k_fitted": k_queue})
    for queue in center.queue_ids:
        for cut in (*CUTS_MIN, None):
            record = {
                "bench": "intraday_accuracy",
                "queue_id": queue,
                "cut": "all" if cut is None else f"{cut // 60:02d}:{cut % 60:02d}",
                "held_days": f"{held[0]}..{held[-1]}",
            }
            for name, errs in scored.items():
                part = errs.filter(queue_id=queue)
                if cut is not None:
                    part = part.filter(cut_min=cut)
                record[f"wape_{name}"] = round(pooled_wape(part), 4)
                record[f"total_ape_{name}"] = round(total_ape(part), 4)
            record["ratio_fitted_vs_morning"] = round(
                record["wape_credibility_fitted"] / record["wape_morning"], 3
            )
            emit(record)
    overall = {f"wape_{n}": round(pooled_wape(e), 4) for n, e in scored.items()}
    overall |= {f"total_ape_{n}": round(total_ape(e), 4) for n, e in scored.items()}
    emit(
        {
            "bench": "intraday_accuracy",
            "queue_id": "all",
            "cut": "all",
            **overall,
            "ratio_fitted_vs_morning": round(
                overall["wape_credibility_fitted"] / overall["wape_morning"], 3
            ),
        }
    )


# --- server CPU -------------------------------------------------------------------------


def shifted_sample(center: Center, today: dt.date) -> dict[str, pl.DataFrame]:
    """The sample's schedule, states and the history's last weeks, moved by whole weeks so
    that `today` falls on the same weekday of the sample's published week."""
    schedule = load_table("schedule", SAMPLE / "schedule.parquet", center)
    first = center.local_date(schedule["start"].min())
    monday = first - dt.timedelta(days=first.weekday())
    shift = dt.timedelta(weeks=(today - dt.timedelta(days=today.weekday()) - monday).days // 7)
    states = load_table("states", SAMPLE / "states.parquet", center)
    history = load_table("history", SAMPLE / "history.parquet", center)
    since = dt.datetime.combine(monday - dt.timedelta(days=42), dt.time(), dt.UTC)
    history = history.filter(pl.col("interval_start") >= since)
    return {
        "schedule": schedule.with_columns(pl.col("start", "end") + shift),
        "states": states.with_columns(pl.col("start", "end") + shift),
        "history": history.with_columns(pl.col("interval_start") + shift),
    }


def load_service(url: str, db_url: str, center: Center, now: dt.datetime) -> dict[str, str]:
    settings = Settings(db_url=db_url)
    keys = {
        role: add_user(settings, name=role, role=role, teams=[]).token
        for role in ("admin", "planner", "ingest")
    }
    for team in center.teams:
        keys[team.id] = add_user(
            settings, name=f"sup-{team.id}", role="supervisor", teams=[team.id]
        ).token
    data = shifted_sample(center, center.local_date(now))
    with ServiceClient(url, keys["admin"]) as admin:
        load_center_into(admin, open_folder(SAMPLE / "center.yaml"))
    with ServiceClient(url, keys["planner"]) as planner:
        publish_schedule(planner, data["schedule"], center)
        rows = json_records(data["history"].drop("service_level", "asa_s", strict=False))
        for i in range(0, len(rows), 5000):
            planner.push_history(rows[i : i + 5000])
    states = data["states"].filter(pl.col("start") < now)
    events = json_records(
        states.with_columns(
            pl.when(pl.col("end") > now).then(None).otherwise(pl.col("end")).alias("end")
        )
    )
    for i, event in enumerate(events):
        event["event_id"] = event.get("event_id") or f"ev{i}"
    with ServiceClient(url, keys["ingest"]) as ingest:
        for i in range(0, len(events), 5000):
            ingest.push_states(events[i : i + 5000])
    return keys


def SLOW_ROUTES(day: str) -> list[tuple[str, dict[str, str]]]:
    """What the page asks for every minute."""
    today = {"start_date": day, "end_date": day}
    return [
        ("/v1/adherence/teams", today),
        ("/v1/adherence/agents", today),
        ("/v1/adherence/exceptions", today),
        ("/v1/intraday", {}),
    ]


async def slow_refresh(client: httpx.AsyncClient, day: str) -> None:
    results = await asyncio.gather(*(client.get(p, params=q) for p, q in SLOW_ROUTES(day)))
    for response in results:
        response.raise_for_status()


async def measure(url: str, pid: int, keys: list[str], day: str, *, rounds: int) -> dict:
    clients = [
        httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {k}"}, timeout=120)
        for k in keys
    ]
    try:
        before = cpu_s(pid)
        n_polls = 0
        for _ in range(rounds):
            responses = await asyncio.gather(*(c.get("/v1/adherence/realtime") for c in clients))
            for response in responses:
                response.raise_for_status()
            n_polls += len(clients)
            await asyncio.sleep(1.0)  # the snapshot renews between polls, as in real time
        realtime_ms = 1000 * (cpu_s(pid) - before) / n_polls
        # Boards' minute refreshes do not all land at once; at most SLOW_IN_FLIGHT together
        # (the adherence period routes stall beyond about 50 concurrent requests).
        gate = asyncio.Semaphore(SLOW_IN_FLIGHT)

        async def gated(client: httpx.AsyncClient) -> None:
            async with gate:
                await slow_refresh(client, day)

        before = cpu_s(pid)
        for _ in range(rounds):
            await asyncio.gather(*(gated(c) for c in clients))
        slow_ms = 1000 * (cpu_s(pid) - before) / (rounds * len(clients))
        per_route = {}
        for path, params in SLOW_ROUTES(day):

            async def one(
                client: httpx.AsyncClient, path: str = path, params: dict = params
            ) -> None:
                async with gate:
                    (await client.get(path, params=params)).raise_for_status()

            before = cpu_s(pid)
            await asyncio.gather(*(one(c) for c in clients))
            per_route[path] = round(1000 * (cpu_s(pid) - before) / len(clients), 1)
    finally:
        for c in clients:
            await c.aclose()
    # The page's mix: real time every 5 s, the slow refresh every 60 s.
    cores = len(keys) * (realtime_ms / 5 + slow_ms / 60) / 1000
    return {
        "server_cpu_ms_per_realtime_poll": round(realtime_ms, 2),
        "server_cpu_ms_per_slow_refresh": round(slow_ms, 1),
        "server_cores_busy_at_page_rates": round(cores, 3),
        "server_cpu_ms_per_request_by_route": per_route,
    }


def cpu(args: argparse.Namespace) -> None:
    center = load_center(SAMPLE / "center.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        process, url = start_server(db_url)
        try:
            now = dt.datetime.now(dt.UTC)
            keys = load_service(url, db_url, center, now)
            day = center.local_date(now).isoformat()
            teams = [t.id for t in center.teams]
            boards = [keys[teams[i % len(teams)]] for i in range(args.boards)]
            # Warm-up: the first intraday call makes the morning forecast.
            asyncio.run(measure(url, process.pid, boards[:1], day, rounds=1))
            one = asyncio.run(measure(url, process.pid, boards[:1], day, rounds=args.rounds))
            many = asyncio.run(measure(url, process.pid, boards, day, rounds=args.rounds))
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    emit({"bench": "intraday_board_cpu", "boards": 1, **one})
    emit(
        {
            "bench": "intraday_board_cpu",
            "boards": args.boards,
            **many,
            "slow_refresh_ratio_vs_one_board": round(
                many["server_cpu_ms_per_slow_refresh"] / one["server_cpu_ms_per_slow_refresh"], 2
            ),
            "realtime_poll_ratio_vs_one_board": round(
                many["server_cpu_ms_per_realtime_poll"] / one["server_cpu_ms_per_realtime_poll"], 2
            ),
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--held-days", type=int, default=21)
    parser.add_argument("--fit-days", type=int, default=21)
    parser.add_argument("--boards", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("accuracy", "cpu"), default=None)
    args = parser.parse_args(argv)
    if args.only in (None, "accuracy"):
        accuracy(args)
    if args.only in (None, "cpu"):
        cpu(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

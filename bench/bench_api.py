"""Load bench of the API: real-time adherence polling while states are ingested.

Starts `wfm serve` (uvicorn, access log off) on 127.0.0.1 with a fresh SQLite file (or
`--db URL`), loads the sample center, a roster of `--agents` agents over the center's teams
and a schedule whose shifts cover the run, then:

1. idle: `--clients` pollers GET /v1/adherence/realtime (one supervisor key per team, each
   poller on one team; `--scope center` polls the whole center with a manager key) for
   `--idle-s` seconds: the baseline;
2. load: the same pollers while a feeder POSTs `--rate` state events per second (batches of
   `--batch`, up to 4 batches in flight) for `--duration-s` seconds.

Prints one JSON line per phase (poll latency p50/p95/p99 in ms, polls/s, events/s sent and
acknowledged, ingest latency) and a summary line with the load/idle p95 ratio, then checks
that every acknowledged event is stored exactly once (reading the database directly).

Example:
    python bench/bench_api.py --agents 500 --clients 50 --rate 1000 --duration-s 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import yaml
from common import git_sha
from sqlalchemy import func, select

from api.db import StateEvent, open_database, scratch_postgres_database
from api.service import add_user
from wfm.center import load_center
from wfm.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CENTER = ROOT / "wfm" / "synthetic" / "sample_center.yaml"
STATES = ("Available", "On Call", "After Call Work", "Break", "Lunch", "Logged Out")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_url: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from wfm.cli.main import main; main()",
            "serve",
            "--port",
            str(port),
            "--db",
            db_url,
            "--no-access-log",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    for line in process.stdout:
        if re.search(r"Uvicorn running on", line):
            return process, f"http://127.0.0.1:{port}"
    raise RuntimeError("server did not start")


def cpu_s(pid: int) -> float:
    """CPU time (user + system) a process has used so far, in seconds (Linux /proc).

    Server CPU per poll is the figure that survives a shared machine: latency depends on
    what else runs, the work a request costs much less so."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def roster(n_agents: int, center: Any) -> list[dict[str, Any]]:
    teams = list(center.teams)
    return [
        {
            "agent_id": f"a{i:04d}",
            "name": f"Agent {i}",
            "team": teams[i % len(teams)].id,
            "supervisor": teams[i % len(teams)].supervisor,
            "skills": [{"queue_id": "triage_voice", "proficiency": 1.0}],
            "contract": "ft40",
        }
        for i in range(n_agents)
    ]


def schedule(agent_ids: list[str], now: dt.datetime, tz: Any) -> dict[str, Any]:
    """Shifts from now - 3 h to now + 4 h with a break, so real time has work to compare."""
    start = (now - dt.timedelta(hours=3)).replace(second=0, microsecond=0)
    local = start.astimezone(tz).date()
    week_start = local - dt.timedelta(days=local.weekday())
    parts = [("work", 0, 240), ("break", 240, 255), ("work", 255, 420)]
    rows = [
        {
            "agent_id": agent,
            "activity": activity,
            "start": (start + dt.timedelta(minutes=a)).isoformat(),
            "end": (start + dt.timedelta(minutes=b)).isoformat(),
        }
        for agent in agent_ids
        for activity, a, b in parts
    ]
    return {"week_start": week_start.isoformat(), "rows": rows}


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "p99_ms": float("nan")}
    arr = np.array(values) * 1000
    p50, p95, p99 = np.percentile(arr, [50, 95, 99])
    return {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1), "p99_ms": round(p99, 1)}


async def poll(
    client: httpx.AsyncClient, path: str, params: dict, stop: float, out: dict, interval_s: float
) -> None:
    """Poll until `stop`, one request every `interval_s` (0: back to back)."""
    await asyncio.sleep(random.random() * interval_s)  # spread the pollers' phases
    while time.monotonic() < stop:
        t0 = time.monotonic()
        try:
            response = await client.get(path, params=params)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        if ok:
            out["latency_s"].append(time.monotonic() - t0)
        else:
            out["errors"] += 1
        await asyncio.sleep(max(0.0, t0 + interval_s - time.monotonic()))


async def feed(
    base_url: str,
    token: str,
    agents: list[str],
    *,
    rate: int,
    batch: int,
    first_id: int,
    stop: float,
    out: dict,
    rng: random.Random,
) -> None:
    interval_s = batch / rate
    in_flight = asyncio.Semaphore(4)
    tasks: list[asyncio.Task[None]] = []
    next_at = time.monotonic()
    headers = {"Authorization": f"Bearer {token}"}
    client = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60)

    async def send(events: list[dict[str, Any]]) -> None:
        async with in_flight:
            t0 = time.monotonic()
            try:
                response = await client.post("/v1/states", json={"events": events})
            except httpx.HTTPError:
                out["ingest_errors"] += 1
                return
            if response.status_code in (200, 207):
                body = response.json()
                out["acknowledged"].extend(body["accepted"] + body["duplicates"])
                out["ingest_latency_s"].append(time.monotonic() - t0)
                out["row_errors"] += len(body["errors"])
            else:
                out["ingest_errors"] += 1

    sequence = first_id
    while time.monotonic() < stop:
        now = dt.datetime.now(dt.UTC).isoformat()
        events = []
        for _ in range(batch):
            sequence += 1
            events.append(
                {
                    "event_id": f"bench-{sequence:09d}",
                    "agent_id": rng.choice(agents),
                    "state": rng.choice(STATES),
                    "start": now,
                }
            )
        out["sent"] += batch
        tasks.append(asyncio.create_task(send(events)))
        next_at += interval_s
        await asyncio.sleep(max(0.0, next_at - time.monotonic()))
    await asyncio.gather(*tasks)
    out["drained_at"] = time.monotonic()
    await client.aclose()


def feeder_process(args: dict[str, Any], result_path: str, ready: Any, go: Any) -> None:
    """Entry point of the feeder's own process (so pollers do not starve it); it feeds for
    `duration_s` from the moment the parent says go."""
    out: dict[str, Any] = {
        "sent": 0,
        "acknowledged": [],
        "ingest_latency_s": [],
        "ingest_errors": 0,
        "row_errors": 0,
    }
    rng = random.Random(args.pop("seed"))
    duration_s = args.pop("duration_s")
    ready.set()
    go.wait()
    asyncio.run(feed(**args, stop=time.monotonic() + duration_s, out=out, rng=rng))
    Path(result_path).write_text(json.dumps(out))


async def phase(
    base_url: str,
    pollers: list[tuple[str, dict]],
    *,
    duration_s: float,
    feeder: dict | None,
    server_pid: int,
    interval_s: float = 0.0,
) -> dict[str, Any]:
    out: dict[str, Any] = {"latency_s": [], "errors": 0}
    limits = httpx.Limits(max_connections=len(pollers) + 8)
    process = None
    if feeder:
        context = multiprocessing.get_context("spawn")
        ready, go = context.Event(), context.Event()
        args = {
            "base_url": base_url,
            "token": feeder["token"],
            "agents": feeder["agents"],
            "rate": feeder["rate"],
            "batch": feeder["batch"],
            "first_id": feeder["first_id"],
            "duration_s": duration_s,
            "seed": feeder["seed"],
        }
        process = context.Process(
            target=feeder_process, args=(args, feeder["result_path"], ready, go)
        )
        process.start()
        ready.wait(timeout=120)
        go.set()
    cpu_before_s = cpu_s(server_pid)
    start = time.monotonic()
    stop = start + duration_s
    clients = [
        httpx.AsyncClient(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
            limits=limits,
        )
        for token, _ in pollers
    ]
    await asyncio.gather(
        *(
            poll(client, "/v1/adherence/realtime", params, stop, out, interval_s)
            for client, (_, params) in zip(clients, pollers, strict=True)
        )
    )
    polled_s = time.monotonic() - start
    for client in clients:
        await client.aclose()
    n_polls = len(out["latency_s"])
    result = {
        "polls": n_polls,
        "poll_errors": out["errors"],
        "polls_per_s": round(n_polls / polled_s, 1),
        **percentiles(out["latency_s"]),
        "wall_s": round(polled_s, 1),
    }
    if process is None:
        server_cpu_s = cpu_s(server_pid) - cpu_before_s
        result["server_cpu_ms_per_poll"] = round(1000 * server_cpu_s / max(n_polls, 1), 2)
    else:
        process.join(timeout=duration_s + 300)
        elapsed_s = time.monotonic() - start
        result["server_cpu_frac"] = round((cpu_s(server_pid) - cpu_before_s) / elapsed_s, 2)
    if process is not None and feeder is not None:
        fed = json.loads(Path(feeder["result_path"]).read_text())
        feeder["acknowledged"] = set(fed["acknowledged"])
        fed_s = fed["drained_at"] - start
        result.update(
            {
                "events_sent": fed["sent"],
                "events_sent_per_s": round(fed["sent"] / duration_s, 1),
                "events_acknowledged": len(fed["acknowledged"]),
                "events_acknowledged_per_s": round(len(fed["acknowledged"]) / fed_s, 1),
                "feeder_drained_s": round(fed_s, 1),
                "ingest_errors": fed["ingest_errors"],
                "row_errors": fed["row_errors"],
                **{f"ingest_{k}": v for k, v in percentiles(fed["ingest_latency_s"]).items()},
            }
        )
    return result


def exactly_once(db_url: str, acknowledged: set[str]) -> dict[str, Any]:
    database = open_database(db_url)
    try:
        with database.read_session() as session:
            rows = session.execute(
                select(StateEvent.event_id, func.count())
                .where(StateEvent.event_id.like("bench-%"))
                .group_by(StateEvent.event_id)
            ).all()
    finally:
        database.dispose()
    stored = {event_id for event_id, _ in rows}
    return {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "missing": len(acknowledged - stored),
        "stored_more_than_once": sum(1 for _, n in rows if n > 1),
        "ok": not (acknowledged - stored) and all(n == 1 for _, n in rows),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=int, default=1000, help="events per second")
    parser.add_argument("--batch", type=int, default=100, help="events per POST")
    parser.add_argument("--duration-s", type=float, default=60.0)
    parser.add_argument("--idle-s", type=float, default=10.0)
    parser.add_argument("--scope", choices=("team", "center"), default="team")
    parser.add_argument(
        "--poll-interval-s",
        type=float,
        default=0.0,
        help="each poller sends one request per interval (0: back to back, the saturation "
        "case; a supervisor's dashboard refreshes every few seconds)",
    )
    parser.add_argument(
        "--db",
        default="sqlite",
        help="sqlite (a temporary file), postgres (a new database on --pg-server, dropped "
        "afterwards), or a database URL used as is",
    )
    parser.add_argument("--pg-server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="wfm-bench-")
    with database_for(args.db, Path(tmp.name), args.pg_server) as db_url:
        return run(args, db_url, tmp)


@contextlib.contextmanager
def database_for(kind: str, folder: Path, pg_server: str) -> Iterator[str]:
    """A fresh database URL for the run (a new PostgreSQL database is dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    if kind != "postgres":
        yield kind
        return
    with scratch_postgres_database(pg_server, prefix="wfm_bench") as url:
        yield url


def run(args: argparse.Namespace, db_url: str, tmp: tempfile.TemporaryDirectory[str]) -> int:
    """Set up the center, run the idle and load phases, check exactly-once storage."""
    settings = Settings(db_url=db_url)
    center = load_center(SAMPLE_CENTER)
    admin = add_user(settings, name="bench-admin", role="admin", teams=[]).token
    feeder_key = add_user(settings, name="bench-phone-system", role="ingest", teams=[]).token
    manager = add_user(settings, name="bench-manager", role="manager", teams=[]).token
    supervisors = {
        team.id: add_user(settings, name=f"sup-{team.id}", role="supervisor", teams=[team.id]).token
        for team in center.teams
    }
    process, base_url = start_server(db_url)
    try:
        headers = {"Authorization": f"Bearer {admin}"}
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as c:
            c.put("/v1/center", json=yaml.safe_load(SAMPLE_CENTER.read_text())).raise_for_status()
            agents = roster(args.agents, center)
            c.put("/v1/roster", json={"agents": agents}).raise_for_status()
            now = dt.datetime.now(dt.UTC)
            agent_ids = [a["agent_id"] for a in agents]
            c.post("/v1/schedules", json=schedule(agent_ids, now, center.tz)).raise_for_status()
        teams = [t.id for t in center.teams]
        if args.scope == "team":
            pollers = [
                (supervisors[teams[i % len(teams)]], {"team": teams[i % len(teams)]})
                for i in range(args.clients)
            ]
        else:
            pollers = [(manager, {}) for _ in range(args.clients)]
        common = {
            "bench": "api_realtime",
            "n_agents": args.agents,
            "n_clients": args.clients,
            "scope": args.scope,
            "poll_interval_s": args.poll_interval_s,
            "db": db_url.split(":", 1)[0],
            "git_sha": git_sha(),
        }
        pid = process.pid
        asyncio.run(phase(base_url, pollers[:4], duration_s=2.0, feeder=None, server_pid=pid))
        interval_s = args.poll_interval_s
        idle = asyncio.run(
            phase(
                base_url,
                pollers,
                duration_s=args.idle_s,
                feeder=None,
                server_pid=pid,
                interval_s=interval_s,
            )
        )
        print(json.dumps({**common, "phase": "idle", **idle}), flush=True)
        feeder = {
            "token": feeder_key,
            "agents": agent_ids,
            "rate": args.rate,
            "batch": args.batch,
            "first_id": 0,
            "seed": args.seed,
            "result_path": str(Path(tmp.name) / "feeder.json"),
            "acknowledged": set(),
        }
        load = asyncio.run(
            phase(
                base_url,
                pollers,
                duration_s=args.duration_s,
                feeder=feeder,
                server_pid=pid,
                interval_s=interval_s,
            )
        )
        print(json.dumps({**common, "phase": "load", "target_rate": args.rate, **load}), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    check = exactly_once(db_url, feeder["acknowledged"])
    ratio = load["p95_ms"] / idle["p95_ms"] if idle["p95_ms"] else float("nan")
    print(
        json.dumps({**common, "phase": "summary", "p95_load_over_idle": round(ratio, 2), **check}),
        flush=True,
    )
    tmp.cleanup()
    return 0 if check["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())

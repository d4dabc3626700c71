"""Builders and a live-server runner shared by the API tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from wfm.center import load_center
from wfm.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CENTER = PROJECT_ROOT / "wfm" / "synthetic" / "sample_center.yaml"
TEAMS = ("triage_a", "sched_a")
WEEK_START = dt.date(2026, 11, 23)  # a Monday


@functools.cache
def _center_text() -> str:
    return SAMPLE_CENTER.read_text(encoding="utf-8")


@functools.cache
def _supervisors() -> dict[str, str]:
    return {team.id: team.supervisor for team in load_center(SAMPLE_CENTER).teams}


def center_body() -> dict[str, Any]:
    """The sample center configuration as a JSON-ready dict."""
    return yaml.safe_load(_center_text())


def roster_agents(n_per_team: int = 3, teams: tuple[str, ...] = TEAMS) -> list[dict[str, Any]]:
    """A small roster: `n_per_team` agents in each team, ids like triage_a-001."""
    queue = {"triage_a": "triage_voice", "sched_a": "sched_voice"}
    supervisor = _supervisors()
    return [
        {
            "agent_id": f"{team}-{i:03d}",
            "name": f"Agent {team} {i}",
            "team": team,
            "supervisor": supervisor[team],
            "skills": [{"queue_id": queue.get(team, "triage_voice"), "proficiency": 1.0}],
            "contract": "ft40",
            "availability": [],
        }
        for team in teams
        for i in range(1, n_per_team + 1)
    ]


def shift_rows(agent_id: str, day: dt.date = WEEK_START) -> list[dict[str, Any]]:
    """An 8.5 h day shift (09:00-17:30 New York) with a lunch, as schedule rows in UTC."""
    start = dt.datetime.combine(day, dt.time(14, 0), tzinfo=dt.UTC)  # 09:00 EST
    parts = [("work", 0, 240), ("lunch", 240, 270), ("work", 270, 510)]
    return [
        {
            "agent_id": agent_id,
            "activity": activity,
            "start": (start + dt.timedelta(minutes=a)).isoformat(),
            "end": (start + dt.timedelta(minutes=b)).isoformat(),
        }
        for activity, a, b in parts
    ]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_ok(client: Any, path: str, body: Any, token: str, status: int) -> Any:
    """POST `body` to `path` with `token`'s key; the answer's JSON, once its status is checked."""
    response = client.post(path, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    return response.json()


def assert_one_bad_field(response: Any, column: str, message: str) -> None:
    """The answer is a 422 naming one field of the request (and no row of a table)."""
    assert response.status_code == 422
    assert response.json()["detail"] == [{"row": None, "column": column, "message": message}]


# --- a real server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """A `wfm serve` subprocess; `log` collects everything it wrote to stdout/stderr."""

    process: subprocess.Popen[str]
    base_url: str
    log: list[str] = field(default_factory=list)
    drainer: threading.Thread | None = None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


def start_server(
    db_url: str, *, access_log: bool = True, env: dict[str, str] | None = None
) -> LiveServer:
    """Start the service on a free port and return once uvicorn reports it is listening;
    `env` adds settings (``WFM_...`` variables)."""
    port = free_port()
    args = [
        sys.executable,
        "-c",
        "from wfm.cli.main import main; main()",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        db_url,
    ]
    if not access_log:
        args.append("--no-access-log")
    process = subprocess.Popen(
        args,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})},
    )
    server = LiveServer(process, f"http://127.0.0.1:{port}")
    assert process.stdout is not None
    for line in process.stdout:
        server.log.append(line)
        if re.search(r"Uvicorn running on", line):
            break
    else:
        raise RuntimeError("the server exited before listening:\n" + "".join(server.log))

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            server.log.append(line)

    server.drainer = threading.Thread(target=drain, daemon=True)
    server.drainer.start()
    return server


@contextlib.contextmanager
def live_server(db_url: str, **kwargs: Any) -> Iterator[LiveServer]:
    server = start_server(db_url, **kwargs)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.terminate()
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if server.drainer is not None:
            server.drainer.join(timeout=20)  # the log is complete once the pipe is drained


def add_key(db_url: str, name: str, role: str, teams: list[str] | None = None) -> str:
    """Create a key in the database of a live server (as `wfm users add` does)."""
    from api.service import add_user

    return add_user(Settings(db_url=db_url), name=name, role=role, teams=teams or []).token


def http_client(server: LiveServer, token: str | None = None) -> httpx.Client:
    headers = bearer(token) if token else {}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)

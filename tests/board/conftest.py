"""A live service for the board's tests: the sample center, two teams, a schedule around
now, agent states and five weeks of history pushed through the API, and one browser."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from tests.api.helpers import (
    LiveServer,
    add_key,
    center_body,
    http_client,
    live_server,
    roster_agents,
)
from wfm.center import Center, load_center
from wfm.synthetic import generate_history

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE_CENTER = Path(__file__).resolve().parents[2] / "wfm" / "synthetic" / "sample_center.yaml"
HISTORY_DAYS = 29


@dataclass
class Service:
    server: LiveServer
    db_url: str
    keys: dict[str, str]
    center: Center
    now: dt.datetime
    shift_start: dt.datetime
    shots: Path


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def post_states(service: Service, rows: list[dict]) -> None:
    with http_client(service.server, service.keys["ingest"]) as client:
        response = client.post("/v1/states", json={"events": rows})
        assert response.status_code == 200, response.text


def _schedule(agent_ids: list[str], start: dt.datetime) -> list[dict]:
    """An 8 h shift from `start` for each agent: work, a 15-minute break at 2 h, work."""
    rows = []
    for agent in agent_ids:
        for activity, a, b in (("work", 0, 120), ("break", 120, 135), ("work", 135, 480)):
            rows.append({
                "agent_id": agent, "activity": activity,
                "start": _iso(start + dt.timedelta(minutes=a)),
                "end": _iso(start + dt.timedelta(minutes=b)),
            })  # fmt: skip
    return rows


def _history_rows(center: Center, now: dt.datetime) -> list[dict]:
    today = center.local_date(now)
    frame = generate_history(
        center, start=today - dt.timedelta(days=HISTORY_DAYS), n_days=HISTORY_DAYS + 1, seed=3
    ).filter(
        pl.col("queue_id").is_in(["triage_voice", "sched_voice"])
        & (pl.col("interval_start") + pl.duration(seconds=center.interval_s) <= now)
    )
    keep = ["queue_id", "interval_start", "offered", "handled", "abandoned", "aht_s"]
    frame = frame.select(keep).with_columns(
        pl.col("interval_start").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )
    return frame.to_dicts()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    root = tmp_path_factory.mktemp("board")
    db_url = f"sqlite:///{root / 'board.sqlite3'}"
    center = load_center(SAMPLE_CENTER)
    with live_server(db_url, access_log=False, env={"WFM_REALTIME_CACHE_S": "0"}) as server:
        keys = {
            "admin": add_key(db_url, "ops", "admin"),
            "planner": add_key(db_url, "plan", "planner"),
            "ingest": add_key(db_url, "phones", "ingest"),
            "triage": add_key(db_url, "dana", "supervisor", ["triage_a"]),
            "sched": add_key(db_url, "sam", "supervisor", ["sched_a"]),
        }
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        # Shifts began 90 minutes ago, at a whole quarter-hour: the break comes in 30 min.
        shift_start = (now - dt.timedelta(minutes=90)).replace(second=0)
        shift_start -= dt.timedelta(minutes=shift_start.minute % 15)
        agents = roster_agents()
        with http_client(server, keys["admin"]) as admin:
            assert admin.put("/v1/center", json=center_body()).status_code == 200
            assert admin.put("/v1/roster", json={"agents": agents}).status_code == 200
        ids = [a["agent_id"] for a in agents]
        week = center.local_date(shift_start)
        week -= dt.timedelta(days=week.weekday())
        with http_client(server, keys["planner"]) as planner:
            body = {"week_start": week.isoformat(), "rows": _schedule(ids, shift_start)}
            response = planner.post("/v1/schedules", json=body)
            assert response.status_code in (200, 201), response.text
            rows = _history_rows(center, now)
            for i in range(0, len(rows), 5000):
                response = planner.post("/v1/history", json={"rows": rows[i : i + 5000]})
                assert response.status_code == 200, response.text
        svc = Service(server, db_url, keys, center, now, shift_start, root / "screenshots")
        svc.shots.mkdir()
        post_states(svc, [
            {"event_id": f"login-{a}", "agent_id": a, "state": "Available",
             "start": _iso(shift_start)}
            for a in ids
        ])  # fmt: skip
        yield svc
        keep = Path("out") / "board_screenshots"
        if keep.parent.is_dir():
            shutil.copytree(svc.shots, keep, dirs_exist_ok=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()

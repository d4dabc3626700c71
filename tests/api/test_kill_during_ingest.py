"""Killing the server (SIGKILL) in the middle of ingest loses no acknowledged event."""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import func, select

from api.db import StateEvent, open_database
from tests.api.helpers import add_key, center_body, http_client, live_server, roster_agents

BATCH = 50
KILL_AFTER_ACKS = 10  # batches acknowledged before the kill


def batch(first: int) -> list[dict[str, str]]:
    agents = [a["agent_id"] for a in roster_agents()]
    return [
        {
            "event_id": f"ev-{i:07d}",
            "agent_id": agents[i % len(agents)],
            "state": "Available" if i % 2 else "On Call",
            "start": f"2026-11-16T14:{(i // 60) % 60:02d}:{i % 60:02d}Z",
        }
        for i in range(first, first + BATCH)
    ]


@pytest.mark.parametrize(
    "server_db_url",
    ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow])],
    indirect=True,
)
def test_no_acknowledged_event_is_lost_when_the_server_is_killed(server_db_url: str) -> None:
    token = add_key(server_db_url, "feeder", "admin")
    acknowledged: list[str] = []
    enough = threading.Event()

    def feed(base_url: str) -> None:
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as c:
            first = 0
            while True:
                try:
                    response = c.post("/v1/states", json={"events": batch(first)}, timeout=30)
                except httpx.HTTPError:
                    return  # the server died under us: this batch was never acknowledged
                if response.status_code == 200:
                    body = response.json()
                    acknowledged.extend(body["accepted"] + body["duplicates"])
                    if len(acknowledged) >= KILL_AFTER_ACKS * BATCH:
                        enough.set()
                first += BATCH

    with live_server(server_db_url, access_log=False) as server:
        with http_client(server, token) as admin:
            assert admin.put("/v1/center", json=center_body()).status_code == 200
            assert admin.put("/v1/roster", json={"agents": roster_agents()}).status_code == 200
        feeder = threading.Thread(target=feed, args=(server.base_url,), daemon=True)
        feeder.start()
        assert enough.wait(timeout=120), "the feeder never got enough acknowledgements"
        server.kill()  # SIGKILL while the feeder keeps posting
        feeder.join(timeout=60)
    assert not feeder.is_alive()

    with live_server(server_db_url, access_log=False) as server, http_client(server, token) as c:
        stored = c.get(
            "/v1/states",
            params={
                "start": "2026-11-16T00:00:00Z",
                "end": "2026-11-17T00:00:00Z",
                "limit": 100000,
            },
        ).json()
    stored_ids = [s["event_id"] for s in stored["data"]]
    assert len(stored_ids) == len(set(stored_ids))
    missing = set(acknowledged) - set(stored_ids)
    assert not missing, f"{len(missing)} acknowledged events lost"

    database = open_database(server_db_url)
    try:
        with database.read_session() as session:
            counts = session.execute(
                select(StateEvent.event_id, func.count()).group_by(StateEvent.event_id)
            ).all()
    finally:
        database.dispose()
    assert all(n == 1 for _, n in counts)
    assert {event_id for event_id, _ in counts} >= set(acknowledged)

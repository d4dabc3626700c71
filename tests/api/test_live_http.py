"""The real service over HTTP: `wfm serve` under uvicorn in a subprocess, on a free port."""

from __future__ import annotations

import datetime as dt

from tests.api.helpers import (
    add_key,
    center_body,
    http_client,
    live_server,
    roster_agents,
    shift_rows,
)

MONDAY = dt.date(2026, 11, 16)


def utc(hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(MONDAY, dt.time(hour, minute), tzinfo=dt.UTC).isoformat()


def test_main_flows_and_auth_over_real_http(server_db_url: str) -> None:
    tokens = {
        "admin": add_key(server_db_url, "ops", "admin"),
        "planner": add_key(server_db_url, "pat", "planner"),
        "manager": add_key(server_db_url, "max", "manager"),
        "supervisor": add_key(server_db_url, "dana", "supervisor", ["triage_a"]),
    }
    with live_server(server_db_url) as server:
        with http_client(server) as anonymous:
            assert anonymous.get("/healthz").json()["status"] == "ok"
            assert anonymous.get("/v1/center").status_code == 401
        admin = http_client(server, tokens["admin"])
        planner = http_client(server, tokens["planner"])
        manager = http_client(server, tokens["manager"])
        supervisor = http_client(server, tokens["supervisor"])

        assert "/v1/states" in manager.get("/v1/openapi.json").json()["paths"]
        assert admin.put("/v1/center", json=center_body()).status_code == 200
        assert admin.put("/v1/roster", json={"agents": roster_agents()}).status_code == 200
        rows = shift_rows("triage_a-001", MONDAY) + shift_rows("sched_a-001", MONDAY)
        published = planner.post("/v1/schedules", json={"week_start": str(MONDAY), "rows": rows})
        assert published.status_code == 201 and published.json()["version"] == 1
        events = [
            {"event_id": "a", "agent_id": "triage_a-001", "state": "Available", "start": utc(14)},
            {"event_id": "b", "agent_id": "sched_a-001", "state": "Logged Out", "start": utc(14)},
        ]
        ingest = admin.post("/v1/states", json={"events": events})
        assert ingest.status_code == 200 and ingest.json()["accepted"] == ["a", "b"]

        snapshot = supervisor.get("/v1/adherence/realtime", params={"at": utc(15)}).json()
        assert [(r["agent_id"], r["severity"]) for r in snapshot["data"]] == [
            ("triage_a-001", "ok")
        ]
        days = manager.get(
            "/v1/adherence/agents", params={"start_date": str(MONDAY), "end_date": str(MONDAY)}
        ).json()
        assert {r["agent_id"] for r in days["data"]} == {"triage_a-001", "sched_a-001"}

        # auth: wrong role, other team, revoked key
        assert supervisor.post("/v1/states", json={"events": events}).status_code == 403
        refused = supervisor.get("/v1/adherence/realtime", params={"team": "sched_a"})
        assert refused.status_code == 403 and "sched_a-001" not in refused.text
        add_key(server_db_url, "temp", "manager")
        from api.service import revoke_user
        from wfm.settings import Settings

        revoke_user(Settings(db_url=server_db_url), name_or_key_id="max")
        assert manager.get("/v1/center").status_code == 401

        audit = admin.get("/v1/audit", params={"limit": 1000}).json()
        actors = {r["actor"] for r in audit["data"]}
        assert {"ops", "pat", "max", "dana", "anonymous"} <= actors
        for client in (admin, planner, manager, supervisor):
            client.close()
    log = "".join(server.log)
    assert "GET /v1/adherence/realtime" in log  # the access log is on...
    for token in tokens.values():
        assert token.split("_", 2)[2] not in log  # ...and holds no key

"""The per-request shortcuts stay correct: the in-memory center / roster / key view follows
changes made elsewhere, ingest is audited exactly once in its own transaction, the phone
system's `ingest` role only pushes states, and a real-time cut of the shared center snapshot
equals a direct computation for the same agents at the same instant."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import auth
from api.main import create_app
from tests.api.helpers import bearer, roster_agents
from wfm.cli.main import app as cli_app
from wfm.settings import Settings


def now_event(event_id: str, agent_id: str, state: str, minutes_ago: int) -> dict[str, str]:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    return {"event_id": event_id, "agent_id": agent_id, "state": state, "start": start.isoformat()}


@pytest.fixture
def ingest_key(client: TestClient) -> str:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.write_session() as session:
        return auth.create_key(session, name="acd-link", role="ingest")[1]


# --- the phone system's role ------------------------------------------------------------


def test_an_ingest_key_pushes_states(
    client: TestClient, loaded: dict[str, str], ingest_key: str
) -> None:
    batch = {"events": [now_event("p1", "triage_a-001", "Available", 5)]}
    response = client.post("/v1/states", json=batch, headers=bearer(ingest_key))
    assert response.status_code == 200 and response.json()["accepted"] == ["p1"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/v1/states", None),
        ("GET", "/v1/adherence/realtime", None),
        ("GET", "/v1/roster", None),
        ("GET", "/v1/center", None),
        ("GET", "/v1/audit", None),
        ("GET", "/v1/forecasts", None),
        ("PUT", "/v1/roster", {"agents": []}),
        ("POST", "/v1/schedules", {"week_start": "2026-11-23", "rows": []}),
    ],
)
def test_an_ingest_key_reads_and_changes_nothing_else(
    client: TestClient,
    loaded: dict[str, str],
    ingest_key: str,
    method: str,
    path: str,
    body: object,
) -> None:
    response = client.request(method, path, json=body, headers=bearer(ingest_key))
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["planner", "supervisor", "manager"])
def test_people_other_than_admins_cannot_push_states(
    client: TestClient, loaded: dict[str, str], role: str
) -> None:
    batch = {"events": [now_event("x1", "triage_a-001", "Available", 5)]}
    assert client.post("/v1/states", json=batch, headers=bearer(loaded[role])).status_code == 403


def test_users_add_makes_an_ingest_key_without_teams(tmp_path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    runner = CliRunner()
    added = runner.invoke(cli_app, ["users", "add", "acd", "--role", "ingest", *db])
    assert added.exit_code == 0, added.output
    scoped = runner.invoke(
        cli_app, ["users", "add", "acd2", "--role", "ingest", "--team", "t", *db]
    )
    assert scoped.exit_code != 0 and "only supervisor keys" in scoped.output


# --- ingest's audit record ---------------------------------------------------------------


def audit_of(client: TestClient, admin: str, actor: str) -> list[dict]:
    response = client.get("/v1/audit", params={"actor": actor}, headers=bearer(admin))
    return response.json()["data"]


def test_each_ingest_is_audited_once_with_its_outcome(
    client: TestClient, loaded: dict[str, str], ingest_key: str
) -> None:
    good = {"events": [now_event("a1", "triage_a-001", "Available", 5)]}
    mixed = {"events": [now_event("a2", "triage_a-001", "Available", 4), {"event_id": "bad"}]}
    assert client.post("/v1/states", json=good, headers=bearer(ingest_key)).status_code == 200
    assert client.post("/v1/states", json=mixed, headers=bearer(ingest_key)).status_code == 207
    records = audit_of(client, loaded["admin"], "acd-link")
    assert [(r["action"], r["target"], r["status_code"], r["result"]) for r in records] == [
        ("POST", "/v1/states", 207, "partial"),
        ("POST", "/v1/states", 200, "ok"),
    ]
    assert records[0]["role"] == "ingest"


def test_a_refused_ingest_is_still_audited(client: TestClient, loaded: dict[str, str]) -> None:
    batch = {"events": [now_event("r1", "triage_a-001", "Available", 5)]}
    assert (
        client.post("/v1/states", json=batch, headers=bearer(loaded["planner"])).status_code == 403
    )
    records = audit_of(client, loaded["admin"], "planner")
    assert [(r["target"], r["result"]) for r in records[:1]] == [("/v1/states", "denied")]


# --- the in-memory view follows changes made through another server ---------------------


def test_a_roster_replaced_through_another_server_is_seen_at_once(
    client: TestClient, loaded: dict[str, str], settings: Settings
) -> None:
    supervisor = bearer(loaded["supervisor"])
    newcomer = "triage_a-009"
    query = {
        "agent_id": newcomer,
        "start": "2026-11-23T00:00:00Z",
        "end": "2026-11-24T00:00:00Z",
    }
    assert client.get("/v1/states", params=query, headers=supervisor).status_code == 403
    agents = roster_agents()
    agents.append({**agents[0], "agent_id": newcomer, "name": "New agent"})
    with TestClient(create_app(settings)) as other:
        response = other.put("/v1/roster", json={"agents": agents}, headers=bearer(loaded["admin"]))
        assert response.status_code == 200
    assert client.get("/v1/states", params=query, headers=supervisor).status_code == 200


def test_a_key_revoked_after_it_was_remembered_is_refused(
    client: TestClient, loaded: dict[str, str]
) -> None:
    manager = bearer(loaded["manager"])
    assert client.get("/v1/center", headers=manager).status_code == 200
    assert client.get("/v1/center", headers=manager).status_code == 200  # from memory now
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.write_session() as session:
        auth.revoke_keys(session, name_or_key_id="manager")
    assert client.get("/v1/center", headers=manager).status_code == 401
    assert client.get("/v1/center", headers=bearer(loaded["planner"])).status_code == 200


# --- real time: a cut of the shared snapshot ---------------------------------------------


def test_a_cached_cut_equals_a_direct_computation_at_its_instant(
    client: TestClient, loaded: dict[str, str]
) -> None:
    events = [
        now_event("c1", "triage_a-001", "Available", 30),
        now_event("c2", "triage_a-002", "Lunch", 20),
        now_event("c3", "sched_a-001", "On Call", 10),
    ]
    client.post("/v1/states", json={"events": events}, headers=bearer(loaded["admin"]))
    supervisor = bearer(loaded["supervisor"])
    manager = client.get("/v1/adherence/realtime", headers=bearer(loaded["manager"])).json()
    cut = client.get("/v1/adherence/realtime", headers=supervisor).json()
    assert cut["at"] == manager["at"]  # one snapshot served both
    assert {r["team"] for r in cut["data"]} == {"triage_a"}
    assert cut["data"] == [r for r in manager["data"] if r["team"] == "triage_a"]
    direct = client.get("/v1/adherence/realtime", params={"at": cut["at"]}, headers=supervisor)
    assert direct.json() == cut
    assert any(r["out_of_adherence_s"] > 0 for r in cut["data"])

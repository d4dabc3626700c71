"""The audit log: every /v1 request is recorded (who, when, what, result); admins read it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.db import AuditRecord
from tests.api.helpers import WEEK_START, bearer


def audit(client: TestClient, token: str, **params: object) -> list[dict]:
    response = client.get("/v1/audit", params=params, headers=bearer(token))
    assert response.status_code == 200
    return response.json()["data"]


def test_reads_writes_and_refusals_are_recorded(client: TestClient, loaded: dict[str, str]) -> None:
    client.get(
        f"/v1/schedules/{WEEK_START}",
        params={"team": "sched_a"},
        headers=bearer(loaded["supervisor"]),
    )
    client.get("/v1/roster", headers=bearer(loaded["supervisor"]))
    client.get("/v1/roster")
    records = audit(client, loaded["admin"], limit=3)
    assert [(r["actor"], r["action"], r["target"], r["result"]) for r in records] == [
        ("anonymous", "GET", "/v1/roster", "unauthenticated"),
        ("supervisor", "GET", "/v1/roster", "ok"),
        ("supervisor", "GET", f"/v1/schedules/{WEEK_START}?team=sched_a", "denied"),
    ]
    assert records[2]["status_code"] == 403 and records[2]["role"] == "supervisor"
    writes = audit(client, loaded["admin"], actor="admin")
    assert [(r["action"], r["target"]) for r in writes[-2:]] == [
        ("PUT", "/v1/roster"),
        ("PUT", "/v1/center"),
    ]


def test_only_an_admin_reads_the_audit_log(client: TestClient, loaded: dict[str, str]) -> None:
    for role in ("planner", "manager", "supervisor"):
        assert client.get("/v1/audit", headers=bearer(loaded[role])).status_code == 403


def test_the_audit_log_has_no_update_or_delete_route(
    client: TestClient, loaded: dict[str, str]
) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        response = client.request(method, "/v1/audit", headers=bearer(loaded["admin"]))
        assert response.status_code == 405
    assert audit(client, loaded["admin"], limit=1)[0]["status_code"] == 405


def test_no_key_appears_in_the_audit_log(client: TestClient, loaded: dict[str, str]) -> None:
    client.get("/v1/roster", headers=bearer(loaded["supervisor"]))
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.read_session() as session:
        rows = session.query(AuditRecord).all()
    text = " ".join(str(vars(r)) for r in rows)
    for token in loaded.values():
        assert token.split("_", 2)[2] not in text


def test_a_request_that_fails_unexpectedly_is_audited_and_answered_500(
    client: TestClient, loaded: dict[str, str], monkeypatch
) -> None:
    from api import crud

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(crud, "current_roster", broken)
    response = client.get("/v1/roster", headers=bearer(loaded["manager"]))
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}  # nothing of the error
    record = audit(client, loaded["admin"], limit=1)[0]
    assert (record["actor"], record["target"], record["status_code"], record["result"]) == (
        "manager",
        "/v1/roster",
        500,
        "error",
    )


def test_a_record_keeps_the_client_address_and_the_key_id_of_a_failed_login(
    client: TestClient, loaded: dict[str, str]
) -> None:
    key_id = loaded["planner"].split("_")[1]
    client.get("/v1/center", headers=bearer(f"wfm_{key_id}_wrong"))
    client.get("/v1/center", headers=bearer("nonsense"))
    client.get("/v1/center", headers=bearer(loaded["planner"]))
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.read_session() as session:
        rows = session.query(AuditRecord).order_by(AuditRecord.id.desc()).limit(3).all()
    assert [(r.actor, r.key_id, r.client, r.status_code) for r in rows] == [
        ("planner", key_id, "testclient", 200),
        ("anonymous", None, "testclient", 401),
        ("anonymous", key_id, "testclient", 401),
    ]

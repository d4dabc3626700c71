"""The running service over real HTTP (`wfm serve` in a subprocess): the key is checked before
the body is read, bodies have a size limit, failed logins are limited, credentials in a URL
are redacted, slow request heads are cut off, a malformed center is a 422 on a connection
that stays open, and answers carry the security headers."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.api.helpers import (
    LiveServer,
    add_key,
    center_body,
    http_client,
    live_server,
    roster_agents,
)

MAX_BODY_BYTES = 1_000_000
LIMITS = {
    "WFM_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    "WFM_LOGIN_FAILURES_MAX": "5",
    "WFM_LOGIN_FAILURE_WINDOW_S": "3600",
    "WFM_HEADER_TIMEOUT_S": "1",
}


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'live.sqlite3'}"


@pytest.fixture
def server(db_url: str) -> Iterator[LiveServer]:
    with live_server(db_url, env=LIMITS) as running:
        yield running


def raw_exchange(server: LiveServer, request: bytes, *, timeout_s: float = 30) -> bytes:
    """Send raw bytes on a new connection and read until the server closes it."""
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout_s) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def status_of(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1])


def audit_rows(db_url: str) -> list:
    from api.db import AuditRecord, open_database

    database = open_database(db_url)
    try:
        with database.read_session() as session:
            return list(session.query(AuditRecord).order_by(AuditRecord.id))
    finally:
        database.dispose()


def test_a_body_without_a_key_is_never_read(server: LiveServer) -> None:
    with http_client(server) as anonymous:
        not_json = anonymous.post(
            "/v1/states", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert not_json.status_code == 401  # not 422: the body was not parsed
        big = b'{"events": [' + b'{"x": 1},' * 100_000 + b'{"x": 1}]}'
        assert MAX_BODY_BYTES / 2 < len(big) < MAX_BODY_BYTES
        refused = anonymous.post("/v1/states", content=big)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert anonymous.get("/healthz").json()["status"] == "ok"  # same connection, still up


def test_a_body_over_the_limit_is_413_before_it_is_read(db_url: str, server: LiveServer) -> None:
    admin = add_key(db_url, "ops", "admin")
    head = (
        "POST /v1/states HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {admin}\r\nContent-Length: {20 * MAX_BODY_BYTES}\r\n\r\n"
    ).encode()
    declared = raw_exchange(server, head + b'{"events": [')
    assert status_of(declared) == 413
    assert b"connection: close" in declared.lower()

    # No length announced: refused once the bytes read pass the limit (all that was sent).
    chunked_head = head.replace(
        f"Content-Length: {20 * MAX_BODY_BYTES}".encode(), b"Transfer-Encoding: chunked"
    )
    quarter = b"%x\r\n%s\r\n" % (MAX_BODY_BYTES // 4, b" " * (MAX_BODY_BYTES // 4))
    streamed = raw_exchange(server, chunked_head + quarter * 4 + b"1\r\n \r\n")
    assert status_of(streamed) == 413

    with http_client(server, admin) as client:
        assert client.put("/v1/center", json=center_body()).status_code == 200
    assert [r.status_code for r in audit_rows(db_url)] == [413, 413, 200]


def test_failed_logins_are_limited_and_recorded_with_the_key_id_and_client(
    db_url: str, server: LiveServer
) -> None:
    admin = add_key(db_url, "ops", "admin")
    key_id = admin.split("_")[1]
    wrong = f"wfm_{key_id}_{'A' * 43}"
    with http_client(server, wrong) as guesser:
        codes = [guesser.get("/v1/center").status_code for _ in range(8)]
        assert codes == [401] * 5 + [429] * 3
        refused = guesser.get("/v1/center")
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    with http_client(server, admin) as owner:
        assert owner.get("/v1/center").status_code == 429  # the client address is blocked too
    # Five failures and the first refusal of the block are on record, not every refusal.
    database_rows = audit_rows(db_url)
    assert [(r.status_code, r.actor, r.key_id, r.client) for r in database_rows] == [
        (401, "anonymous", key_id, "127.0.0.1")
    ] * 5 + [(429, "anonymous", key_id, "127.0.0.1")]


def test_a_key_in_the_query_string_is_redacted_in_the_audit_and_access_logs(
    db_url: str,
) -> None:
    admin = add_key(db_url, "ops", "admin")
    with live_server(db_url) as server, http_client(server) as anonymous:
        assert anonymous.get("/v1/center", params={"api_key": admin}).status_code == 401
        assert anonymous.get("/v1/center", params={"k": admin}).status_code == 401
    targets = [r.target for r in audit_rows(db_url)]
    assert targets == ["/v1/center?api_key=REDACTED", "/v1/center?k=REDACTED"]
    log = "".join(server.log)
    assert "GET /v1/center?api_key=REDACTED" in log  # the access log is on...
    assert admin.split("_", 2)[2] not in log  # ...and holds no secret


def test_a_connection_slow_to_send_its_request_head_is_closed(server: LiveServer) -> None:
    partial_head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"  # never the blank line
    assert raw_exchange(server, partial_head) == b""  # closed after WFM_HEADER_TIMEOUT_S
    with http_client(server) as client:
        assert client.get("/healthz").status_code == 200


def test_a_malformed_shift_length_is_a_422_on_a_connection_that_stays_open(
    db_url: str, server: LiveServer
) -> None:
    admin = add_key(db_url, "ops", "admin")
    body = center_body()
    body["shift_templates"][0]["length_h"] = "LENGTH"
    with http_client(server, admin) as client:
        for length_h in ("[1]", "{}", "null", "1e308", "1e400", '"x"', "true"):
            text = json.dumps(body).replace('"LENGTH"', length_h)
            response = client.put(
                "/v1/center", content=text, headers={"content-type": "application/json"}
            )
            assert response.status_code == 422, (length_h, response.text)
            issue = response.json()["detail"][0]
            assert issue["column"] == "shift_templates.0" and "length_h" in issue["message"]
        assert client.get("/healthz").status_code == 200  # the same connection
        assert client.get("/v1/center").status_code == 404  # nothing was stored


def test_answers_carry_no_store_and_nosniff(db_url: str, server: LiveServer) -> None:
    admin = add_key(db_url, "ops", "admin")
    with http_client(server, admin) as client:
        for response in (
            client.get("/v1/center"),  # 404: no center yet
            client.put("/v1/roster", json={"agents": roster_agents()}),
            httpx.get(f"{server.base_url}/v1/audit"),  # 401
        ):
            assert response.headers["cache-control"] == "no-store"
            assert response.headers["x-content-type-options"] == "nosniff"

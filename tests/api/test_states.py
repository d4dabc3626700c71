"""POST/GET /v1/states: batch ingest, idempotent by event id, per-row errors, scoping."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import assert_one_bad_field, bearer


def event(event_id: str, agent_id: str = "triage_a-001", **extra: object) -> dict[str, object]:
    return {
        "event_id": event_id,
        "agent_id": agent_id,
        "state": "Available",
        "start": "2026-11-23T14:00:00Z",
        "end": "2026-11-23T14:30:00+00:00",
        **extra,
    }


def test_ingest_accepts_a_batch_and_stores_it(client: TestClient, loaded: dict[str, str]) -> None:
    batch = {"events": [event("e1"), event("e2", "sched_a-002")]}
    response = client.post("/v1/states", json=batch, headers=bearer(loaded["admin"]))
    assert response.status_code == 200
    assert response.json() == {"accepted": ["e1", "e2"], "duplicates": [], "errors": []}
    stored = client.get(
        "/v1/states",
        params={"start": "2026-11-23T00:00:00Z", "end": "2026-11-24T00:00:00Z"},
        headers=bearer(loaded["admin"]),
    ).json()
    assert stored["count"] == 2
    assert stored["data"][1]["end"].startswith("2026-11-23T14:30:00")


def test_resending_a_batch_stores_nothing_twice(client: TestClient, loaded: dict[str, str]) -> None:
    admin = bearer(loaded["admin"])
    batch = {"events": [event("e1"), event("e2"), event("e1")]}
    first = client.post("/v1/states", json=batch, headers=admin).json()
    assert first["accepted"] == ["e1", "e2"] and first["duplicates"] == ["e1"]
    second = client.post("/v1/states", json=batch, headers=admin).json()
    assert second["accepted"] == [] and sorted(second["duplicates"]) == ["e1", "e1", "e2"]
    stored = client.get(
        "/v1/states",
        params={"start": "2026-11-23T00:00:00Z", "end": "2026-11-24T00:00:00Z"},
        headers=admin,
    ).json()
    assert [s["event_id"] for s in stored["data"]] == ["e1", "e2"]


def test_a_bad_row_is_reported_and_the_good_rows_are_kept(
    client: TestClient, loaded: dict[str, str]
) -> None:
    batch = {
        "events": [
            event("ok1"),
            event("bad-end", end="2026-11-23T13:00:00Z"),
            event("bad-extra", patient_name="x"),
            event("bad-agent", "nobody"),
            event("naive", start="2026-11-23T14:00:00"),
            "not an object",
            event("ok2"),
        ]
    }
    response = client.post("/v1/states", json=batch, headers=bearer(loaded["admin"]))
    assert response.status_code == 207
    body = response.json()
    assert body["accepted"] == ["ok1", "ok2"]
    by_index = {e["index"]: e for e in body["errors"]}
    assert sorted(by_index) == [1, 2, 3, 4, 5]
    assert by_index[1]["message"] == "end must be after start"
    assert by_index[2]["column"] == "patient_name"
    assert by_index[3] == {
        "index": 3,
        "event_id": "bad-agent",
        "column": "agent_id",
        "message": "agent_id is not in the roster",
    }
    assert by_index[4]["column"] == "start"
    assert by_index[5]["event_id"] is None


def test_a_batch_with_an_unknown_top_level_field_is_refused(
    client: TestClient, loaded: dict[str, str]
) -> None:
    batch = {"events": [event("e1")], "source": "acd"}
    response = client.post("/v1/states", json=batch, headers=bearer(loaded["admin"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "source"]


def test_only_an_admin_key_may_ingest(client: TestClient, loaded: dict[str, str]) -> None:
    response = client.post(
        "/v1/states", json={"events": [event("e1")]}, headers=bearer(loaded["supervisor"])
    )
    assert response.status_code == 403


def test_a_supervisor_reads_only_the_states_of_its_teams(
    client: TestClient, loaded: dict[str, str]
) -> None:
    batch = {"events": [event("e1"), event("e2", "sched_a-001")]}
    client.post("/v1/states", json=batch, headers=bearer(loaded["admin"]))
    window = {"start": "2026-11-23T00:00:00Z", "end": "2026-11-24T00:00:00Z"}
    mine = client.get("/v1/states", params=window, headers=bearer(loaded["supervisor"])).json()
    assert [s["agent_id"] for s in mine["data"]] == ["triage_a-001"]
    other = client.get(
        "/v1/states",
        params={**window, "agent_id": "sched_a-001"},
        headers=bearer(loaded["supervisor"]),
    )
    assert other.status_code == 403
    assert "sched_a-001" not in other.text or "state" not in other.json()


def test_reading_states_needs_aware_timestamps(client: TestClient, loaded: dict[str, str]) -> None:
    params = {"start": "2026-11-23T00:00:00", "end": "2026-11-24T00:00:00Z"}
    response = client.get("/v1/states", params=params, headers=bearer(loaded["admin"]))
    assert response.status_code == 422


DAY = {"start": "2026-11-23T00:00:00Z", "end": "2026-11-24T00:00:00Z"}


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (1795442400, "ISO 8601"),  # a Unix time, no offset to speak of
        ("1795442400", "ISO 8601"),
        ("2200-12-31T23:00:00-05:00", "out of range"),  # 2201 in UTC
        ("1900-01-01T00:30:00+01:00", "out of range"),  # 1899 in UTC
        ("0001-01-01T00:00:00+01:00", "out of range"),  # before year 1 in UTC
        ("9999-12-31T23:59:59-01:00", "out of range"),  # after year 9999 in UTC
    ],
)
def test_a_timestamp_is_iso_text_with_an_offset_within_the_years_in_utc(
    client: TestClient, loaded: dict[str, str], start: object, message: str
) -> None:
    admin = bearer(loaded["admin"])
    response = client.post("/v1/states", json={"events": [event("e1", start=start)]}, headers=admin)
    assert response.status_code == 207
    [error] = response.json()["errors"]
    assert error["column"] == "start" and message in error["message"]
    query = {**DAY, "start": str(start)}
    assert client.get("/v1/states", params=query, headers=admin).status_code == 422


def test_reading_states_needs_end_after_start(client: TestClient, loaded: dict[str, str]) -> None:
    params = {"start": DAY["end"], "end": DAY["start"]}
    response = client.get("/v1/states", params=params, headers=bearer(loaded["admin"]))
    assert_one_bad_field(response, "end", "end must be after start")


def test_pages_follow_the_cursor_and_return_each_state_once(
    client: TestClient, loaded: dict[str, str]
) -> None:
    admin = bearer(loaded["admin"])
    batch = [
        event(f"e{i}", ("triage_a-001", "sched_a-001")[i % 2], start=f"2026-11-23T14:0{i // 3}:00Z")
        for i in range(7)
    ]  # starts shared by several states: the row id breaks the tie
    assert client.post("/v1/states", json={"events": batch}, headers=admin).status_code == 200
    seen, pages, cursor = [], 0, None
    while True:
        params = {**DAY, "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = client.get("/v1/states", params=params, headers=admin).json()
        seen += [s["event_id"] for s in page["data"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and page["count"] == 1
    assert seen == [f"e{i}" for i in range(7)]  # by start, then in the order stored


def test_a_cursor_not_handed_out_is_422(client: TestClient, loaded: dict[str, str]) -> None:
    for cursor in ("abc", "1.2.3", "9999999999999999999.1"):
        response = client.get(
            "/v1/states", params={**DAY, "cursor": cursor}, headers=bearer(loaded["admin"])
        )
        assert response.status_code == 422
        assert response.json()["detail"][0]["column"] == "cursor"


def test_an_open_state_is_in_the_window_of_its_start_only(
    client: TestClient, loaded: dict[str, str]
) -> None:
    admin = bearer(loaded["admin"])
    batch = [
        {
            "event_id": "open",
            "agent_id": "triage_a-001",
            "state": "Available",
            "start": "2026-11-23T14:00:00Z",
        },
        event("closed", end="2026-11-24T02:00:00Z"),
    ]
    assert client.post("/v1/states", json={"events": batch}, headers=admin).status_code == 200
    next_day = {"start": "2026-11-24T00:00:00Z", "end": "2026-11-25T00:00:00Z"}
    first = client.get("/v1/states", params=DAY, headers=admin).json()
    second = client.get("/v1/states", params=next_day, headers=admin).json()
    assert [s["event_id"] for s in first["data"]] == ["open", "closed"]
    assert [s["event_id"] for s in second["data"]] == ["closed"]  # it overlaps both days


def test_errors_are_short_whatever_the_input(client: TestClient, loaded: dict[str, str]) -> None:
    admin = bearer(loaded["admin"])
    huge_key = "k" * 1_000_000
    response = client.post("/v1/states", json={"events": [event("e1")], huge_key: 1}, headers=admin)
    assert response.status_code == 422 and len(response.content) < 2_000
    rows = [{"agent_id": "x" * 100, "activity": "nap", "start": "y" * 100}] * 5_000
    response = client.post(
        "/v1/schedules", json={"week_start": "2026-11-23", "rows": rows}, headers=admin
    )
    body = response.json()
    assert response.status_code == 422 and len(response.content) < 20_000
    assert len(body["detail"]) == 20 and body["count"] > 5_000
    batch = [event("e2", **{huge_key: 1})]
    response = client.post("/v1/states", json={"events": batch}, headers=admin)
    assert response.status_code == 207 and len(response.content) < 2_000

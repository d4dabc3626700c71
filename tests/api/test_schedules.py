"""POST/GET /v1/schedules: publish a week as a new version, read it by week / team / agent."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import WEEK_START, assert_one_bad_field, bearer, post_ok, shift_rows


def publish(client: TestClient, token: str, agents: list[str]) -> dict:
    rows = [row for agent in agents for row in shift_rows(agent)]
    payload = {"week_start": WEEK_START.isoformat(), "rows": rows}
    return post_ok(client, "/v1/schedules", payload, token, 201)


def test_publishing_a_week_creates_version_one_then_two(
    client: TestClient, loaded: dict[str, str]
) -> None:
    first = publish(client, loaded["planner"], ["triage_a-001", "sched_a-001"])
    assert (first["version"], first["n_rows"], first["published_by"]) == (1, 6, "planner")
    second = publish(client, loaded["planner"], ["triage_a-002"])
    assert second["version"] == 2
    latest = client.get(f"/v1/schedules/{WEEK_START}", headers=bearer(loaded["manager"])).json()
    assert latest["version"] == 2
    assert {r["agent_id"] for r in latest["data"]} == {"triage_a-002"}
    old = client.get(
        f"/v1/schedules/{WEEK_START}", params={"version": 1}, headers=bearer(loaded["manager"])
    ).json()
    assert old["count"] == 6


def test_reading_a_week_never_published_is_404(client: TestClient, loaded: dict[str, str]) -> None:
    response = client.get("/v1/schedules/2026-11-30", headers=bearer(loaded["planner"]))
    assert response.status_code == 404
    assert response.json() == {"detail": "no published schedule for week 2026-11-30"}


def test_a_week_must_start_on_a_monday(client: TestClient, loaded: dict[str, str]) -> None:
    payload = {"week_start": "2026-11-24", "rows": shift_rows("triage_a-001")}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert_one_bad_field(response, "week_start", "week_start must be a Monday")


def test_rows_for_unknown_agents_are_refused_with_their_row(
    client: TestClient, loaded: dict[str, str]
) -> None:
    rows = shift_rows("triage_a-001") + shift_rows("ghost")
    payload = {"week_start": WEEK_START.isoformat(), "rows": rows}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert response.status_code == 422
    issues = response.json()["detail"]
    assert {(i["row"], i["column"]) for i in issues} == {
        (4, "agent_id"),
        (5, "agent_id"),
        (6, "agent_id"),
    }
    assert (
        client.get(f"/v1/schedules/{WEEK_START}", headers=bearer(loaded["planner"])).status_code
        == 404
    )


def test_overlapping_rows_are_refused(client: TestClient, loaded: dict[str, str]) -> None:
    rows = shift_rows("triage_a-001")
    rows[1]["start"] = rows[0]["start"]
    payload = {"week_start": WEEK_START.isoformat(), "rows": rows}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert response.status_code == 422


def test_an_unknown_field_in_a_row_is_refused(client: TestClient, loaded: dict[str, str]) -> None:
    rows = shift_rows("triage_a-001")
    rows[0]["note"] = "x"
    payload = {"week_start": WEEK_START.isoformat(), "rows": rows}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "rows", 0, "note"]


def test_a_supervisor_may_not_publish(client: TestClient, loaded: dict[str, str]) -> None:
    payload = {"week_start": WEEK_START.isoformat(), "rows": shift_rows("triage_a-001")}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["supervisor"]))
    assert response.status_code == 403


def test_a_supervisor_reads_only_its_teams_and_is_refused_other_teams(
    client: TestClient, loaded: dict[str, str]
) -> None:
    publish(client, loaded["planner"], ["triage_a-001", "sched_a-001"])
    sup = bearer(loaded["supervisor"])
    mine = client.get(f"/v1/schedules/{WEEK_START}", headers=sup).json()
    assert {r["agent_id"] for r in mine["data"]} == {"triage_a-001"}
    by_team = client.get(f"/v1/schedules/{WEEK_START}", params={"team": "triage_a"}, headers=sup)
    assert by_team.json()["count"] == 3
    for params in ({"team": "sched_a"}, {"agent_id": "sched_a-001"}, {"agent_id": "nobody"}):
        refused = client.get(f"/v1/schedules/{WEEK_START}", params=params, headers=sup)
        assert refused.status_code == 403
        assert "data" not in refused.json()


def test_an_unknown_agent_is_404_for_an_unscoped_reader(
    client: TestClient, loaded: dict[str, str]
) -> None:
    publish(client, loaded["planner"], ["triage_a-001"])
    response = client.get(
        f"/v1/schedules/{WEEK_START}",
        params={"agent_id": "nobody"},
        headers=bearer(loaded["manager"]),
    )
    assert response.status_code == 404


def test_an_unknown_query_parameter_is_refused(client: TestClient, loaded: dict[str, str]) -> None:
    response = client.get(
        f"/v1/schedules/{WEEK_START}", params={"teem": "x"}, headers=bearer(loaded["manager"])
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "teem"]


def test_readers_see_one_whole_version_while_weeks_are_republished(
    client: TestClient, loaded: dict[str, str]
) -> None:
    small, large = ["triage_a-001", "triage_a-002"], ["triage_a-001", "triage_a-002", "sched_a-001"]
    publish(client, loaded["planner"], small)
    reads: list[tuple[int, int]] = []

    def republish() -> None:
        for i in range(8):
            publish(client, loaded["planner"], large if i % 2 == 0 else small)

    writer = threading.Thread(target=republish)
    writer.start()
    while writer.is_alive() or len(reads) < 5:
        body = client.get(f"/v1/schedules/{WEEK_START}", headers=bearer(loaded["manager"])).json()
        reads.append((body["version"], body["count"]))
    writer.join()
    # odd versions hold the 2-agent week (6 rows), even versions the 3-agent week (9 rows)
    assert all(count == (6 if version % 2 else 9) for version, count in reads)


@pytest.mark.parametrize("hours", [30, 24 * 365])
def test_a_row_longer_than_a_shift_is_refused(
    client: TestClient, loaded: dict[str, str], hours: int
) -> None:
    rows = shift_rows("triage_a-001")[:1]
    start = dt.datetime.fromisoformat(rows[0]["start"])
    rows[0]["end"] = (start + dt.timedelta(hours=hours)).isoformat()
    payload = {"week_start": WEEK_START.isoformat(), "rows": rows}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert response.status_code == 422
    assert (
        response.json()["detail"][0]["msg"] == "Value error, a schedule row lasts at most 16 hours"
    )


def publish_if(client: TestClient, token: str, expected_version: int) -> int:
    payload = {
        "week_start": WEEK_START.isoformat(),
        "rows": shift_rows("triage_a-001"),
        "expected_version": expected_version,
    }
    return client.post("/v1/schedules", json=payload, headers=bearer(token)).status_code


def test_a_publish_with_an_expected_version_is_refused_when_the_week_moved_on(
    client: TestClient, loaded: dict[str, str]
) -> None:
    planner = loaded["planner"]
    assert publish_if(client, planner, 1) == 409  # the week was never published
    assert publish_if(client, planner, 0) == 201
    assert publish_if(client, planner, 0) == 409
    assert publish_if(client, planner, 1) == 201
    payload = {
        "week_start": WEEK_START.isoformat(),
        "rows": shift_rows("triage_a-001"),
        "expected_version": 1,
    }
    refused = client.post("/v1/schedules", json=payload, headers=bearer(planner))
    assert refused.status_code == 409
    assert refused.json() == {
        "detail": "week 2026-11-23 is at version 2, not 1; read it again before publishing",
        "reasons": [],
    }
    latest = client.get(f"/v1/schedules/{WEEK_START}", headers=bearer(planner)).json()
    assert latest["version"] == 2


def test_of_concurrent_publishes_from_one_version_exactly_one_wins(
    client: TestClient, loaded: dict[str, str]
) -> None:
    assert publish_if(client, loaded["planner"], 0) == 201
    codes: list[int] = []
    threads = [
        threading.Thread(target=lambda: codes.append(publish_if(client, loaded["planner"], 1)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201] + [409] * 5
    latest = client.get(f"/v1/schedules/{WEEK_START}", headers=bearer(loaded["planner"])).json()
    assert latest["version"] == 2


def test_a_week_is_a_date_not_a_unix_time(client: TestClient, loaded: dict[str, str]) -> None:
    payload = {"week_start": 1795392000, "rows": shift_rows("triage_a-001")}  # 2026-11-23
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "week_start"]

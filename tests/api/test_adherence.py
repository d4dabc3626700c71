"""GET /v1/adherence/...: the engine over the stored schedule and states, scoped by team."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import bearer, shift_rows

MONDAY = dt.date(2026, 11, 16)  # a past week, so "now" does not cut the day short


def utc(hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(MONDAY, dt.time(hour, minute), tzinfo=dt.UTC).isoformat()


@pytest.fixture
def day(client: TestClient, loaded: dict[str, str]) -> dict[str, str]:
    """triage_a-001 works 14:00-22:30 UTC with lunch 18:00-18:30 and comes back 15 min late."""
    payload = {"week_start": MONDAY.isoformat(), "rows": shift_rows("triage_a-001", MONDAY)}
    assert client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"])).is_success
    states = [
        ("s1", "Available", utc(14), utc(18)),
        ("s2", "Lunch", utc(18), utc(18, 45)),
        ("s3", "Available", utc(18, 45), utc(22, 30)),
    ]
    events = [
        {"event_id": i, "agent_id": "triage_a-001", "state": s, "start": a, "end": b}
        for i, s, a, b in states
    ]
    response = client.post("/v1/states", json={"events": events}, headers=bearer(loaded["admin"]))
    assert response.json()["accepted"] == ["s1", "s2", "s3"]
    return loaded


def test_realtime_shows_the_agent_out_of_adherence_since_lunch_ended(
    client: TestClient, day: dict[str, str]
) -> None:
    response = client.get(
        "/v1/adherence/realtime",
        params={"team": "triage_a", "at": utc(18, 40)},
        headers=bearer(day["supervisor"]),
    )
    assert response.status_code == 200
    row = next(r for r in response.json()["data"] if r["agent_id"] == "triage_a-001")
    assert row["scheduled_activity"] == "work"
    assert row["actual_state"] == "Lunch"
    assert row["out_of_adherence_s"] == 600.0
    assert row["severity"] == "warning"


def test_agent_day_adherence_counts_the_late_return(
    client: TestClient, day: dict[str, str]
) -> None:
    params = {"start_date": MONDAY.isoformat(), "end_date": MONDAY.isoformat()}
    response = client.get("/v1/adherence/agents", params=params, headers=bearer(day["manager"]))
    assert response.status_code == 200
    (row,) = response.json()["data"]
    assert row["scheduled_s"] == 8.5 * 3600
    assert row["in_adherence_s"] == 8.5 * 3600 - 900
    assert row["adherence"] == pytest.approx((8.5 * 3600 - 900) / (8.5 * 3600))
    assert row["n_exceptions"] == 1


def test_team_rollup_and_exceptions_over_a_date_range(
    client: TestClient, day: dict[str, str]
) -> None:
    params = {"start_date": "2026-11-15", "end_date": "2026-11-17", "team": "triage_a"}
    teams = client.get("/v1/adherence/teams", params=params, headers=bearer(day["supervisor"]))
    assert [(r["team"], r["date"], r["n_agents"]) for r in teams.json()["data"]] == [
        ("triage_a", "2026-11-16", 1)
    ]
    found = client.get("/v1/adherence/exceptions", params=params, headers=bearer(day["supervisor"]))
    (exception,) = found.json()["data"]
    assert exception["agent_id"] == "triage_a-001"
    assert exception["duration_s"] == 900.0
    assert exception["start"].startswith(f"{MONDAY}T18:30:00")


@pytest.mark.parametrize(
    "path", ["/v1/adherence/realtime", "/v1/adherence/agents", "/v1/adherence/exceptions"]
)
def test_a_supervisor_is_refused_another_team(
    client: TestClient, day: dict[str, str], path: str
) -> None:
    params = {"team": "triage_a", "start_date": str(MONDAY), "end_date": str(MONDAY)}
    if path.endswith("realtime"):
        params = {"team": "triage_a"}
    response = client.get(path, params=params, headers=bearer(day["other_supervisor"]))
    assert response.status_code == 403
    assert "data" not in response.json()


def test_a_range_longer_than_a_month_is_refused(client: TestClient, day: dict[str, str]) -> None:
    params = {"start_date": "2026-01-01", "end_date": "2026-03-01"}
    response = client.get("/v1/adherence/agents", params=params, headers=bearer(day["manager"]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["column"] == "end_date"


def test_adherence_before_a_center_exists_is_404(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/adherence/realtime", headers=bearer(keys["manager"]))
    assert response.status_code == 404


def test_a_state_outside_the_adherence_mapping_is_refused_at_ingest(
    client: TestClient, loaded: dict[str, str]
) -> None:
    event = {"event_id": "x", "agent_id": "triage_a-001", "state": "Nap", "start": utc(14)}
    response = client.post("/v1/states", json={"events": [event]}, headers=bearer(loaded["admin"]))
    assert response.status_code == 207
    assert response.json()["errors"][0]["column"] == "state"

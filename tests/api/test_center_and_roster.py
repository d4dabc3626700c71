"""GET/PUT /v1/center and /v1/roster: everyone reads, an admin replaces."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.helpers import bearer, center_body, roster_agents


def test_the_center_is_404_until_an_admin_sets_it(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/center", headers=bearer(keys["planner"]))
    assert response.status_code == 404
    put = client.put("/v1/center", json=center_body(), headers=bearer(keys["admin"]))
    assert put.status_code == 200 and put.json()["version"] == 1
    got = client.get("/v1/center", headers=bearer(keys["supervisor"])).json()
    assert got["center"] == center_body() and got["updated_by"] == "admin"


def test_a_bad_center_is_refused_with_the_field_path(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = center_body()
    body["timezone"] = "Mars/Olympus"
    body["patient_notes"] = "x"
    response = client.put("/v1/center", json=body, headers=bearer(keys["admin"]))
    assert response.status_code == 422
    columns = {issue["column"] for issue in response.json()["detail"]}
    assert columns == {"timezone", "patient_notes"}


def test_only_an_admin_replaces_the_center_or_the_roster(
    client: TestClient, loaded: dict[str, str]
) -> None:
    for role in ("planner", "manager", "supervisor"):
        headers = bearer(loaded[role])
        assert client.put("/v1/center", json=center_body(), headers=headers).status_code == 403
        roster = {"agents": roster_agents()}
        assert client.put("/v1/roster", json=roster, headers=headers).status_code == 403


def test_a_roster_naming_an_unknown_team_is_refused(
    client: TestClient, loaded: dict[str, str]
) -> None:
    agents = roster_agents()
    agents[2]["team"] = "night_owls"
    response = client.put("/v1/roster", json={"agents": agents}, headers=bearer(loaded["admin"]))
    assert response.status_code == 422
    assert [(i["row"], i["column"]) for i in response.json()["detail"]] == [(3, "team")]


def test_a_roster_before_a_center_is_404(client: TestClient, keys: dict[str, str]) -> None:
    response = client.put(
        "/v1/roster", json={"agents": roster_agents()}, headers=bearer(keys["admin"])
    )
    assert response.status_code == 404


def test_a_supervisor_sees_only_its_teams_in_the_roster(
    client: TestClient, loaded: dict[str, str]
) -> None:
    mine = client.get("/v1/roster", headers=bearer(loaded["supervisor"])).json()
    assert {a["team"] for a in mine["data"]} == {"triage_a"} and mine["count"] == 3
    everyone = client.get("/v1/roster", headers=bearer(loaded["manager"])).json()
    assert everyone["count"] == 6
    assert everyone["data"][0] == roster_agents()[3] | {
        "preferred_start": None,
        "preferred_days_off": [],
    }


def test_a_center_that_drops_what_the_roster_uses_is_refused(
    client: TestClient, loaded: dict[str, str]
) -> None:
    admin = bearer(loaded["admin"])
    body = center_body()
    body["teams"] = [t for t in body["teams"] if t["id"] != "sched_a"]
    body["queues"] = [q for q in body["queues"] if q["id"] != "triage_voice"]
    response = client.put("/v1/center", json=body, headers=admin)
    assert response.status_code == 409
    reasons = response.json()["reasons"]
    assert any(r.startswith("agent sched_a-001: unknown team 'sched_a'") for r in reasons)
    assert "agent triage_a-001: unknown queue 'triage_voice'" in reasons
    assert client.get("/v1/center", headers=admin).json()["version"] == 1
    again = client.put("/v1/roster", json={"agents": roster_agents()}, headers=admin)
    assert again.status_code == 200  # the roster can still be sent


def test_a_center_may_rename_a_supervisor_then_the_roster_follows(
    client: TestClient, loaded: dict[str, str]
) -> None:
    admin = bearer(loaded["admin"])
    body = center_body()
    body["teams"][0]["supervisor"] = "New Lead"
    assert client.put("/v1/center", json=body, headers=admin).status_code == 200
    agents = [
        a | {"supervisor": "New Lead"} if a["team"] == body["teams"][0]["id"] else a
        for a in roster_agents()
    ]
    assert client.put("/v1/roster", json={"agents": agents}, headers=admin).status_code == 200


def test_a_center_that_drops_a_supervisors_team_is_refused(
    client: TestClient, keys: dict[str, str]
) -> None:
    admin = bearer(keys["admin"])
    assert client.put("/v1/center", json=center_body(), headers=admin).status_code == 200
    body = center_body()
    body["teams"] = [t for t in body["teams"] if t["id"] != "triage_a"]
    response = client.put("/v1/center", json=body, headers=admin)
    assert response.status_code == 409
    [reason] = response.json()["reasons"]
    assert reason.endswith("(supervisor) is scoped to team triage_a")


def test_the_openapi_document_types_the_center_body(
    client: TestClient, keys: dict[str, str]
) -> None:
    document = client.get("/v1/openapi.json", headers=bearer(keys["planner"])).json()
    body = document["paths"]["/v1/center"]["put"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/Center"}
    schemas = document["components"]["schemas"]
    assert schemas["Center"]["required"] == [
        "name",
        "timezone",
        "interval_min",
        "shrinkage_frac",
        "queues",
    ]
    template = schemas["CenterShiftTemplate"]
    assert {"length_h", "earliest_start", "length_min"} <= set(template["properties"])
    assert template["properties"]["length_h"]["type"] == "number"

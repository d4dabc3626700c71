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

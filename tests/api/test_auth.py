"""Authentication and roles: no key, bad key, revoked key, wrong role, other team."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import auth
from tests.api.helpers import bearer
from wfm.cli.main import app as cli_app

PROTECTED = [
    ("GET", "/v1/center"),
    ("GET", "/v1/roster"),
    ("GET", "/v1/schedules/2026-11-23"),
    ("GET", "/v1/adherence/realtime"),
    ("GET", "/v1/audit"),
    ("GET", "/v1/openapi.json"),
    ("POST", "/v1/states"),
]


def test_health_needs_no_key(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_other_route_needs_a_key(client: TestClient, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "token",
    ["nonsense", "wfm_000000000000_secret", "wfm__x", "Basic abc", ""],
)
def test_a_malformed_or_unknown_key_is_401(client: TestClient, keys: dict, token: str) -> None:
    response = client.get("/v1/center", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_right_key_id_with_a_wrong_secret_is_401(client: TestClient, keys: dict) -> None:
    prefix, key_id, _secret = keys["manager"].split("_", 2)
    forged = f"{prefix}_{key_id}_{'A' * 43}"
    assert client.get("/v1/center", headers=bearer(forged)).status_code == 401


def test_a_revoked_key_is_401_and_the_others_still_work(client: TestClient, keys: dict) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    assert client.get("/v1/roster", headers=bearer(keys["planner"])).status_code == 404
    with database.write_session() as session:
        assert auth.revoke_keys(session, name_or_key_id="planner") == 1
    assert client.get("/v1/roster", headers=bearer(keys["planner"])).status_code == 401
    assert client.get("/v1/roster", headers=bearer(keys["manager"])).status_code == 404


def test_the_secret_is_stored_only_as_a_salted_hash(client: TestClient, keys: dict) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.read_session() as session:
        rows = auth.list_keys(session)
    secrets_ = {token.split("_", 2)[2] for token in keys.values()}
    for row in rows:
        stored = " ".join(str(v) for v in vars(row).values())
        assert not any(secret in stored for secret in secrets_)
    assert len({row.salt for row in rows}) == len(rows)


@pytest.mark.parametrize(
    ("role", "method", "path", "body"),
    [
        ("planner", "GET", "/v1/audit", None),
        ("manager", "POST", "/v1/states", {"events": []}),
        ("supervisor", "PUT", "/v1/center", {}),
        ("manager", "POST", "/v1/schedules", {"week_start": "2026-11-23", "rows": []}),
    ],
)
def test_a_wrong_role_is_403(
    client: TestClient, keys: dict, role: str, method: str, path: str, body: object
) -> None:
    response = client.request(method, path, json=body, headers=bearer(keys[role]))
    assert response.status_code == 403


def test_users_commands_show_the_key_once_and_revoke_it(tmp_path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    runner = CliRunner()
    added = runner.invoke(
        cli_app, ["users", "add", "dana", "--role", "supervisor", "--team", "triage_a", *db]
    )
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    assert token.startswith("wfm_")
    listed = runner.invoke(cli_app, ["users", "list", *db])
    assert "dana" in listed.output and "triage_a" in listed.output
    assert token.split("_", 2)[2] not in listed.output
    assert runner.invoke(cli_app, ["users", "revoke", "dana", *db]).exit_code == 0
    again = runner.invoke(cli_app, ["users", "revoke", "dana", *db])
    assert again.exit_code == 1 and "no live key for 'dana'" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss"], "unknown role 'boss'"),
        (["--role", "supervisor"], "a supervisor key needs at least one --team"),
        (["--role", "admin", "--team", "x"], "only supervisor keys are scoped to teams"),
    ],
)
def test_users_add_refuses_bad_roles_and_teams(tmp_path, args: list[str], message: str) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    result = CliRunner().invoke(cli_app, ["users", "add", "x", *args, *db])
    assert result.exit_code == 1
    assert message in result.output


def test_a_name_is_one_user(tmp_path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]
    runner = CliRunner()
    add = ["users", "add", "dana", "--role", "supervisor", "--team", "triage_a", *db]
    assert runner.invoke(cli_app, add).exit_code == 0
    assert runner.invoke(cli_app, add).exit_code == 0  # a second key, to rotate the first
    other = runner.invoke(cli_app, ["users", "add", "dana", "--role", "admin", *db])
    assert other.exit_code == 1 and "a name is one user" in other.output
    moved = ["users", "add", "dana", "--role", "supervisor", "--team", "sched_a", *db]
    assert runner.invoke(cli_app, moved).exit_code == 1
    assert runner.invoke(cli_app, ["users", "revoke", "dana", *db]).exit_code == 0
    assert runner.invoke(cli_app, moved).exit_code == 0  # once the old keys are revoked


def test_a_supervisor_key_names_teams_of_the_center(client: TestClient, loaded: dict) -> None:
    from api.service import add_user
    from wfm.settings import Settings

    settings = Settings(db_url=str(client.app.state.database.url))  # type: ignore[attr-defined]
    with pytest.raises(auth.ApiKeyError, match="night_owls are not teams of the current center"):
        add_user(settings, name="ghost", role="supervisor", teams=["triage_a", "night_owls"])
    assert add_user(settings, name="real", role="supervisor", teams=["triage_a"]).token

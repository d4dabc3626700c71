"""POST/GET /v1/forecasts: a manager starts a background run; status, then the result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api import crud
from tests.api.helpers import PROJECT_ROOT, bearer
from wfm.grid import local_midnight_utc
from wfm.settings import Settings

SAMPLE_HISTORY = PROJECT_ROOT / "data" / "sample" / "history.parquet"
START = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def short_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The last five weeks of the sample history (enough for seasonal naive)."""
    if not SAMPLE_HISTORY.exists():
        pytest.skip("data/sample/history.parquet is missing (wfm data generate --seed 7)")
    history = pl.read_parquet(SAMPLE_HISTORY)
    tz = ZoneInfo("America/New_York")
    last_day = history.get_column("interval_start").max().astimezone(tz).date()
    cut = local_midnight_utc(last_day - dt.timedelta(days=35), tz)
    path = tmp_path_factory.mktemp("history") / "history.parquet"
    history.filter(pl.col("interval_start") >= cut).write_parquet(path)
    return path


@pytest.fixture
def settings(db_url: str, tmp_path: Path, short_history: Path) -> Settings:
    return Settings(
        db_url=db_url, data_dir=tmp_path, auto_migrate=False, history_path=short_history
    )


def start(client: TestClient, token: str, **overrides: object) -> dict:
    body = {"start": str(START), "horizon_days": 14, "model": "seasonal_naive", **overrides}
    response = client.post("/v1/forecasts", json=body, headers=bearer(token))
    assert response.status_code == 202, response.text
    return response.json()


def test_a_forecast_run_goes_from_queued_to_done_with_a_weekly_result(
    client: TestClient, loaded: dict[str, str]
) -> None:
    run = start(client, loaded["manager"])
    assert run["status"] == "queued" and run["created_by"] == "manager"
    assert client.app.state.forecast_jobs.wait(timeout_s=120)  # type: ignore[attr-defined]
    status = client.get(f"/v1/forecasts/{run['id']}", headers=bearer(loaded["planner"])).json()
    assert status["status"] == "done", status["error"]
    assert status["started_at"] <= status["finished_at"]
    result = client.get(f"/v1/forecasts/{run['id']}/result", headers=bearer(loaded["planner"]))
    body = result.json()
    assert body["count"] == 8 * 2  # 8 queues x 2 local weeks
    assert {r["model"] for r in body["data"]} == {"seasonal_naive"}
    assert all(r["volume_lo"] <= r["volume"] <= r["volume_hi"] for r in body["data"])
    listed = client.get("/v1/forecasts", headers=bearer(loaded["manager"])).json()
    assert [r["id"] for r in listed["data"]] == [run["id"]]


def test_a_run_the_engine_refuses_ends_failed_with_its_error(
    client: TestClient, loaded: dict[str, str]
) -> None:
    run = start(client, loaded["manager"], start="2001-01-01")
    assert client.app.state.forecast_jobs.wait(timeout_s=60)  # type: ignore[attr-defined]
    status = client.get(f"/v1/forecasts/{run['id']}", headers=bearer(loaded["manager"])).json()
    assert status["status"] == "failed"
    assert "no history before the forecast start 2001-01-01" in status["error"]
    result = client.get(f"/v1/forecasts/{run['id']}/result", headers=bearer(loaded["manager"]))
    assert result.status_code == 409


def test_the_result_of_an_unfinished_run_is_409_and_an_unknown_run_404(
    client: TestClient, loaded: dict[str, str]
) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.write_session() as session:
        run = crud.create_forecast_run(session, params={}, by="manager")
    manager = bearer(loaded["manager"])
    pending = client.get(f"/v1/forecasts/{run.id}/result", headers=manager)
    assert pending.status_code == 409
    assert pending.json()["detail"] == f"forecast run {run.id} is queued, not done"
    assert client.get("/v1/forecasts/nope", headers=manager).status_code == 404


@pytest.mark.parametrize("role", ["planner", "supervisor"])
def test_only_a_manager_or_admin_starts_a_run(
    client: TestClient, loaded: dict[str, str], role: str
) -> None:
    body = {"start": str(START), "horizon_days": 7}
    assert client.post("/v1/forecasts", json=body, headers=bearer(loaded[role])).status_code == 403


def test_a_supervisor_does_not_read_forecasts(client: TestClient, loaded: dict[str, str]) -> None:
    assert client.get("/v1/forecasts", headers=bearer(loaded["supervisor"])).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"start": str(START), "horizon_days": 0},
        {"start": str(START), "horizon_days": 7, "model": "magic"},
        {"start": str(START), "horizon_days": 7, "queue": "x"},
    ],
)
def test_bad_run_requests_are_422(client: TestClient, loaded: dict[str, str], body: dict) -> None:
    response = client.post("/v1/forecasts", json=body, headers=bearer(loaded["manager"]))
    assert response.status_code == 422

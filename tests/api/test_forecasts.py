"""POST/GET /v1/forecasts: a manager starts a background run; status, then the result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api import crud
from api.main import create_app
from tests.api.helpers import PROJECT_ROOT, bearer, center_body, post_ok
from wfm.grid import local_midnight_utc
from wfm.output import json_records
from wfm.settings import Settings

SAMPLE_HISTORY = PROJECT_ROOT / "data" / "sample" / "history.parquet"
START = dt.date(2026, 11, 23)


def last_days_of_history(folder: Path, n_days: int) -> Path:
    """The last `n_days` local days of the sample history, as a Parquet file in `folder`."""
    if not SAMPLE_HISTORY.exists():
        pytest.skip("data/sample/history.parquet is missing (wfm data generate --seed 7)")
    history = pl.read_parquet(SAMPLE_HISTORY)
    tz = ZoneInfo("America/New_York")
    last_day = history.get_column("interval_start").max().astimezone(tz).date()
    cut = local_midnight_utc(last_day - dt.timedelta(days=n_days), tz)
    path = folder / "history.parquet"
    history.filter(pl.col("interval_start") >= cut).write_parquet(path)
    return path


@pytest.fixture(scope="session")
def short_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The last five weeks of the sample history (enough for seasonal naive)."""
    return last_days_of_history(tmp_path_factory.mktemp("history"), 35)


@pytest.fixture
def settings(db_url: str, tmp_path: Path, short_history: Path) -> Settings:
    return Settings(
        db_url=db_url, data_dir=tmp_path, auto_migrate=False, history_path=short_history
    )


def start(client: TestClient, token: str, **overrides: object) -> dict:
    body = {"start": str(START), "horizon_days": 14, "model": "seasonal_naive", **overrides}
    return post_ok(client, "/v1/forecasts", body, token, 202)


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


def test_a_stored_result_in_the_engines_shape_is_served_with_wape(
    client: TestClient, loaded: dict[str, str]
) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    scores = pl.DataFrame(
        {"queue_id": ["triage_voice"], "model": ["ets"], "score": [0.25]}
    )  # forecasting.run's scores table: the WAPE is its `score` column
    result = {"forecast": [], "scores": json_records(scores)}
    with database.write_session() as session:
        run = crud.create_forecast_run(session, params={}, by="manager")
        crud.update_forecast_run(session, run_id=run.id, status="done", result=result)
    response = client.get(f"/v1/forecasts/{run.id}/result", headers=bearer(loaded["manager"]))
    assert response.status_code == 200, response.text
    assert response.json()["scores"] == [{"queue_id": "triage_voice", "model": "ets", "wape": 0.25}]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_run_of_the_default_model_has_a_result_with_backtest_scores(
    db_url: str, tmp_path: Path, keys: dict[str, str]
) -> None:
    settings = Settings(
        db_url=db_url,
        data_dir=tmp_path,
        auto_migrate=False,
        history_path=last_days_of_history(tmp_path, 70),  # enough to backtest the models
    )
    with TestClient(create_app(settings)) as client:
        admin = bearer(keys["admin"])
        assert client.put("/v1/center", json=center_body(), headers=admin).status_code == 200
        body = {"start": str(START), "horizon_days": 7}  # model auto
        run = client.post("/v1/forecasts", json=body, headers=admin).json()
        assert client.app.state.forecast_jobs.wait(timeout_s=900)  # type: ignore[attr-defined]
        result = client.get(f"/v1/forecasts/{run['id']}/result", headers=admin)
    assert result.status_code == 200, result.text
    scores = result.json()["scores"]
    assert {s["queue_id"] for s in scores} == {q["id"] for q in center_body()["queues"]}
    assert all(s["wape"] is None or s["wape"] >= 0 for s in scores)

"""POST/GET /v1/capacity: a manager starts a capacity plan, polls it, reads its tables."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import PROJECT_ROOT, bearer
from wfm.grid import local_midnight_utc
from wfm.settings import Settings

SAMPLE_HISTORY = PROJECT_ROOT / "data" / "sample" / "history.parquet"
START = dt.date(2026, 11, 16)  # the Monday after the sample history


@pytest.fixture(scope="session")
def half_year_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The last 36 weeks of the sample history: enough for a few band origins."""
    if not SAMPLE_HISTORY.exists():
        pytest.skip("data/sample/history.parquet is missing (wfm data generate --seed 7)")
    history = pl.read_parquet(SAMPLE_HISTORY)
    cut = local_midnight_utc(START - dt.timedelta(weeks=36), ZoneInfo("America/New_York"))
    path = tmp_path_factory.mktemp("history") / "history.parquet"
    history.filter(pl.col("interval_start") >= cut).write_parquet(path)
    return path


@pytest.fixture
def settings(db_url: str, tmp_path: Path, half_year_history: Path) -> Settings:
    return Settings(
        db_url=db_url, data_dir=tmp_path, auto_migrate=False, history_path=half_year_history
    )


def body(**overrides: object) -> dict:
    return {
        "start": str(START),
        "horizon_weeks": 4,
        "model": "seasonal_naive",
        "band_step_weeks": 4,
        "plan": {"attrition_frac_per_month": 0.02, "recruiting_lead_weeks": 0},
        "scenarios": [{"name": "up", "volume": [{"queues": ["triage_voice"], "change_frac": 0.1}]}],
        **overrides,
    }


def test_a_capacity_plan_runs_in_the_background(client: TestClient, loaded: dict[str, str]) -> None:
    manager = bearer(loaded["manager"])
    response = client.post("/v1/capacity", json=body(), headers=manager)
    assert response.status_code == 202, response.text
    run = response.json()
    assert client.app.state.forecast_jobs.wait(timeout_s=300)  # type: ignore[attr-defined]
    status = client.get(f"/v1/capacity/{run['id']}", headers=manager).json()
    assert status["status"] == "done", status["error"]
    result = client.get(f"/v1/capacity/{run['id']}/result", headers=manager).json()
    assert [r["scenario"] for r in result["summary"]] == ["base", "up"]
    triage = [r for r in result["groups"] if r["group"] == "triage_a"]
    assert len(triage) == 2 * 4  # two cases x four weeks
    base, up = (
        [r["fte_required"] for r in triage if r["scenario"] == case] for case in ("base", "up")
    )
    assert all(u > b for u, b in zip(up, base, strict=True))
    assert all(r["fte_required_lo"] <= r["fte_required"] <= r["fte_required_hi"] for r in triage)
    listed = client.get("/v1/capacity", headers=manager).json()
    assert [r["id"] for r in listed["data"]] == [run["id"]]
    # A capacity run is not a forecast run.
    assert client.get("/v1/forecasts", headers=manager).json()["count"] == 0
    assert client.get(f"/v1/forecasts/{run['id']}", headers=manager).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"plan": {"classes": [{"team": "triage_a", "start": "2026-01-05", "size": 2}]}},
            "plan: classes[0].start: 2026-01-05 is in the past",
        ),
        (
            {"scenarios": [{"name": "x", "volume": [{"queues": ["nope"], "change_frac": 0.1}]}]},
            "scenarios: scenarios[x].volume[0].queues: unknown queue 'nope'",
        ),
        (
            {
                "scenarios": [
                    {"name": "x", "classes": [{"team": "ghosts", "start": "2027-01-04", "size": 1}]}
                ]
            },
            "scenarios: scenarios[x].classes[0].team: unknown team 'ghosts'",
        ),
    ],
)
def test_bad_references_are_422_naming_the_field(
    client: TestClient, loaded: dict[str, str], overrides: dict, message: str
) -> None:
    response = client.post(
        "/v1/capacity", json=body(**overrides), headers=bearer(loaded["manager"])
    )
    assert response.status_code == 422
    assert message in response.text


@pytest.mark.parametrize(
    "overrides",
    [
        {"plan": {"attrition_frac_per_month": 1.5}},
        {"start": "2026-11-17"},
        {"plan": {"hire": {"trainig_weeks": 2}}},
    ],
)
def test_bad_requests_are_422(client: TestClient, loaded: dict[str, str], overrides: dict) -> None:
    response = client.post(
        "/v1/capacity", json=body(**overrides), headers=bearer(loaded["manager"])
    )
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["planner", "supervisor"])
def test_only_a_manager_or_admin_plans_capacity(
    client: TestClient, loaded: dict[str, str], role: str
) -> None:
    assert client.post("/v1/capacity", json=body(), headers=bearer(loaded[role])).status_code == 403
    assert client.get("/v1/capacity", headers=bearer(loaded[role])).status_code == 403

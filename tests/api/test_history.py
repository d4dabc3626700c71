"""POST /v1/history: actual volumes pushed into the service, which forecast runs then read
with no history file configured and no restart."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from fastapi.testclient import TestClient

from api import crud
from tests.api.helpers import bearer
from tests.api.test_forecasts import last_days_of_history
from wfm.grid import local_midnight_utc
from wfm.output import json_records

T0 = dt.datetime(2026, 11, 16, 14, 0, tzinfo=dt.UTC)  # 09:00 New York


def _row(minutes: int = 0, **overrides: object) -> dict:
    row = {
        "queue_id": "sched_voice",
        "interval_start": (T0 + dt.timedelta(minutes=minutes)).isoformat(),
        "offered": 40,
        "handled": 38,
        "abandoned": 2,
        "aht_s": 290.0,
    }
    return row | overrides


def _push(client: TestClient, token: str, rows: list[dict]):
    return client.post("/v1/history", json={"rows": rows}, headers=bearer(token))


def test_a_batch_is_stored_once_and_a_changed_row_replaces_the_stored_one(
    client: TestClient, loaded: dict[str, str]
) -> None:
    rows = [_row(0), _row(15)]
    first = _push(client, loaded["planner"], rows)
    assert first.status_code == 200, first.text
    assert first.json() == {"accepted": 2, "duplicates": 0, "errors": []}
    assert _push(client, loaded["planner"], rows).json()["duplicates"] == 2
    changed = _push(client, loaded["planner"], [_row(15, offered=50, handled=48)])
    assert changed.json()["accepted"] == 1
    database = client.app.state.database  # type: ignore[attr-defined]
    with database.read_session() as session:
        stored = crud.read_history(session)
    assert stored.height == 2
    assert stored.sort("interval_start")["offered"].to_list() == [40, 50]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (_row(queue_id="nope"), "queue_id", "unknown queue"),
        (_row(7), "interval_start", "not on the 15-minute interval grid"),
        (_row(handled=40), None, "handled + abandoned must not exceed offered"),
        (_row(offered=-1), "offered", "greater than or equal to 0"),
    ],
    ids=["unknown queue", "off the grid", "counts", "negative"],
)
def test_bad_rows_are_refused_by_index_and_the_good_ones_stored(
    client: TestClient, loaded: dict[str, str], row: dict, column: str | None, message: str
) -> None:
    response = _push(client, loaded["planner"], [_row(0), row])
    assert response.status_code == 207
    body = response.json()
    assert body["accepted"] == 1
    [error] = body["errors"]
    assert error["index"] == 1 and error["column"] == column
    assert message in error["message"]


def test_only_planners_ingest_and_admins_push_history(
    client: TestClient, loaded: dict[str, str]
) -> None:
    for role in ("supervisor", "manager"):
        assert _push(client, loaded[role], [_row()]).status_code == 403
    assert _push(client, loaded["admin"], [_row()]).status_code == 200


def test_a_forecast_runs_from_pushed_history_with_no_history_file(
    client: TestClient, loaded: dict[str, str], tmp_path: Path
) -> None:
    body = {"start": "2026-11-16", "horizon_days": 7, "model": "seasonal_naive"}
    refused = client.post("/v1/forecasts", json=body, headers=bearer(loaded["manager"]))
    assert refused.status_code == 409
    assert "push actual volumes to POST /v1/history" in refused.json()["detail"]
    history = pl.read_parquet(last_days_of_history(tmp_path, 21))
    rows = json_records(history)
    for first in range(0, len(rows), 5000):
        assert _push(client, loaded["planner"], rows[first : first + 5000]).status_code == 200
    run = client.post("/v1/forecasts", json=body, headers=bearer(loaded["manager"])).json()
    assert client.app.state.forecast_jobs.wait(timeout_s=120)  # type: ignore[attr-defined]
    status = client.get(f"/v1/forecasts/{run['id']}", headers=bearer(loaded["manager"])).json()
    assert status["status"] == "done", status["error"]
    result = client.get(f"/v1/forecasts/{run['id']}/result", headers=bearer(loaded["manager"]))
    weekly = {r["queue_id"]: r["volume"] for r in result.json()["data"]}
    # Seasonal naive repeats the last pushed week: each queue's week equals its last week.
    tz = ZoneInfo("America/New_York")
    week = (
        local_midnight_utc(dt.date(2026, 11, 9), tz),
        local_midnight_utc(dt.date(2026, 11, 16), tz),
    )
    last = history.filter(pl.col("interval_start").is_between(*week, closed="left"))
    expected = last.group_by("queue_id").agg(pl.col("offered").sum())
    for queue_id, offered in expected.iter_rows():
        assert weekly[queue_id] == pytest.approx(offered)

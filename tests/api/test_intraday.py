"""GET /v1/intraday: the engine's view of the stored history, schedule and states, per
queue; a supervisor gets the queues its teams work, an ingest key nothing."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import add_key, bearer, shift_rows
from tests.api.test_forecasts import SAMPLE_HISTORY
from wfm.center import load_center
from wfm.intraday import intraday
from wfm.loaders import load_history
from wfm.output import json_records
from wfm.usecases.intraday import morning_forecast

DAY = dt.date(2026, 11, 12)  # a Thursday of the sample history
AT = dt.datetime(2026, 11, 12, 16, 0, tzinfo=dt.UTC)  # 11:00 New York
QUEUES = ["triage_voice", "sched_voice"]


@pytest.fixture
def stored(client: TestClient, loaded: dict[str, str]) -> dict:
    if not SAMPLE_HISTORY.exists():
        pytest.skip("data/sample/history.parquet is missing (wfm data generate --seed 7)")
    center = load_center(SAMPLE_HISTORY.parent / "center.yaml")
    history = (
        load_history(SAMPLE_HISTORY, center)
        .filter(
            pl.col("queue_id").is_in(QUEUES)
            & (pl.col("interval_start") >= dt.datetime(2026, 10, 10, tzinfo=dt.UTC))
            & (pl.col("interval_start") < AT)
        )
        .select("queue_id", "interval_start", "offered", "handled", "abandoned", "aht_s")
    )
    planner = bearer(loaded["planner"])
    response = client.post("/v1/history", json={"rows": json_records(history)}, headers=planner)
    assert response.status_code == 200, response.text
    agents = ["triage_a-001", "triage_a-002", "triage_a-003", "sched_a-001", "sched_a-002"]
    rows = [r for a in agents for r in shift_rows(a, DAY)]
    body = {"week_start": "2026-11-09", "rows": rows}
    assert client.post("/v1/schedules", json=body, headers=planner).status_code in (200, 201)
    login = dt.datetime(2026, 11, 12, 14, 0, tzinfo=dt.UTC)
    events = [
        {"event_id": f"in-{a}", "agent_id": a, "state": "Available", "start": login.isoformat()}
        for a in agents[:2] + agents[3:]
    ]  # triage_a-003 never logs in
    admin = bearer(loaded["admin"])
    assert client.post("/v1/states", json={"events": events}, headers=admin).status_code == 200
    return {"center": center, "history": history, "rows": rows, "events": events, **loaded}


def test_the_route_gives_the_engines_view_of_the_stored_tables(client, stored):
    response = client.get("/v1/intraday", params={"at": AT.isoformat()},
                          headers=bearer(stored["planner"]))  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["date"] == "2026-11-12" and [q["queue_id"] for q in body["queues"]] == sorted(
        QUEUES
    )
    schedule = pl.DataFrame(stored["rows"]).with_columns(
        pl.col("start", "end").str.to_datetime(time_zone="UTC"),
        pl.lit(None, pl.String).alias("queue_id"),
    )
    states = pl.DataFrame(stored["events"]).with_columns(
        pl.col("start").str.to_datetime(time_zone="UTC"),
        pl.lit(None, pl.Datetime("us", "UTC")).alias("end"),
    )
    roster = client.get("/v1/roster", headers=bearer(stored["admin"])).json()["data"]
    skills = pl.DataFrame({"agent_id": [a["agent_id"] for a in roster],
                           "skills": [[{"queue_id": s["queue_id"]} for s in a["skills"]] for a in roster]})  # fmt: skip
    center, history = stored["center"], stored["history"]
    forecast = morning_forecast(history, center, center.local_date(AT))
    direct = intraday(center, forecast=forecast, history=history, at=AT,
                      schedule=schedule, states=states, roster=skills)  # fmt: skip
    for got, want in zip(body["queues"], direct.queues.to_dicts(), strict=True):
        for name, value in want.items():
            if isinstance(value, float):
                assert got[name] == pytest.approx(value), name
    triage = [r for r in body["intervals"] if r["queue_id"] == "triage_voice"]
    at_noon = next(r for r in triage if r["interval_start"].startswith("2026-11-12T17:00"))
    assert at_noon["agents_scheduled"] == pytest.approx(3.0)
    # Two of the three triage agents logged in: attendance 2/3 of the scheduled time so far.
    triage_q = next(q for q in body["queues"] if q["queue_id"] == "triage_voice")
    assert triage_q["attendance_frac"] == pytest.approx(2 / 3)
    assert at_noon["agents_expected"] == pytest.approx(2.0)
    assert len(body["moves"]) == direct.moves.height


def test_a_supervisor_gets_the_queues_its_teams_work(client, stored):
    for key, queue in (("supervisor", "triage_voice"), ("other_supervisor", "sched_voice")):
        response = client.get("/v1/intraday", params={"at": AT.isoformat()},
                              headers=bearer(stored[key]))  # fmt: skip
        assert response.status_code == 200, response.text
        body = response.json()
        assert [q["queue_id"] for q in body["queues"]] == [queue]
        assert {r["queue_id"] for r in body["intervals"] + body["moves"]} <= {queue}
        assert body["intervals"]


def test_an_ingest_key_may_not_read_intraday(client, stored, db_url):
    token = add_key(db_url, "phones", "ingest")
    response = client.get("/v1/intraday", headers=bearer(token))
    assert response.status_code == 403


def test_without_history_before_the_day_the_answer_says_so(client, loaded):
    response = client.get("/v1/intraday", params={"at": AT.isoformat()},
                          headers=bearer(loaded["planner"]))  # fmt: skip
    assert response.status_code == 422
    assert "no history before" in response.text

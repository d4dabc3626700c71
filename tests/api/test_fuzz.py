"""Property-based fuzz (hypothesis): no input to the ingest, publish or query routes yields a
500; every answer is a documented status."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.helpers import WEEK_START, bearer

FUZZ = settings(
    max_examples=int(os.environ.get("WFM_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
timestamps = (
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    | st.datetimes().map(lambda d: d.isoformat())
    | st.text(max_size=30)
)
agent_ids = st.sampled_from(["triage_a-001", "sched_a-002", "nobody", ""]) | st.text(max_size=70)
states = st.sampled_from(["Available", "Lunch", "Logged Out"]) | st.text(max_size=70)
events = st.fixed_dictionaries(
    {
        "event_id": st.text(max_size=140),
        "agent_id": agent_ids,
        "state": states,
        "start": timestamps,
    },
    optional={"end": timestamps | st.none(), "extra": json_values},
)


@pytest.fixture
def db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """Fuzz on SQLite only: the backends share the code paths being fuzzed."""
    import shutil

    shutil.copyfile(sqlite_template, tmp_path / "wfm.sqlite3")
    return f"sqlite:///{tmp_path / 'wfm.sqlite3'}"


@FUZZ
@given(batch=st.lists(events | json_values, min_size=1, max_size=8))
def test_ingest_never_answers_500(client: TestClient, loaded: dict[str, str], batch: list) -> None:
    response = client.post("/v1/states", json={"events": batch}, headers=bearer(loaded["admin"]))
    assert response.status_code in (200, 207, 422)
    if response.status_code in (200, 207):
        body = response.json()
        assert len(body["accepted"]) + len(body["duplicates"]) + len(
            {e["index"] for e in body["errors"]}
        ) == len(batch)


@FUZZ
@given(body=json_values)
def test_any_json_body_to_ingest_is_a_422_or_handled(
    client: TestClient, loaded: dict[str, str], body: object
) -> None:
    response = client.post("/v1/states", json=body, headers=bearer(loaded["admin"]))
    assert response.status_code in (200, 207, 422)


rows = st.fixed_dictionaries(
    {
        "agent_id": agent_ids,
        "activity": st.sampled_from(["work", "lunch", "nap"]),
        "start": timestamps,
        "end": timestamps,
    },
    optional={"queue_id": st.text(max_size=10) | st.none()},
)


@FUZZ
@given(week=st.dates().map(str) | st.text(max_size=12), batch=st.lists(rows, max_size=4))
def test_publishing_never_answers_500(
    client: TestClient, loaded: dict[str, str], week: str, batch: list
) -> None:
    payload = {"week_start": week, "rows": batch}
    response = client.post("/v1/schedules", json=payload, headers=bearer(loaded["planner"]))
    assert response.status_code in (201, 404, 422)


query_values = st.text(max_size=30) | st.dates().map(str) | timestamps | st.integers().map(str)


@FUZZ
@given(
    path=st.sampled_from(
        [
            "/v1/adherence/realtime",
            "/v1/adherence/agents",
            "/v1/adherence/teams",
            "/v1/adherence/exceptions",
            "/v1/states",
            f"/v1/schedules/{WEEK_START}",
            "/v1/schedules/0001-01-01",
            "/v1/audit",
            "/v1/roster",
        ]
    ),
    params=st.dictionaries(
        st.sampled_from(
            [
                "team",
                "agent_id",
                "at",
                "start_date",
                "end_date",
                "start",
                "end",
                "limit",
                "version",
                "offset",
                "x",
            ]
        ),
        query_values,
        max_size=4,
    ),
    role=st.sampled_from(["admin", "manager", "supervisor"]),
)
def test_queries_never_answer_500(
    client: TestClient, loaded: dict[str, str], path: str, params: dict, role: str
) -> None:
    response = client.get(path, params=params, headers=bearer(loaded[role]))
    assert response.status_code in (200, 403, 404, 422)

"""Schemathesis over the service's own OpenAPI document, against a real server over HTTP.

Every operation gets valid and invalid requests (bodies, query strings and path parameters
built from the document) sent with an admin key to a server holding a center, a roster, a
published week and states. No answer may be a server error, and every answer must be one the
document lists for that operation, with the content type and body it documents. The run is
bounded: `WFM_FUZZ_EXAMPLES` examples per operation and mode (default 10).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import (
    WEEK_START,
    add_key,
    bearer,
    center_body,
    http_client,
    live_server,
    roster_agents,
    shift_rows,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("WFM_FUZZ_EXAMPLES", "10"))


@dataclass(frozen=True)
class LiveApi:
    base_url: str
    admin: str
    document: dict


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    db_url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'fuzz.sqlite3'}"
    admin = add_key(db_url, "fuzzer", "admin")
    with live_server(db_url, access_log=False) as server, http_client(server, admin) as client:
        assert client.put("/v1/center", json=center_body()).status_code == 200
        assert client.put("/v1/roster", json={"agents": roster_agents()}).status_code == 200
        rows = shift_rows("triage_a-001") + shift_rows("sched_a-001")
        week = {"week_start": str(WEEK_START), "rows": rows}
        assert client.post("/v1/schedules", json=week).status_code == 201
        event = {
            "event_id": "e1",
            "agent_id": "triage_a-001",
            "state": "Available",
            "start": "2026-11-23T14:00:00Z",
        }
        assert client.post("/v1/states", json={"events": [event]}).status_code == 200
        document = client.get("/v1/openapi.json").json()
        yield LiveApi(server.base_url, admin, document)


def test_no_request_gets_a_server_error_or_an_undocumented_answer(live_api: LiveApi) -> None:
    schema = schemathesis.openapi.from_dict(live_api.document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    session = requests.Session()
    session.headers.update(bearer(live_api.admin))
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                response = case.call(base_url=live_api.base_url, session=session)
                case.validate_response(response, checks=CHECKS)

            try:
                call()
            except Unsatisfiable:
                # No parameter or body to make invalid (e.g. GET /v1/center).
                assert mode is GenerationMode.NEGATIVE, operation.label
            except Exception as exc:
                exc.add_note(f"{operation.label} with {mode} data")
                raise


def test_the_document_lists_the_error_answers_and_their_bodies(live_api: LiveApi) -> None:
    paths = live_api.document["paths"]
    schemas = live_api.document["components"]["schemas"]
    for path, methods in paths.items():
        for operation in methods.values():
            if path.startswith("/v1/"):
                assert {"400", "401", "403", "413", "422", "429"} <= set(operation["responses"])
    assert "404" in paths["/v1/schedules/{week_start}"]["get"]["responses"]
    for path, method in [
        ("/v1/schedules", "post"),
        ("/v1/center", "put"),
        ("/v1/forecasts", "post"),
        ("/v1/forecasts/{run_id}/result", "get"),
    ]:
        conflict = paths[path][method]["responses"]["409"]["content"]["application/json"]
        assert conflict["schema"] == {"$ref": "#/components/schemas/ConflictPublic"}
    assert set(schemas["ErrorPublic"]["properties"]) == {"detail"}
    assert set(schemas["InvalidFieldsPublic"]["properties"]) == {"detail", "count"}
    assert set(schemas["InvalidRowsPublic"]["properties"]) == {"detail", "source", "count"}

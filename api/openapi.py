"""The OpenAPI document: FastAPI's, with the error answers and the center body spelled out.

Every /v1 operation lists 400, 401, 403, 413, 422 and 429 (`ERROR_RESPONSES`), those that read a
resource 404 (`NOT_FOUND`) and those that can conflict 409 (`CONFLICT`), each with its body
schema. ``PUT /v1/center`` takes a free-form object in the code (it is stored as sent and
validated by `wfm.center.Center`); the document gives it Center's schema, in the shape of the
center YAML file, so clients and fuzzers can build one.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.schemas import ConflictPublic, ErrorPublic, InvalidFieldsPublic, InvalidRowsPublic
from wfm.center import Center

__all__ = ["CONFLICT", "ERROR_RESPONSES", "NOT_FOUND", "build_openapi", "partly_refused"]

Responses = dict[int | str, dict[str, Any]]

ERROR_RESPONSES: Responses = {
    400: {"model": ErrorPublic, "description": "the body cannot be read as JSON text"},
    401: {"model": ErrorPublic, "description": "missing, invalid or revoked API key"},
    403: {"model": ErrorPublic, "description": "the key's role or teams do not cover this"},
    413: {"model": ErrorPublic, "description": "the body is over WFM_MAX_BODY_BYTES"},
    422: {
        "model": InvalidFieldsPublic | InvalidRowsPublic,
        "description": "invalid request: fields of the request, or rows of the table sent",
    },
    429: {
        "model": ErrorPublic,
        "description": "too many failed logins from this client or for this key id; "
        "see Retry-After",
    },
}
NOT_FOUND: Responses = {404: {"model": ErrorPublic, "description": "not found"}}
CONFLICT: Responses = {409: {"model": ConflictPublic, "description": "conflicts with the state"}}
CENTER_REF = "#/components/schemas/Center"


def partly_refused(model: type[BaseModel]) -> Responses:
    """The 207 of an ingest route: the valid rows are stored, the refused ones listed."""
    return {207: {"model": model, "description": "some rows were refused"}}


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document of `app` (built once, then cached on it)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    center = Center.model_json_schema(ref_template="#/components/schemas/Center{model}")
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in center.pop("$defs", {}).items():
        schemas[f"Center{name}"] = schema
    schemas["Center"] = center
    body = document["paths"]["/v1/center"]["put"]["requestBody"]
    body["content"]["application/json"]["schema"] = {"$ref": CENTER_REF}
    app.openapi_schema = document
    return document

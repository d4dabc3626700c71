"""A client of the wfm service: the CLI's way into a running `wfm serve` (README, A week with
wfm).

Every call goes through the service's own `/v1` routes with an API key, so the service's roles,
team scoping and audit apply to the CLI as to any caller. The key travels only in the
`Authorization` header; it is never part of a URL, a log line or an error message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx
from pydantic import ValidationError

from wfm.center import Center
from wfm.errors import ServiceError

__all__ = ["IngestResult", "ServiceClient"]

log = logging.getLogger(__name__)

# Requests that write a batch can wait for a database lock on a busy server.
_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


@dataclass(frozen=True)
class IngestResult:
    """The service's answer to one batch of states or history rows.

    Attributes:
        accepted: rows stored now.
        duplicates: rows the service already had (a resend: stored once).
        errors: refused rows: (index in the batch, column or None, message).
    """

    accepted: int
    duplicates: int
    errors: list[tuple[int, str | None, str]]


def _detail(response: httpx.Response) -> str:
    """The error body's message, short (the first few row errors)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or response.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, list):
        parts = []
        for item in detail[:5]:
            if isinstance(item, dict):
                where = " ".join(
                    f"{k} {item[k]}" for k in ("row", "column") if item.get(k) is not None
                )
                parts.append(f"{where}: {item.get('message') or item.get('msg')}".strip(": "))
            else:
                parts.append(str(item))
        more = f" (+{len(detail) - 5} more)" if len(detail) > 5 else ""
        return "; ".join(parts) + more
    return str(detail)


class ServiceClient:
    """Calls the service at `url` with `key`.

    Args:
        url: the service's base URL, e.g. http://127.0.0.1:8000.
        key: an API key (`wfm users add` prints one).
        transport: an httpx transport, for tests (None: the network).

    Use it as a context manager so its connections close.
    """

    def __init__(self, url: str, key: str, *, transport: httpx.BaseTransport | None = None):
        if not key:
            raise ServiceError("no API key: give one (option or environment variable)")
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {key}"},
            timeout=_TIMEOUT,
            transport=transport,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ServiceError(
                f"the service at {self.url} did not answer {method} {path}: {type(exc).__name__}"
            ) from None
        if response.status_code >= 400:
            raise ServiceError(
                f"{method} {path}: {response.status_code} {_detail(response)}",
                status=response.status_code,
            )
        return response

    def health(self) -> dict[str, Any]:
        """`GET /healthz`."""
        return self._call("GET", "/healthz").json()

    def center(self) -> Center:
        """The service's current center configuration."""
        body = self._call("GET", "/v1/center").json()["center"]
        try:
            return Center.model_validate(body)
        except ValidationError as exc:
            raise ServiceError(f"the service's center is not valid here: {exc}") from None

    def put_center(self, body: Mapping[str, Any]) -> int:
        """Replace the center configuration (admin); returns its new version."""
        return int(self._call("PUT", "/v1/center", json=dict(body)).json()["version"])

    def put_roster(self, agents: Sequence[Mapping[str, Any]]) -> int:
        """Replace the roster (admin); returns its new version."""
        response = self._call("PUT", "/v1/roster", json={"agents": list(agents)})
        return int(response.json()["version"])

    def publish_schedule(self, week_start: dt.date, rows: Sequence[Mapping[str, Any]]) -> int:
        """Publish a week's schedule rows (planner); returns the week's new version."""
        body = {"week_start": week_start.isoformat(), "rows": list(rows)}
        return int(self._call("POST", "/v1/schedules", json=body).json()["version"])

    def read_schedule(self, week_start: dt.date) -> list[dict[str, Any]] | None:
        """The week's latest published rows, or None when the week was never published."""
        try:
            response = self._call("GET", f"/v1/schedules/{week_start.isoformat()}")
        except ServiceError as exc:
            if exc.status == 404:
                return None
            raise
        return response.json()["data"]

    def _ingest(self, path: str, key: str, rows: Sequence[Mapping[str, Any]]) -> IngestResult:
        body = self._call("POST", path, json={key: list(rows)}).json()

        def count(value: int | list) -> int:
            # States answer with the event ids, history with counts.
            return len(value) if isinstance(value, list) else int(value)

        return IngestResult(
            accepted=count(body["accepted"]),
            duplicates=count(body["duplicates"]),
            errors=[(e["index"], e.get("column"), e["message"]) for e in body["errors"]],
        )

    def push_states(self, events: Sequence[Mapping[str, Any]]) -> IngestResult:
        """Store a batch of agent states (ingest or admin), idempotent by event id."""
        return self._ingest("/v1/states", "events", events)

    def push_history(self, rows: Sequence[Mapping[str, Any]]) -> IngestResult:
        """Store a batch of actual interval volumes (planner, ingest or admin), idempotent by
        queue and interval."""
        return self._ingest("/v1/history", "rows", rows)

    def realtime(self, *, team: str | None = None, at: dt.datetime | None = None) -> dict:
        """Real-time adherence: who is out of adherence at `at` (default now)."""
        params = {k: v for k, v in (("team", team), ("at", at and at.isoformat())) if v}
        return self._call("GET", "/v1/adherence/realtime", params=params).json()

    def intraday(self, *, at: dt.datetime | None = None) -> dict:
        """The intraday view per queue at `at` (default now): the route's JSON."""
        params = {"at": at.isoformat()} if at is not None else {}
        return self._call("GET", "/v1/intraday", params=params).json()

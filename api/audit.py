"""The append-only audit log: who, when, what, result, for every request under /v1.

`AuditMiddleware` has one record per request committed *before* the response starts: if the
record cannot be written, the caller gets 503 instead of the data, so no audited read goes
unrecorded. Records go through `AuditWriter`, which commits whatever has queued up in one
transaction (group commit: one disk sync for many concurrent requests), and each request
waits for its own record's commit. A hot write path (state ingest) instead appends its
record inside its own transaction (`request_audit_values`, then `mark_audited` once
committed): the write and its record become durable together, with one disk sync and one
write lock instead of two. This module has no update or delete path; reads go through
`read_audit`.

A record names the caller, or for a failed login the key id tried (`api.gate`), and the
client address. A request that fails with an unexpected error is answered 500 here, after its
record, and the connection stays usable. Whatever looks like a credential in the path or the
query string is redacted (`redact_target`) before it is recorded, and before the access log
prints it (`api.service`).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from api.asgi import (
    ASGIApp,
    Message,
    Receive,
    Scope,
    Send,
    client_address,
    is_v1_request,
    send_error,
)
from api.auth import Principal
from api.db import AuditRecord, Database, utcnow

__all__ = [
    "AuditMiddleware",
    "AuditWriter",
    "audit_target",
    "audit_values",
    "mark_audited",
    "read_audit",
    "redact_target",
    "request_audit_values",
    "result_of",
    "scope_audit_values",
    "write_audit",
]

logger = logging.getLogger(__name__)

REDACTED = "REDACTED"
# Query parameters whose value is a credential by its name, and anything shaped like a key.
_SECRET_NAME = re.compile(r"key|token|secret|passw|auth|credential|session", re.IGNORECASE)
_TOKEN = re.compile(r"wfm_[0-9A-Za-z]*_[0-9A-Za-z_-]+")


def result_of(status_code: int) -> str:
    """A one-word outcome for a status code."""
    if status_code == 207:
        return "partial"
    if status_code < 400:
        return "ok"
    return {401: "unauthenticated", 403: "denied", 404: "not_found"}.get(
        status_code, "rejected" if status_code < 500 else "error"
    )


def audit_values(
    *,
    principal: Principal | None,
    action: str,
    target: str,
    status_code: int,
    client: str | None = None,
    key_id_tried: str | None = None,
) -> dict[str, Any]:
    """The column values of one audit record, stamped now."""
    return {
        "at": utcnow(),
        "actor": principal.name if principal else "anonymous",
        "key_id": principal.key_id if principal else key_id_tried,
        "role": principal.role.value if principal else None,
        "action": action,
        "target": target[:2000],
        "status_code": status_code,
        "result": result_of(status_code),
        "client": client,
    }


def redact_target(target: str) -> str:
    """`target` (a path, maybe with ``?query``) with credentials replaced by REDACTED: the
    value of a parameter named like one (``api_key``, ``token``, ...) and anything shaped like
    a key, in the path or the query."""
    path, sep, query = target.partition("?")
    path = _TOKEN.sub(REDACTED, path)
    if not sep:
        return path
    pairs = []
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if _TOKEN.search(unquote_plus(name)):
            name = REDACTED
        if _SECRET_NAME.search(unquote_plus(name)) or _TOKEN.search(unquote_plus(value)):
            value = REDACTED
        pairs.append(f"{name}{equals}{value}")
    return f"{path}?{'&'.join(pairs)}"


def audit_target(scope: Scope) -> str:
    """What a request is about: its path and query string, credentials redacted."""
    query = scope.get("query_string", b"").decode("latin-1")
    return redact_target(scope["path"] + (f"?{query}" if query else ""))


def scope_audit_values(scope: Scope, status_code: int) -> dict[str, Any]:
    """The audit record of the request in `scope` answered with `status_code` (the caller
    and the key id tried are on its state, put there by `api.gate`)."""
    state = scope.get("state", {})
    return audit_values(
        principal=state.get("principal"),
        action=scope["method"],
        target=audit_target(scope),
        status_code=status_code,
        client=client_address(scope),
        key_id_tried=state.get("key_id_tried"),
    )


def request_audit_values(request: Request, status_code: int) -> dict[str, Any]:
    """The audit record of `request` answered with `status_code`, for a route to append in
    its own transaction (then `mark_audited`)."""
    return scope_audit_values(request.scope, status_code)


def mark_audited(request: Request) -> None:
    """Tell `AuditMiddleware` that this request's record is committed already."""
    request.state.audited = True


def write_audit(database: Database, records: list[dict[str, Any]]) -> None:
    """Append records (from `audit_values`) and commit them together."""
    with database.write_session() as session:
        session.execute(insert(AuditRecord), records)
        session.commit()


class AuditWriter:
    """A background thread that appends queued audit records with group commit.

    `submit` returns a future that resolves once the record is committed (or fails with the
    database error). `close` drains the queue and stops the thread.
    """

    def __init__(self, database: Database, *, max_batch: int = 1000) -> None:
        self.database = database
        self.max_batch = max_batch
        self._queue: queue.SimpleQueue[tuple[dict[str, Any], Future[None]] | None] = (
            queue.SimpleQueue()
        )
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self._thread.start()

    def submit(self, record: dict[str, Any]) -> Future[None]:
        future: Future[None] = Future()
        self._queue.put((record, future))
        return future

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                batch.append(more)
            try:
                write_audit(self.database, [record for record, _ in batch])
            except Exception as exc:
                logger.exception("audit records could not be written")
                for _, future in batch:
                    future.set_exception(exc)
            else:
                for _, future in batch:
                    future.set_result(None)
            if stop:
                return


def read_audit(
    session: Session, *, limit: int, offset: int = 0, actor: str | None = None
) -> tuple[list[AuditRecord], int]:
    """Records newest first, and the number of records matching in total."""
    query = select(AuditRecord)
    count_query = select(func.count()).select_from(AuditRecord)
    if actor is not None:
        query = query.where(AuditRecord.actor == actor)
        count_query = count_query.where(AuditRecord.actor == actor)
    rows = session.scalars(query.order_by(AuditRecord.id.desc()).limit(limit).offset(offset))
    return list(rows), int(session.scalar(count_query) or 0)


class AuditMiddleware:
    """Pure ASGI middleware: audits every request under /v1 before answering it."""

    def __init__(self, app: ASGIApp, *, writer: Callable[[], AuditWriter]) -> None:
        self.app = app
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_v1_request(scope):
            await self.app(scope, receive, send)
            return
        failed = False
        started = False

        async def audited_send(message: Message) -> None:
            nonlocal failed, started
            state = scope.get("state", {})
            if message["type"] == "http.response.start":
                started = True
                if not (failed or state.get("audited")):
                    record = scope_audit_values(scope, message["status"])
                    try:
                        await asyncio.wrap_future(self.writer().submit(record))
                    except Exception:
                        logger.exception("audit record could not be written; answering 503")
                        failed = True
                        await send_error(send, 503, "audit log unavailable")
                        return
            if failed:
                return
            await send(message)

        try:
            await self.app(scope, receive, audited_send)
        except Exception:
            if started:
                raise  # part of the answer is out: only dropping the connection is left
            logger.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            await send_error(audited_send, 500, "internal server error")

"""The append-only audit log: who, when, what, result, for every request under /v1.

`AuditMiddleware` writes one record per request *before* the response starts: if the record
cannot be written, the caller gets 503 instead of the data, so no audited read goes
unrecorded. This module has no update or delete path; reads go through `read_audit`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio.to_thread
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth import Principal
from api.db import AuditRecord, Database, utcnow

__all__ = ["AuditMiddleware", "read_audit", "result_of", "write_audit"]

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

AUDITED_PREFIX = "/v1/"


def result_of(status_code: int) -> str:
    """A one-word outcome for a status code."""
    if status_code == 207:
        return "partial"
    if status_code < 400:
        return "ok"
    return {401: "unauthenticated", 403: "denied", 404: "not_found"}.get(
        status_code, "rejected" if status_code < 500 else "error"
    )


def write_audit(
    database: Database,
    *,
    principal: Principal | None,
    action: str,
    target: str,
    status_code: int,
) -> None:
    """Append one record and commit it."""
    record = AuditRecord(
        at=utcnow(),
        actor=principal.name if principal else "anonymous",
        key_id=principal.key_id if principal else None,
        role=principal.role.value if principal else None,
        action=action,
        target=target[:2000],
        status_code=status_code,
        result=result_of(status_code),
    )
    with database.write_session() as session:
        session.add(record)
        session.commit()


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

    def __init__(self, app: ASGIApp, *, database: Callable[[], Database]) -> None:
        self.app = app
        self.database = database

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(AUDITED_PREFIX):
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        target = scope["path"] + (f"?{query}" if query else "")
        failed = False

        async def audited_send(message: Message) -> None:
            nonlocal failed
            if message["type"] == "http.response.start" and not failed:
                principal = scope.get("state", {}).get("principal")
                try:
                    await anyio.to_thread.run_sync(
                        lambda: write_audit(
                            self.database(),
                            principal=principal,
                            action=scope["method"],
                            target=target,
                            status_code=message["status"],
                        )
                    )
                except Exception:
                    logger.exception("audit record could not be written; answering 503")
                    failed = True
                    body = b'{"detail":"audit log unavailable"}'
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 503,
                            "headers": [(b"content-type", b"application/json")],
                        }
                    )
                    await send({"type": "http.response.body", "body": body})
                    return
            if failed:
                return
            await send(message)

        await self.app(scope, receive, audited_send)

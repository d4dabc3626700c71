"""Pure-ASGI pieces shared by the service's middlewares (`api.audit`, `api.gate`,
`api.transport`): the message types, the client's address and a JSON error answer."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = [
    "V1_PREFIX",
    "ASGIApp",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "client_address",
    "is_v1_request",
    "send_error",
]

V1_PREFIX = "/v1/"  # what is authenticated and audited: everything but /healthz

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def is_v1_request(scope: Scope) -> bool:
    """An HTTP request under /v1: one the middlewares authenticate and audit."""
    return scope["type"] == "http" and scope["path"].startswith(V1_PREFIX)


def client_address(scope: Scope) -> str:
    """The peer's address (as the server saw it, after trusted proxy headers)."""
    client = scope.get("client")
    return str(client[0])[:64] if client else "unknown"


async def send_error(
    send: Send,
    status: int,
    detail: str,
    headers: list[tuple[bytes, bytes]] | None = None,
    *,
    close: bool = False,
) -> None:
    """Answer ``{"detail": detail}`` with `status`; `close` ends the connection after it."""
    body = json.dumps({"detail": detail}).encode()
    all_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *(headers or []),
    ]
    if close:
        all_headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body})

"""What a /v1 request passes before the app reads its body: the key, the failed-login limit and
the body size.

`KeyGate` is pure ASGI middleware inside `AuditMiddleware`, so each of its refusals is
audited like any answer. In order:

1. A key id or client address with too many recent failed logins answers 429 (its key is not
   checked; see `api.limiter`).
2. The bearer key is checked (one short read transaction, in a worker thread): a missing,
   malformed, unknown or revoked key answers 401 and counts as a failed login. So a request
   without a valid key never has its body read, let alone parsed.
3. A body over `max_body_bytes` answers 413: at once when its Content-Length says so,
   otherwise as soon as that many bytes have arrived. A body within the limit is read here
   and handed on whole.

A refusal whose body may not have been read whole closes the connection (``Connection:
close``): draining an unbounded body would cost as much as reading it.

The caller goes on the request's state (``principal`` and ``current``, where
`api.deps.get_current_user` finds them, and ``key_id_tried`` for the audit record).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

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
from api.auth import Principal, key_id_of
from api.current import Current, CurrentState
from api.db import Database
from api.limiter import FailedLogins

__all__ = ["UNAUTHENTICATED", "KeyGate", "bearer_token"]

UNAUTHENTICATED = "missing, invalid or revoked API key"


def bearer_token(scope: Scope) -> str | None:
    """The credentials of an ``Authorization: Bearer`` header, or None."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            credentials = credentials.strip()
            return credentials if scheme.lower() == "bearer" and credentials else None
    return None


def _declared_length(scope: Scope) -> int | None:
    """The Content-Length, 0 without a body, None when the length is not known (chunked)."""
    length = 0
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
        elif name == b"transfer-encoding":
            return None
    return length


class KeyGate:
    """Pure ASGI middleware: the checks above, for every request under /v1."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        database: Database,
        current: CurrentState,
        limiter: FailedLogins,
        max_body_bytes: int,
    ) -> None:
        self.app = app
        self.database = database
        self.current = current
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_v1_request(scope):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        token = bearer_token(scope)
        key_id = key_id_of(token) if token else None
        client = client_address(scope)
        state["key_id_tried"] = key_id
        length = _declared_length(scope)

        refusal = self.limiter.check(key_id=key_id, client=client)
        if refusal is not None:
            # Already on record: the first refusal of this block was audited.
            state["audited"] = not refusal.first
            detail = f"too many failed logins; retry in {refusal.retry_after_s} s"
            headers = [(b"retry-after", str(refusal.retry_after_s).encode())]
            await send_error(send, 429, detail, headers, close=self._unbounded(length))
            return

        principal, current = await run_in_threadpool(self._authenticate, token)
        if principal is None:
            self.limiter.failed(key_id=key_id, client=client)
            headers = [(b"www-authenticate", b"Bearer")]
            await send_error(send, 401, UNAUTHENTICATED, headers, close=self._unbounded(length))
            return
        state["principal"] = principal
        state["current"] = current

        if length == 0:
            await self.app(scope, receive, send)
            return
        too_large = f"the request body is over {self.max_body_bytes} bytes"
        if length is not None and length > self.max_body_bytes:
            await send_error(send, 413, too_large, [], close=True)
            return
        body = await self._read_body(receive)
        if body is None:
            await send_error(send, 413, too_large, [], close=True)
            return
        await self.app(scope, _replay(body, receive), send)

    def _unbounded(self, length: int | None) -> bool:
        return length is None or length > self.max_body_bytes

    def _authenticate(self, token: str | None) -> tuple[Principal | None, Current]:
        view = self.current
        with self.database.read_session() as session:
            current = view.refresh(session)
            principal = view.authenticate(session, token, current) if token else None
        return principal, current

    async def _read_body(self, receive: Receive) -> bytes | None:
        """The whole body, or None once it passes the limit (the rest is left unread)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: the app gets what came, then the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over `body` in one message, then the real channel's messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay

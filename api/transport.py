"""HTTP basics around the app: response headers, a header read timeout, a redacted access log.

- `SecurityHeaders` (ASGI middleware) marks every answer ``Cache-Control: no-store`` (no
  proxy or browser keeps agent data) and ``X-Content-Type-Options: nosniff``.
- `HeaderTimeoutProtocol` is uvicorn's h11 protocol with a header read timeout: a connection
  that has not sent a whole request head (request line and headers) within
  `header_timeout_s` of connecting, or of the first byte of its next request, is closed, so
  slow or silent clients cannot hold connections open.
- `RedactedAccessLog` rewrites uvicorn's access-log lines with `api.audit.redact_target`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from api.asgi import ASGIApp, Message, Receive, Scope, Send
from api.audit import redact_target

__all__ = ["SECURITY_HEADERS", "HeaderTimeoutProtocol", "RedactedAccessLog", "SecurityHeaders"]

SECURITY_HEADERS = [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]


class SecurityHeaders:
    """Pure ASGI middleware adding `SECURITY_HEADERS` to every HTTP answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(n, v) for n, v in SECURITY_HEADERS if n not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol that closes a connection slow to send a request head.

    Args:
        header_timeout_s: how long a request head may take, in seconds.
    """

    def __init__(self, *args: Any, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout_s = header_timeout_s
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._head_timer is None and self.conn.their_state is h11.IDLE:
            self._arm()  # the first bytes of a next request on a kept-alive connection
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm()  # the head is in

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timed_out)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.logger.info("closed a connection that sent no whole request head in time")
            self.transport.close()


class RedactedAccessLog(logging.Filter):
    """A filter for the ``uvicorn.access`` logger: credentials in the logged path redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn logs (client, method, path with query, http version, status).
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_target(args[2]), args[3], args[4])
        return True

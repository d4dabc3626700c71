"""Errors the service raises besides wfm's own; `api.main` maps each to one status code.

WfmError (wfm.errors)
├── NotFoundError       -> 404
├── PermissionDenied    -> 403 (the data is never sent)
└── ConflictError       -> 409 (also InfeasibleError)

Error bodies stay short whatever was sent: at most `MAX_ERRORS` problems (and their count),
each text cut to `MAX_TEXT` characters (`shorten`), and no input is echoed back.
"""

from __future__ import annotations

from wfm.errors import WfmError

__all__ = [
    "MAX_ERRORS",
    "MAX_TEXT",
    "ConflictError",
    "NotFoundError",
    "PermissionDenied",
    "shorten",
]

MAX_ERRORS = 20
MAX_TEXT = 200


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """`text` cut to `limit` characters (an ellipsis marks the cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class NotFoundError(WfmError):
    """The resource asked for does not exist."""


class PermissionDenied(WfmError):
    """The caller's role or teams do not cover the resource."""


class ConflictError(WfmError):
    """The request contradicts the current state (e.g. a forecast that is not done yet, or a
    week published since the caller read it); `reasons` names what is in the way."""

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        self.reasons = reasons or []
        super().__init__(message)

"""Errors the service raises besides wfm's own, and the one status code of every error
(`ERROR_STATUS`, `status_for`; `api.main` answers with it).

WfmError (wfm.errors)                  -> 422 (an input the engines refuse)
├── DataError, ConfigError             -> 422 (the body lists row, column, message)
├── InfeasibleError                    -> 409 (with the reasons)
├── NotFoundError                      -> 404
├── PermissionDenied                   -> 403 (the data is never sent)
└── ConflictError                      -> 409

Error bodies stay short whatever was sent: at most `MAX_ERRORS` problems (and their count),
each text cut to `MAX_TEXT` characters (`shorten`), and no input is echoed back.
"""

from __future__ import annotations

from wfm.errors import ConfigError, DataError, InfeasibleError, WfmError

__all__ = [
    "ERROR_STATUS",
    "MAX_ERRORS",
    "MAX_TEXT",
    "ConflictError",
    "NotFoundError",
    "PermissionDenied",
    "shorten",
    "status_for",
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


# The status of every error of the tree: the nearest class in its MRO decides.
ERROR_STATUS: dict[type[WfmError], int] = {
    WfmError: 422,
    DataError: 422,
    ConfigError: 422,
    InfeasibleError: 409,
    ConflictError: 409,
    NotFoundError: 404,
    PermissionDenied: 403,
}


def status_for(error: type[WfmError]) -> int:
    """The HTTP status the service answers `error` with."""
    return next(ERROR_STATUS[c] for c in error.__mro__ if c in ERROR_STATUS)

"""Errors the service raises besides wfm's own; `api.main` maps each to one status code.

WfmError (wfm.errors)
├── NotFoundError       -> 404
├── PermissionDenied    -> 403 (the data is never sent)
└── ConflictError       -> 409 (also InfeasibleError)
"""

from __future__ import annotations

from wfm.errors import WfmError

__all__ = ["ConflictError", "NotFoundError", "PermissionDenied"]


class NotFoundError(WfmError):
    """The resource asked for does not exist."""


class PermissionDenied(WfmError):
    """The caller's role or teams do not cover the resource."""


class ConflictError(WfmError):
    """The request contradicts the current state (e.g. a forecast that is not done yet)."""

"""GET /v1/audit: the audit log, newest first, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import read_audit
from api.deps import AdminUser, SessionDep
from api.schemas import AuditPublic, AuditsPublic

__all__ = ["router"]

router = APIRouter()


@router.get("", response_model=AuditsPublic)
def list_audit(
    _user: AdminUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**12)] = 0,
    actor: Annotated[str | None, Query(max_length=64)] = None,
) -> AuditsPublic:
    """Audit records (who, when, what, result), newest first; `count` is the total."""
    rows, total = read_audit(session, limit=limit, offset=offset, actor=actor)
    data = [AuditPublic.model_validate(r, from_attributes=True) for r in rows]
    return AuditsPublic(data=data, count=total)

"""GET /healthz: unauthenticated liveness + database check."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep
from api.schemas import HealthPublic

__all__ = ["router"]

router = APIRouter()


@router.get("/healthz", response_model=HealthPublic)
def healthz(session: SessionDep) -> HealthPublic:
    """The service is up and its database answers."""
    session.execute(text("SELECT 1"))
    return HealthPublic(status="ok", database=session.get_bind().dialect.name)

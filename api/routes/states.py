"""Agent states: batch ingest (idempotent by event id) and agent-level reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api import crud
from api.audit import mark_audited, request_audit_values
from api.deps import CurrentDep, IngestUser, RulesDep, ScopeDep, SessionDep, WriteSessionDep
from api.schemas import (
    IngestPublic,
    RowErrorPublic,
    StatePublic,
    StatesIngest,
    StatesPublic,
    Timestamp,
)

__all__ = ["router"]

router = APIRouter()


@router.post(
    "",
    response_model=IngestPublic,
    responses={207: {"model": IngestPublic, "description": "some rows were refused"}},
)
def ingest_states(
    payload: StatesIngest,
    _user: IngestUser,
    current: CurrentDep,
    rules: RulesDep,
    session: WriteSessionDep,
    request: Request,
    response: Response,
) -> IngestPublic:
    """Store a batch of state events; committed before the answer (200, or 207 with errors).

    For the phone system's `ingest` key (or an admin). The audit record is committed in the
    same transaction as the events.
    """
    checked = crud.check_states(
        payload.events, known_agents=current.teams_of, known_states=set(rules.mapping)
    )
    code = status.HTTP_207_MULTI_STATUS if checked.errors else status.HTTP_200_OK
    outcome = crud.store_states(session, checked, audit=request_audit_values(request, code))
    mark_audited(request)
    response.status_code = code
    return IngestPublic(
        accepted=outcome.accepted,
        duplicates=outcome.duplicates,
        errors=[RowErrorPublic(**vars(e)) for e in outcome.errors],
    )


@router.get("", response_model=StatesPublic)
def read_states(
    scope: ScopeDep,
    session: SessionDep,
    start: Annotated[Timestamp, Query(description="timestamp with a UTC offset")],
    end: Annotated[Timestamp, Query(description="timestamp with a UTC offset")],
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> StatesPublic:
    """Stored states overlapping [start, end), for the agents the caller may see."""
    rows = crud.list_states(session, start=start, end=end, agent_ids=scope.agent_ids, limit=limit)
    data = [StatePublic.model_validate(r, from_attributes=True) for r in rows]
    return StatesPublic(data=data, count=len(data))

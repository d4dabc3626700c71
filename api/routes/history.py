"""History: actual interval volumes pushed into the service, which forecast runs read."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api import crud
from api.audit import mark_audited, request_audit_values
from api.deps import HistoryUser, WriteSessionDep
from api.openapi import partly_refused
from api.schemas import HistoryIngest, HistoryIngestPublic, RowErrorPublic

__all__ = ["router"]

router = APIRouter()


@router.post("", response_model=HistoryIngestPublic, responses=partly_refused(HistoryIngestPublic))
def ingest_history(
    payload: HistoryIngest,
    _user: HistoryUser,
    session: WriteSessionDep,
    request: Request,
    response: Response,
) -> HistoryIngestPublic:
    """Store a batch of history rows; committed before the answer (200, or 207 with errors).

    For a planner, the phone system's ingest key or an admin. A row for a queue and interval
    already stored replaces it, so a resent batch changes nothing.
    """
    _, center = crud.current_center(session)
    checked = crud.check_history(payload.rows, center=center)
    code = status.HTTP_207_MULTI_STATUS if checked.errors else status.HTTP_200_OK
    accepted, duplicates = crud.store_history(
        session, checked, audit=request_audit_values(request, code)
    )
    mark_audited(request)
    response.status_code = code
    return HistoryIngestPublic(
        accepted=accepted,
        duplicates=duplicates,
        errors=[RowErrorPublic(**vars(e)) for e in checked.errors],
    )

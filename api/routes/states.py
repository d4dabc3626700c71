"""Agent states: batch ingest (idempotent by event id) and agent-level reads, page by page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api import crud
from api.audit import mark_audited, request_audit_values
from api.deps import CurrentDep, IngestUser, RulesDep, ScopeDep, SessionDep, WriteSessionDep
from api.openapi import partly_refused
from api.schemas import (
    IngestPublic,
    RowErrorPublic,
    StatePublic,
    StatesIngest,
    StatesPublic,
    Timestamp,
)
from wfm.errors import DataError, DataIssue

__all__ = ["decode_cursor", "encode_cursor", "router"]

router = APIRouter()

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"(-?\d{1,19})\.(\d{1,19})")


def encode_cursor(start: dt.datetime, row_id: int) -> str:
    """The position after a state: its start (µs since 1970, UTC) and row id."""
    return f"{(start - EPOCH) // dt.timedelta(microseconds=1)}.{row_id}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    """The (start, id) of `encode_cursor`.

    Raises:
        DataError: `cursor` is not one this route handed out.
    """
    match = _CURSOR.fullmatch(cursor)
    if match is not None:
        try:
            return EPOCH + dt.timedelta(microseconds=int(match[1])), int(match[2])
        except OverflowError:
            pass
    raise DataError("query", [DataIssue(None, "cursor", "not a cursor of this route")])


@router.post("", response_model=IngestPublic, responses=partly_refused(IngestPublic))
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
    end: Annotated[Timestamp, Query(description="timestamp with a UTC offset, after start")],
    limit: Annotated[int, Query(ge=1, le=100_000, description="states per page")] = 10_000,
    cursor: Annotated[
        str | None, Query(max_length=64, description="`next_cursor` of the previous page")
    ] = None,
) -> StatesPublic:
    """Stored states in [start, end) for the agents the caller may see, by start, one page
    at a time: a state with an end is in every window it overlaps, an open one (no end) in
    the window holding its start. Ask again with `cursor` = `next_cursor` (and the same
    query) for the next page; each state comes once across the pages."""
    if end <= start:
        raise DataError("query", [DataIssue(None, "end", "end must be after start")])
    after = decode_cursor(cursor) if cursor is not None else None
    rows, more = crud.list_states(
        session, start=start, end=end, agent_ids=scope.agent_ids, limit=limit, after=after
    )
    data = [StatePublic.model_validate(r, from_attributes=True) for r in rows]
    next_cursor = encode_cursor(rows[-1].start, rows[-1].id) if more else None
    return StatesPublic(data=data, count=len(data), next_cursor=next_cursor)

"""Center configuration and roster: everyone reads, an admin replaces."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import ValidationError

from api import crud
from api.deps import AdminUser, ReaderUser, ScopeDep, SessionDep, WriteSessionDep
from api.errors import MAX_ERRORS
from api.openapi import CONFLICT
from api.schemas import CenterPublic, RosterAgentIn, RosterPublic, RosterReplace
from wfm.center import Center
from wfm.errors import DataError, DataIssue

__all__ = ["router"]

router = APIRouter()

# Stored as sent; the OpenAPI document gives it Center's schema (api.openapi).
CenterBody = Annotated[
    dict[str, Any],
    Body(description="the center configuration, same shape as the center YAML file"),
]


def _validated_center(body: dict[str, Any]) -> Center:
    try:
        return Center.model_validate(body)
    except ValidationError as exc:
        issues = [
            DataIssue(
                None,
                ".".join(str(p) for p in err["loc"]) or None,
                err["msg"].removeprefix("Value error, "),
            )
            for err in exc.errors()[:MAX_ERRORS]
        ]
        raise DataError("center", issues) from None


@router.get("/center", response_model=CenterPublic)
def read_center(_user: ReaderUser, session: SessionDep) -> CenterPublic:
    """The current center configuration."""
    row, _ = crud.current_center(session)
    return CenterPublic(
        version=row.version, updated_at=row.updated_at, updated_by=row.updated_by, center=row.body
    )


@router.put("/center", response_model=CenterPublic, responses=CONFLICT)
def replace_center(body: CenterBody, user: AdminUser, session: WriteSessionDep) -> CenterPublic:
    """Replace the center configuration (validated like the YAML file; unknown fields
    refused). 409 if the current roster or a supervisor key names a team, contract or queue
    it drops."""
    center = _validated_center(body)
    row = crud.replace_center(session, body=body, center=center, by=user.name)
    return CenterPublic(
        version=row.version, updated_at=row.updated_at, updated_by=row.updated_by, center=row.body
    )


@router.get("/roster", response_model=RosterPublic)
def read_roster(scope: ScopeDep, session: SessionDep) -> RosterPublic:
    """The current roster, limited to the agents the caller may see."""
    version, agents = crud.current_roster(session)
    visible = [a for a in agents if scope.agent_ids is None or a.agent_id in scope.agent_ids]
    data = [RosterAgentIn.model_validate(a.body) for a in visible]
    return RosterPublic(
        version=version.version,
        updated_at=version.updated_at,
        updated_by=version.updated_by,
        data=data,
        count=len(data),
    )


@router.put("/roster", response_model=RosterPublic)
def replace_roster(
    payload: RosterReplace, user: AdminUser, session: WriteSessionDep
) -> RosterPublic:
    """Replace the roster as a whole; every agent must name a team, contract and queues of the
    center."""
    _, center = crud.current_center(session)
    version = crud.replace_roster(session, agents=payload.agents, center=center, by=user.name)
    return RosterPublic(
        version=version.version,
        updated_at=version.updated_at,
        updated_by=version.updated_by,
        data=payload.agents,
        count=len(payload.agents),
    )

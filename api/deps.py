"""Dependencies: sessions, settings, the caller, role checks and team scoping.

The key is checked before the body is read, by `api.gate.KeyGate` (401), which puts the
caller on ``request.state.principal`` (for the audit log too); authorization fails *inside*
these dependencies (403), so route handlers never re-check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request, status
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.auth import Principal, Role
from api.current import Current
from api.db import Database
from api.errors import NotFoundError, PermissionDenied
from api.gate import UNAUTHENTICATED
from wfm.adherence import AdherenceRules
from wfm.center import Center
from wfm.settings import Settings

__all__ = [
    "AdminUser",
    "AgentScope",
    "CenterDep",
    "CurrentDep",
    "CurrentUser",
    "DatabaseDep",
    "HistoryUser",
    "IngestUser",
    "ManagerUser",
    "PlannerUser",
    "ReaderUser",
    "RulesDep",
    "ScopeDep",
    "SessionDep",
    "SettingsDep",
    "WriteSessionDep",
    "reject_unknown_query",
    "require_roles",
]

_bearer = HTTPBearer(auto_error=False, description="an API key made by `wfm users add`")


# Dependencies that only read app state are `async`: a sync one costs a thread hop each.
async def get_database(request: Request) -> Database:
    return request.app.state.database


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_session(database: DatabaseDep) -> Iterator[Session]:
    with database.read_session() as session:
        yield session


def get_write_session(database: DatabaseDep) -> Iterator[Session]:
    with database.write_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
WriteSessionDep = Annotated[Session, Depends(get_write_session, scope="function")]


async def get_current_user(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller `KeyGate` authenticated (the bearer scheme is declared here for the OpenAPI
    document); 401 if the gate let none through, which it never does under /v1."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, UNAUTHENTICATED, headers={"WWW-Authenticate": "Bearer"}
        )
    return principal


CurrentUser = Annotated[Principal, Depends(get_current_user)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets only the given roles through (403 for the others)."""
    allowed = frozenset(roles)

    async def check(user: CurrentUser) -> Principal:
        if user.role not in allowed:
            raise PermissionDenied(f"role {user.role} may not do this")
        return user

    return check


AdminUser = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
PlannerUser = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.ADMIN))]
ManagerUser = Annotated[Principal, Depends(require_roles(Role.MANAGER, Role.ADMIN))]
IngestUser = Annotated[Principal, Depends(require_roles(Role.INGEST, Role.ADMIN))]
HistoryUser = Annotated[Principal, Depends(require_roles(Role.PLANNER, Role.INGEST, Role.ADMIN))]
ReaderUser = Annotated[
    Principal,
    Depends(require_roles(Role.PLANNER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)),
]


@dataclass(frozen=True)
class AgentScope:
    """The agents a request may see: None means every agent (unscoped roles, no filter)."""

    agent_ids: set[str] | None
    teams_of: dict[str, str]
    team: str | None = None
    agent_id: str | None = None


def resolve_scope(
    user: Principal, teams_of: dict[str, str], *, team: str | None, agent_id: str | None
) -> AgentScope:
    """Narrow a request to agents, enforcing a supervisor's teams.

    Raises:
        PermissionDenied: a supervisor asks for another team or an agent outside its teams.
        NotFoundError: an unscoped caller names an unknown agent or a team without agents.
    """
    if agent_id is not None:
        agent_team = teams_of.get(agent_id)
        if user.is_scoped and agent_team not in user.teams:
            raise PermissionDenied("this agent is not in one of your teams")
        if agent_team is None:
            raise NotFoundError(f"agent {agent_id} is not in the roster")
        if team is not None and agent_team != team:
            raise NotFoundError(f"agent {agent_id} is not in team {team}")
        return AgentScope({agent_id}, teams_of, team=team, agent_id=agent_id)
    if team is not None:
        if user.is_scoped and team not in user.teams:
            raise PermissionDenied(f"team {team} is not one of your teams")
        members = {a for a, t in teams_of.items() if t == team}
        if not members and not user.is_scoped:
            raise NotFoundError(f"team {team} has no agents in the roster")
        return AgentScope(members, teams_of, team=team)
    if user.is_scoped:
        return AgentScope({a for a, t in teams_of.items() if t in user.teams}, teams_of)
    return AgentScope(None, teams_of)


async def get_current(request: Request, _user: CurrentUser) -> Current:
    """The center and roster view read while authenticating this request (`KeyGate`)."""
    return request.state.current


CurrentDep = Annotated[Current, Depends(get_current)]


async def get_scope(
    user: ReaderUser,
    current: CurrentDep,
    team: Annotated[str | None, Query(max_length=64)] = None,
    agent_id: Annotated[str | None, Query(max_length=64)] = None,
) -> AgentScope:
    return resolve_scope(user, current.teams_of, team=team, agent_id=agent_id)


ScopeDep = Annotated[AgentScope, Depends(get_scope)]


async def get_center(current: CurrentDep) -> Center:
    """The current center configuration (404 until an admin has set one)."""
    return current.center


async def get_rules(request: Request) -> AdherenceRules:
    return request.app.state.adherence_rules


CenterDep = Annotated[Center, Depends(get_center)]
RulesDep = Annotated[AdherenceRules, Depends(get_rules)]


def _declared_query_params(route: APIRoute) -> frozenset[str]:
    # Kept on the route (routes are unhashable): the dependency tree is fixed once built.
    names = getattr(route, "_wfm_query_params", None)
    if names is None:
        found: set[str] = set()
        pending: list[Dependant] = [route.dependant]
        while pending:
            dependant = pending.pop()
            found.update(param.alias for param in dependant.query_params)
            pending.extend(dependant.dependencies)
        names = frozenset(found)
        route._wfm_query_params = names  # type: ignore[attr-defined]
    return names


async def reject_unknown_query(request: Request) -> None:
    """Refuse query parameters a route does not declare (strict input, like the bodies)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - _declared_query_params(route))
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": "unknown query parameter",
                }
                for name in unknown
            ]
        )

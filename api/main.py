"""The app factory: `create_app(settings)` wires the database, routers, middlewares and errors.

Middlewares, outermost first: `SecurityHeaders` (api.transport), `AuditMiddleware`
(api.audit), `KeyGate` (api.gate: key, failed-login limit, body size), then the routes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api import migrate
from api.audit import AuditMiddleware, AuditWriter
from api.crud import STATE_LOOKBACK
from api.current import CurrentState
from api.db import open_database
from api.deps import get_current_user, reject_unknown_query
from api.errors import (
    MAX_ERRORS,
    ConflictError,
    NotFoundError,
    PermissionDenied,
    shorten,
    status_for,
)
from api.gate import KeyGate
from api.jobs import ForecastJobs
from api.limiter import FailedLogins
from api.openapi import ERROR_RESPONSES, NOT_FOUND, build_openapi
from api.recent_states import RecentStates
from api.routes import (
    adherence,
    audit,
    board,
    capacity,
    config,
    forecasts,
    health,
    history,
    intraday,
    schedules,
    states,
)
from api.snapshots import SnapshotCache
from api.transport import SecurityHeaders
from wfm.adherence import load_rules
from wfm.errors import ConfigError, DataError, DataIssue, InfeasibleError, WfmError
from wfm.settings import Settings

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def _issues(issues: list[DataIssue], source: str, status: int = 422) -> JSONResponse:
    detail = [
        {"row": i.row, "column": i.column and shorten(i.column), "message": shorten(i.message)}
        for i in issues[:MAX_ERRORS]
    ]
    body = {"detail": detail, "source": source, "count": len(issues)}
    return JSONResponse(body, status_code=status)


def _lines(exc: Exception) -> list[DataIssue]:
    return [DataIssue(None, None, line) for line in str(exc).splitlines()]


def _register_error_handlers(app: FastAPI) -> None:
    async def invalid_request(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        detail = [
            {
                "type": err["type"],
                "loc": [shorten(p, 64) if isinstance(p, str) else p for p in err["loc"]],
                "msg": shorten(err["msg"]),
            }
            for err in errors[:MAX_ERRORS]
        ]
        return JSONResponse({"detail": detail, "count": len(errors)}, status_code=422)

    async def data_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DataError)
        errors = [i for i in exc.issues if i.severity == "error"]
        return _issues(errors, str(exc.path or ""), status_for(type(exc)))

    async def config_error(_request: Request, exc: Exception) -> JSONResponse:
        return _issues(_lines(exc), "center", status_for(type(exc)))

    async def not_found(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(type(exc)))

    async def denied(_request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=status_for(type(exc)))

    async def conflict(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InfeasibleError | ConflictError)
        reasons = [shorten(r) for r in exc.reasons[:MAX_ERRORS]]
        return JSONResponse(
            {"detail": str(exc), "reasons": reasons}, status_code=status_for(type(exc))
        )

    async def other(_request: Request, exc: Exception) -> JSONResponse:
        return _issues(_lines(exc), "", status_for(type(exc)))

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(DataError, data_error)
    app.add_exception_handler(ConfigError, config_error)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(PermissionDenied, denied)
    app.add_exception_handler(InfeasibleError, conflict)
    app.add_exception_handler(ConflictError, conflict)
    app.add_exception_handler(WfmError, other)


def create_app(settings: Settings) -> FastAPI:
    """Build the service for `settings` (nothing is read from the environment here)."""
    database = open_database(settings.database_url, busy_timeout_s=settings.sqlite_busy_timeout_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auto_migrate:
            migrate.upgrade(database)
        app.state.audit_writer = AuditWriter(database)
        app.state.forecast_jobs = ForecastJobs(database, settings)
        try:
            yield
        finally:
            app.state.forecast_jobs.close()
            app.state.audit_writer.close()
            database.dispose()

    app = FastAPI(
        title="wfm",
        summary="Workforce management for medical contact centers",
        version="0.1.0",
        lifespan=lifespan,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.adherence_rules = load_rules(settings.adherence_rules_path)
    app.state.snapshots = SnapshotCache(settings.realtime_cache_s)
    app.state.current = CurrentState()
    app.state.recent_states = RecentStates(adherence.REALTIME_LOOKBACK + STATE_LOOKBACK)
    app.state.morning_forecasts = intraday.MorningForecasts()
    app.state.intraday_views = SnapshotCache(intraday.INTRADAY_CACHE_S)
    app.state.intraday_lock = asyncio.Lock()
    _register_error_handlers(app)
    limiter = FailedLogins(
        max_failures=settings.login_failures_max, window_s=settings.login_failure_window_s
    )
    app.add_middleware(
        KeyGate,
        database=database,
        current=app.state.current,
        limiter=limiter,
        max_body_bytes=settings.max_body_bytes,
    )
    app.add_middleware(AuditMiddleware, writer=lambda: app.state.audit_writer)
    app.add_middleware(SecurityHeaders)

    v1 = APIRouter(
        prefix="/v1",
        dependencies=[Depends(get_current_user), Depends(reject_unknown_query)],
        responses=ERROR_RESPONSES,
    )
    v1.include_router(states.router, prefix="/states", tags=["agent states"], responses=NOT_FOUND)
    v1.include_router(
        schedules.router, prefix="/schedules", tags=["schedules"], responses=NOT_FOUND
    )
    v1.include_router(history.router, prefix="/history", tags=["history"])
    v1.include_router(config.router, tags=["center and roster"], responses=NOT_FOUND)
    v1.include_router(
        adherence.router, prefix="/adherence", tags=["adherence"], responses=NOT_FOUND
    )
    v1.include_router(
        forecasts.router, prefix="/forecasts", tags=["forecasts"], responses=NOT_FOUND
    )
    v1.include_router(capacity.router, prefix="/capacity", tags=["capacity"], responses=NOT_FOUND)
    v1.include_router(audit.router, prefix="/audit", tags=["audit"])
    v1.include_router(intraday.router, prefix="/intraday", tags=["intraday"])

    @v1.get("/openapi.json", tags=["health"], include_in_schema=False)
    def openapi_document() -> dict[str, Any]:
        """The OpenAPI document of this service (any valid key)."""
        return app.openapi()

    app.include_router(health.router, tags=["health"])
    app.include_router(board.router, include_in_schema=False)
    app.include_router(v1)
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app

"""Operations behind the `wfm serve`, `wfm users` and `wfm db` commands."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from api import auth, crud, migrate
from api.db import ApiKey, open_database
from api.errors import NotFoundError
from api.main import create_app
from api.transport import HeaderTimeoutProtocol, RedactedAccessLog
from wfm.settings import Settings

__all__ = ["NewKey", "add_user", "list_users", "revoke_user", "serve", "upgrade_database"]


@dataclass(frozen=True)
class NewKey:
    """A key just created: `token` is shown once and never stored."""

    name: str
    key_id: str
    role: str
    teams: list[str]
    token: str


def upgrade_database(settings: Settings) -> str:
    """Apply pending migrations; returns the database URL (password hidden)."""
    database = open_database(settings.database_url)
    try:
        migrate.upgrade(database)
        return database.engine.url.render_as_string(hide_password=True)
    finally:
        database.dispose()


def add_user(settings: Settings, *, name: str, role: str, teams: list[str]) -> NewKey:
    """Create an API key for a user (the schema is brought up to date first); a supervisor's
    teams must be teams of the current center, once there is one."""
    database = open_database(settings.database_url)
    try:
        migrate.upgrade(database)
        with database.write_session() as session:
            try:
                known_teams: set[str] | None = {t.id for t in crud.current_center(session)[1].teams}
            except NotFoundError:
                known_teams = None
            row, token = auth.create_key(
                session, name=name, role=role, teams=teams, known_teams=known_teams
            )
            return NewKey(row.name, row.key_id, row.role, list(row.teams), token)
    finally:
        database.dispose()


def revoke_user(settings: Settings, *, name_or_key_id: str) -> int:
    """Revoke a user's live keys (or one key by id); returns how many were revoked."""
    database = open_database(settings.database_url)
    try:
        migrate.upgrade(database)
        with database.write_session() as session:
            return auth.revoke_keys(session, name_or_key_id=name_or_key_id)
    finally:
        database.dispose()


def list_users(settings: Settings) -> list[ApiKey]:
    """Every key (no secrets: they are not stored)."""
    database = open_database(settings.database_url)
    try:
        migrate.upgrade(database)
        with database.read_session() as session:
            return auth.list_keys(session)
    finally:
        database.dispose()


def serve(settings: Settings, *, host: str, port: int, access_log: bool = True) -> None:
    """Run the service under uvicorn until interrupted (h11 with a header read timeout; the
    access log redacts credentials)."""
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        http=functools.partial(HeaderTimeoutProtocol, header_timeout_s=settings.header_timeout_s),
        access_log=access_log,
        log_level="info",
        server_header=False,
    )
    logging.getLogger("uvicorn.access").addFilter(RedactedAccessLog())
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise SystemExit(STARTUP_FAILURE)  # as uvicorn.run: the port was taken, say

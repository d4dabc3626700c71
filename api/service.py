"""Operations behind the `wfm serve`, `wfm users` and `wfm db` commands."""

from __future__ import annotations

from dataclasses import dataclass

import uvicorn

from api import auth, migrate
from api.db import ApiKey, open_database
from api.main import create_app
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
    """Create an API key for a user (the schema is brought up to date first)."""
    database = open_database(settings.database_url)
    try:
        migrate.upgrade(database)
        with database.write_session() as session:
            row, token = auth.create_key(session, name=name, role=role, teams=teams)
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
    """Run the service under uvicorn until interrupted."""
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        access_log=access_log,
        log_level="info",
        server_header=False,
    )

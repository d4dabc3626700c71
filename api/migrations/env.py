"""Alembic environment: runs against the connection handed over by api.migrate (or a URL)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from api.db import Base, normalize_url

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(normalize_url(config.get_main_option("sqlalchemy.url") or ""))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()

"""Schema migrations (Alembic), run programmatically: at app start-up or by `wfm db upgrade`."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config

from api.db import Database

__all__ = ["alembic_config", "upgrade"]

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the packaged migrations, for `url`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(database: Database, *, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (idempotent)."""
    config = alembic_config(database.url)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    logger.info("database schema at %s", revision)

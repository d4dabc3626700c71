"""`wfm db upgrade` applies the packaged Alembic migrations, and is idempotent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from api.db import Base
from wfm.cli.main import app as cli_app


def test_db_upgrade_creates_every_table_and_can_run_twice(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from api.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    path = tmp_path / "fresh.sqlite3"
    for _ in range(2):
        result = CliRunner().invoke(cli_app, ["db", "upgrade", "--db", f"sqlite:///{path}"])
        assert result.exit_code == 0, result.output
        assert "database at head" in result.output
    with sqlite3.connect(path) as conn:
        tables = {name for (name,) in conn.execute("select name from sqlite_master")}
        assert conn.execute("select version_num from alembic_version").fetchall() == [(head,)]
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)
    assert set(Base.metadata.tables) <= tables


def test_the_migrations_match_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from api import migrate
    from api.db import open_database

    database = open_database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    try:
        migrate.upgrade(database)
        with database.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        database.dispose()
    assert diff == []

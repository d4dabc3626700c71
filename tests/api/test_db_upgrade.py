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


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import os

    from api import migrate
    from api.db import open_database

    path = tmp_path / "new" / "wfm.sqlite3"
    old_umask = os.umask(0o022)  # the usual default: group and others could read
    try:
        database = open_database(f"sqlite:///{path}")
        with database.engine.connect() as conn:
            migrate.upgrade(database)
            conn.exec_driver_sql("select 1")
            files = [p for p in path.parent.iterdir() if p.name.startswith("wfm.sqlite3")]
            assert {p.name for p in files} >= {"wfm.sqlite3", "wfm.sqlite3-wal"}
            assert {p.name: p.stat().st_mode & 0o777 for p in files} == {
                p.name: 0o600 for p in files
            }
        database.dispose()
    finally:
        os.umask(old_umask)

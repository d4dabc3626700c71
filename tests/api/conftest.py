"""Fixtures of the API tests: a fresh database per test (a SQLite file, or the session's
PostgreSQL database emptied first when the `postgres` backend runs), keys per role, and the
sample center with a small roster loaded through the API."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import auth, migrate
from api.db import Base, open_database, scratch_postgres_database
from api.main import create_app
from tests.api.helpers import bearer, center_body, roster_agents
from wfm.settings import Settings

PG_ADMIN_URL = os.environ.get("WFM_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# --- backends ---------------------------------------------------------------------------


def _postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database (random name) for the session, dropped at the end."""
    if not _postgres_available():
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN_URL} (.ci/run starts one)")
    with scratch_postgres_database(PG_ADMIN_URL, prefix="wfm_test") as url:
        yield url


@pytest.fixture(scope="session")
def pg_migrated_url(pg_database_url: str) -> str:
    database = open_database(pg_database_url)
    try:
        migrate.upgrade(database)
    finally:
        database.dispose()
    return pg_database_url


def _truncate_all(url: str) -> None:
    database = open_database(url)
    try:
        # DELETE is much faster than TRUNCATE on a handful of tiny tables.
        with database.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating each time is slower)."""
    path = tmp_path_factory.mktemp("template") / "wfm.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        migrate.upgrade(database)
        with database.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.dispose()
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of one test, already migrated: a fresh SQLite file, or the session's
    PostgreSQL database emptied first."""
    if request.param == "sqlite":
        path = tmp_path / "wfm.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_migrated_url")
    _truncate_all(url)
    return url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(db_url=db_url, data_dir=tmp_path, auto_migrate=False)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def keys(client: TestClient) -> dict[str, str]:
    """A token per role; `supervisor` leads triage_a, `other_supervisor` leads sched_a."""
    database = client.app.state.database  # type: ignore[attr-defined]
    specs = {
        "admin": ("admin", []),
        "planner": ("planner", []),
        "manager": ("manager", []),
        "supervisor": ("supervisor", ["triage_a"]),
        "other_supervisor": ("supervisor", ["sched_a"]),
    }
    tokens = {}
    with database.write_session() as session:
        for name, (role, teams) in specs.items():
            _, tokens[name] = auth.create_key(session, name=name, role=role, teams=teams)
    return tokens


@pytest.fixture
def loaded(client: TestClient, keys: dict[str, str]) -> dict[str, str]:
    """The sample center and a 6-agent roster, loaded through the API."""
    admin = bearer(keys["admin"])
    assert client.put("/v1/center", json=center_body(), headers=admin).status_code == 200
    response = client.put("/v1/roster", json={"agents": roster_agents()}, headers=admin)
    assert response.status_code == 200, response.text
    return keys


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own for a live server: a new SQLite file or a new PostgreSQL
    database (random name, dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    if not _postgres_available():
        pytest.skip(f"no PostgreSQL server answers at {PG_ADMIN_URL} (.ci/run starts one)")
    with scratch_postgres_database(PG_ADMIN_URL, prefix="wfm_live") as url:
        yield url

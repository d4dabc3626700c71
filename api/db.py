"""SQLAlchemy 2 models and the engine / session factory.

One URL setting selects the database: the embedded default is a SQLite file in WAL mode
(every commit is fsynced: an acknowledged event survives a crash); PostgreSQL works through a
``postgresql://`` URL (driven by psycopg 3). Timestamps are stored in UTC and read back
timezone-aware. The schema itself is created by the Alembic migrations in ``api/migrations``.

SQLite sessions start with ``BEGIN`` (a consistent snapshot for a reader); a writer's session
starts with ``BEGIN IMMEDIATE`` so that it takes the write lock up front and waits for it
instead of failing on a stale snapshot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Dialect,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    make_url,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

__all__ = [
    "ApiKey",
    "AuditRecord",
    "Base",
    "CenterVersion",
    "Database",
    "ForecastRun",
    "HistoryInterval",
    "RosterAgent",
    "RosterVersion",
    "ScheduleRow",
    "ScheduleVersion",
    "StateEvent",
    "UtcDateTime",
    "normalize_url",
    "open_database",
    "scratch_postgres_database",
    "utcnow",
]

BigId = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend (naive UTC text inside SQLite)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: timestamps must be timezone-aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    """An API key: the secret is never stored, only a salted SHA-256 of it."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    teams: Mapped[list[str]] = mapped_column(JSON, default=list)
    salt: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)


class AuditRecord(Base):
    """One audited request. Append-only: the code has no update or delete path for it.

    `key_id` is the caller's key, or for a failed login the key id tried; `client` is the
    client address (none in records older than migration 0002)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    role: Mapped[str | None] = mapped_column(String(16), nullable=True)
    action: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text)
    status_code: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(16))
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)


class StateEvent(Base):
    """One agent state from the phone system; `event_id` makes ingest idempotent."""

    __tablename__ = "agent_states"
    __table_args__ = (
        Index("ix_agent_states_agent_start", "agent_id", "start"),
        Index("ix_agent_states_start_id", "start", "id"),  # GET /v1/states pages
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(128), unique=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    end: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class HistoryInterval(Base):
    """Actual volumes of one queue x interval (the history table, README Tables), pushed by
    the planner or the phone system; forecast runs read them."""

    __tablename__ = "history_intervals"

    queue_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    interval_start: Mapped[dt.datetime] = mapped_column(UtcDateTime, primary_key=True)
    offered: Mapped[int] = mapped_column(Integer)
    handled: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int] = mapped_column(Integer)
    aht_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    service_level: Mapped[float | None] = mapped_column(Float, nullable=True)
    asa_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class ScheduleVersion(Base):
    """A published week; a later version of the same week replaces it for readers."""

    __tablename__ = "schedule_versions"
    __table_args__ = (UniqueConstraint("week_start", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    week_start: Mapped[dt.date] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    published_by: Mapped[str] = mapped_column(String(64))
    n_rows: Mapped[int] = mapped_column(Integer)


class ScheduleRow(Base):
    __tablename__ = "schedule_rows"
    __table_args__ = (Index("ix_schedule_rows_version_agent", "version_id", "agent_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("schedule_versions.id"))
    agent_id: Mapped[str] = mapped_column(String(64))
    activity: Mapped[str] = mapped_column(String(16))
    start: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    end: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    queue_id: Mapped[str | None] = mapped_column(String(64), nullable=True)


class CenterVersion(Base):
    """The center configuration as the admin sent it (re-validated on every use)."""

    __tablename__ = "center_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class RosterVersion(Base):
    __tablename__ = "roster_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


class RosterAgent(Base):
    __tablename__ = "roster_agents"
    __table_args__ = (UniqueConstraint("version_id", "agent_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("roster_versions.id"), index=True)
    agent_id: Mapped[str] = mapped_column(String(64))
    team: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class ForecastRun(Base):
    """A background forecast job: queued -> running -> done | failed."""

    __tablename__ = "forecast_runs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


def normalize_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to the psycopg 3 driver (the one installed)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Database:
    """An engine with its two session factories (readers and writers)."""

    engine: Engine
    read_session: sessionmaker[Session]
    write_session: sessionmaker[Session]

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    def dispose(self) -> None:
        self.engine.dispose()


def _create_private(path: Path) -> None:
    """Create the database file readable and writable by its owner only (SQLite gives its
    -wal and -shm files the same mode); an existing file is left as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_engine(url: str, *, busy_timeout_s: float) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        _create_private(Path(database))
    engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (pysqlite's own is too late).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def open_database(url: str, *, busy_timeout_s: float = 30.0) -> Database:
    """Create the engine and session factories for a database URL.

    Args:
        url: SQLAlchemy URL (``sqlite:///path`` or ``postgresql://...``).
        busy_timeout_s: how long a SQLite writer waits for the write lock, in seconds.
    """
    url = normalize_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        engine = _sqlite_engine(url, busy_timeout_s=busy_timeout_s)
        writer = engine.execution_options(sqlite_immediate=True)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
        writer = engine
    return Database(
        engine=engine,
        read_session=sessionmaker(engine, expire_on_commit=False),
        write_session=sessionmaker(writer, expire_on_commit=False),
    )


@contextlib.contextmanager
def scratch_postgres_database(server_url: str, *, prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on the PostgreSQL server of `server_url` (its name
    `prefix` and a random part), dropped afterwards even while connections to it are open."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

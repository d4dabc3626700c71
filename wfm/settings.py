"""Runtime settings of the wfm service, read from the environment (prefix ``WFM_``).

Use :func:`get_settings` (cached) in entry points and pass the object on explicitly; tests
build their own ``Settings(db_url=...)``. Nothing reads settings at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


class Settings(BaseSettings):
    """Service settings.

    Attributes:
        data_dir: folder for the embedded SQLite database and other local state.
        db_url: SQLAlchemy URL; empty means ``sqlite:///<data_dir>/wfm.sqlite3``. PostgreSQL
            works through the same setting, e.g. ``postgresql+psycopg://user@host/db``.
        auto_migrate: apply pending schema migrations when the app starts.
        history_path: history table (CSV / Parquet) that forecast runs read.
        drivers_path: optional drivers table for forecast runs.
        events_path: optional events table for forecast runs.
        adherence_rules_path: optional YAML of adherence rules (state mapping, grace_s);
            the engine's defaults otherwise.
        realtime_cache_s: how often the shared real-time snapshot is renewed (seconds; a
            poll may see one up to about twice this old; 0 = compute every poll).
        forecast_workers: background threads that run forecast jobs.
        sqlite_busy_timeout_s: how long a SQLite writer waits for the lock.
        max_body_bytes: the largest request body the service reads (413 above it).
        header_timeout_s: how long a connection may take to send a request's head (the
            request line and headers) before the server closes it.
        login_failures_max: failed logins allowed per key id and per client address within
            `login_failure_window_s`; more answer 429 until the oldest leaves the window.
        login_failure_window_s: the sliding window of `login_failures_max` (seconds).
    """

    model_config = SettingsConfigDict(env_prefix="WFM_", extra="ignore")

    data_dir: Path = Path("var")
    db_url: str = ""
    auto_migrate: bool = True
    history_path: Path | None = None
    drivers_path: Path | None = None
    events_path: Path | None = None
    adherence_rules_path: Path | None = None
    realtime_cache_s: float = Field(default=1.0, ge=0, le=60)
    forecast_workers: int = Field(default=1, ge=1, le=8)
    sqlite_busy_timeout_s: float = Field(default=30.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    header_timeout_s: float = Field(default=10.0, gt=0, le=300)
    login_failures_max: int = Field(default=10, ge=1)
    login_failure_window_s: float = Field(default=60.0, gt=0, le=86_400)

    @property
    def database_url(self) -> str:
        """The effective database URL (the SQLite file under ``data_dir`` by default)."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.data_dir / 'wfm.sqlite3').as_posix()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings from the environment, built once per process."""
    return Settings()

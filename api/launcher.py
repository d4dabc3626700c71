"""Run `wfm serve` in the background: start it detached, wait until it answers, stop it.

For `wfm service up` / `wfm service down` (README, A week with wfm): the server runs as its
own process (its own session, so it outlives the command), its output goes to a log file and
its process id to a pid file beside the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from wfm.errors import ServiceError
from wfm.settings import Settings

__all__ = ["Background", "is_up", "start_background", "stop_background"]


@dataclass(frozen=True)
class Background:
    """A background server: its URL, process id, and where its pid and log are."""

    url: str
    pid: int
    pid_path: Path
    log_path: Path


def is_up(url: str, *, timeout_s: float = 1.0) -> bool:
    """The service at `url` answers `/healthz` with 200."""
    try:
        return httpx.get(f"{url.rstrip('/')}/healthz", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def start_background(
    settings: Settings, *, host: str, port: int, wait_s: float = 60.0
) -> Background:
    """Start `wfm serve` detached and return once it answers `/healthz`.

    Raises:
        ServiceError: the server exited, or did not answer within `wait_s` (the log says why).
    """
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path, pid_path = data_dir / "serve.log", data_dir / "serve.pid"
    url = f"http://{host}:{port}"
    args = [sys.executable, "-m", "wfm.cli.main", "serve", "--host", host, "--port", str(port)]
    args += ["--db", settings.database_url, "--no-access-log"]
    env = {**os.environ, "WFM_DATA_DIR": str(data_dir)}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    pid_path.write_text(str(process.pid), encoding="utf-8")
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pid_path.unlink(missing_ok=True)
            raise ServiceError(
                f"the server exited at start (code {process.returncode}); see {log_path}"
            )
        if is_up(url):
            return Background(url, process.pid, pid_path, log_path)
        time.sleep(0.2)
    process.terminate()
    pid_path.unlink(missing_ok=True)
    raise ServiceError(f"the server did not answer within {wait_s:g} s; see {log_path}")


def _gone(pid: int) -> bool:
    try:
        # Reap it when this process started it (a test), else it stays a zombie.
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def stop_background(data_dir: Path, *, wait_s: float = 20.0) -> int | None:
    """Stop the background server started with this data folder.

    Returns:
        Its process id, or None when none was running.
    """
    pid_path = data_dir / "serve.pid"
    if not pid_path.exists():
        return None
    pid = int(pid_path.read_text(encoding="utf-8"))
    pid_path.unlink()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return None
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if _gone(pid):
            return pid
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return pid

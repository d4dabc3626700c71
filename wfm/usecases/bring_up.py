"""The first run: bring a service up with a center folder loaded (README, A week with wfm).

`bring_up` starts `wfm serve` in the background unless one answers already, creates one key
per role (admin, planner, manager, ingest, and a supervisor per team) as files readable by
their owner only, then loads the folder through the service's routes: the center and roster
(admin), the published schedule (planner), the agent states (ingest) and the history
(planner). Run again, it reuses the server and the keys and loads the folder again; every
load is idempotent (new versions of the center, roster and weeks; states and history stored
once).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from api import launcher
from api.service import add_user, list_users, revoke_user
from wfm.client import ServiceClient
from wfm.folder import CenterFolder
from wfm.settings import Settings
from wfm.usecases.service import (
    PublishedWeek,
    PushSummary,
    load_center_into,
    publish_schedule,
    push,
)

__all__ = ["ServiceUp", "bring_up", "key_path", "read_key"]


@dataclass
class ServiceUp:
    """What `bring_up` did.

    Attributes:
        url: the service's base URL.
        started: a server was started (False: one was already running).
        keys: user name -> the file holding its key.
        center_version, roster_version: the versions loaded.
        published: the schedule weeks published.
        states, history: what the pushes stored (None when the folder has no such table).
    """

    url: str
    started: bool
    keys: dict[str, Path] = field(default_factory=dict)
    center_version: int = 0
    roster_version: int = 0
    published: list[PublishedWeek] = field(default_factory=list)
    states: PushSummary | None = None
    history: PushSummary | None = None


def key_path(settings: Settings, user: str) -> Path:
    """Where `bring_up` keeps the key of `user`."""
    return settings.data_dir / "keys" / f"{user}.key"


def read_key(path: Path) -> str:
    """The key in a key file (one line)."""
    return path.read_text(encoding="utf-8").strip()


def _key(settings: Settings, user: str, role: str, teams: list[str]) -> Path:
    """The user's key file, the key created first when there is none."""
    path = key_path(settings, user)
    if path.exists():
        return path
    if any(k.name == user and k.revoked_at is None for k in list_users(settings)):
        revoke_user(settings, name_or_key_id=user)  # its secret is lost: a new key replaces it
    token = add_user(settings, name=user, role=role, teams=teams).token
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return path


def bring_up(
    folder: CenterFolder,
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    step: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ServiceUp:
    """Bring the service up with `folder` loaded (see the module docstring).

    Args:
        step: called with a label as each step starts.
        progress: called with (table, rows sent, rows in all) during the pushes.

    Raises:
        ConfigError, DataError: the folder is invalid (the message names file, row, column).
        ServiceError: the server does not start, or refuses a load.
    """

    def say(label: str) -> None:
        if step is not None:
            step(label)

    url = f"http://{host}:{port}"
    up = ServiceUp(url=url, started=not launcher.is_up(url))
    if up.started:
        say("starting the server")
        launcher.start_background(settings, host=host, port=port)
    center = folder.center
    up.keys["wfm-admin"] = _key(settings, "wfm-admin", "admin", [])
    with ServiceClient(url, read_key(up.keys["wfm-admin"])) as admin:
        say("loading the center and roster")
        up.center_version, up.roster_version = load_center_into(admin, folder)
    for user, role in (
        ("wfm-planner", "planner"),
        ("wfm-manager", "manager"),
        ("wfm-ingest", "ingest"),
    ):
        up.keys[user] = _key(settings, user, role, [])
    for team in center.teams:
        up.keys[f"supervisor-{team.id}"] = _key(
            settings, f"supervisor-{team.id}", "supervisor", [team.id]
        )
    with ServiceClient(url, read_key(up.keys["wfm-planner"])) as planner:
        if folder.path("schedule") is not None:
            say("publishing the schedule")
            up.published = publish_schedule(planner, folder.directory, center)
    for kind, user in (("history", "wfm-planner"), ("states", "wfm-ingest")):
        path = folder.path(kind)
        if path is None:
            continue
        say(f"pushing the {kind}")
        with ServiceClient(url, read_key(up.keys[user])) as client:
            summary = push(
                client,
                kind,  # type: ignore[arg-type]
                path,
                center,
                progress=None if progress is None else lambda d, n, k=kind: progress(k, d, n),
            )
        setattr(up, kind, summary)
    return up

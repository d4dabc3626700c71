"""What nearly every request needs, kept in memory: the center, the roster's teams, the keys.

Validating the center and reading the roster and the caller's key on every request cost more
than a real-time poll itself. `CurrentState.refresh` instead asks the database one small
question per request -- the latest center and roster version ids and the number of revoked
keys -- and reloads only what changed. So a change made by another process (an admin's PUT
through another server, `wfm users revoke`) is seen by the next request, as before.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import auth, crud
from api.auth import Principal
from api.db import ApiKey, CenterVersion, RosterVersion
from api.errors import NotFoundError
from wfm.center import Center

__all__ = ["Current", "CurrentState"]

# Bounded so that many distinct valid keys cannot grow it without limit.
MAX_CACHED_KEYS = 10_000


@dataclass(frozen=True)
class Current:
    """One consistent view of the center and roster (replaced as a whole, never mutated)."""

    center_version_id: int | None = None
    center_or_none: Center | None = None
    roster_version_id: int | None = None
    teams_of: dict[str, str] = field(default_factory=dict)
    revoked_keys: int = -1

    @property
    def center(self) -> Center:
        """The center configuration.

        Raises:
            NotFoundError: no center has been configured yet.
        """
        if self.center_or_none is None:
            raise NotFoundError("no center configuration yet; an admin PUTs /v1/center")
        return self.center_or_none


class CurrentState:
    """The in-memory `Current` view and the keys already authenticated, kept fresh."""

    def __init__(self) -> None:
        self.current = Current()
        self._principals: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> Current:
        """Bring the view up to date with the database (one query when nothing changed)."""
        center_id, roster_id, revoked = session.execute(
            select(
                select(func.max(CenterVersion.id)).scalar_subquery(),
                select(func.max(RosterVersion.id)).scalar_subquery(),
                select(func.count())
                .select_from(ApiKey)
                .where(ApiKey.revoked_at.is_not(None))
                .scalar_subquery(),
            )
        ).one()
        with self._lock:
            current = self.current
            if revoked != current.revoked_keys:
                self._principals = {}
                current = replace(current, revoked_keys=revoked)
            if center_id != current.center_version_id:
                center = crud.current_center(session)[1] if center_id is not None else None
                current = replace(current, center_version_id=center_id, center_or_none=center)
            if roster_id != current.roster_version_id:
                teams_of = crud.agent_teams(session)
                current = replace(current, roster_version_id=roster_id, teams_of=teams_of)
            self.current = current
            return current

    def authenticate(self, session: Session, token: str, seen: Current) -> Principal | None:
        """The principal of a live key, from memory when this key was seen since the last
        revocation; `seen` is what `refresh` returned in the same session."""
        # Keyed by a digest: the secret itself is not kept in memory between requests.
        digest = hashlib.sha256(token.encode()).hexdigest()
        principal = self._principals.get(digest)
        if principal is not None:
            return principal
        principal = auth.authenticate(session, token)
        if principal is not None:
            with self._lock:
                # A revocation seen by a newer request may postdate this session's reads.
                if seen.revoked_keys != self.current.revoked_keys:
                    return principal
                if len(self._principals) >= MAX_CACHED_KEYS:
                    self._principals = {}
                self._principals[digest] = principal
        return principal

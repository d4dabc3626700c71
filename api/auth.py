"""API keys: created once, stored hashed, checked in constant time, revocable.

A key reads ``wfm_<key_id>_<secret>``: the key id (public, 12 hex digits) finds the row; the
secret (32 random bytes, URL-safe) is never stored, only ``sha256(salt || secret)`` with a
per-key random salt. A high-entropy secret needs no slow hash; the salt keeps equal secrets
(there are none in practice) from sharing a digest. Nothing here logs a key or a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db import ApiKey, utcnow
from wfm.errors import WfmError

__all__ = [
    "ApiKeyError",
    "Principal",
    "Role",
    "authenticate",
    "create_key",
    "key_id_of",
    "list_keys",
    "revoke_keys",
]

TOKEN_PREFIX = "wfm"
_KEY_ID = re.compile(r"[0-9a-f]{1,32}")


class Role(StrEnum):
    """The four roles of people, and `ingest` for the phone system: it may only push agent
    states (POST /v1/states), so the key stored on that machine reads nothing and changes
    nothing else -- an admin key there would expose every agent and the audit log."""

    PLANNER = "planner"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"
    INGEST = "ingest"


class ApiKeyError(WfmError):
    """An API key cannot be created or revoked as asked."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's user name, key id, role and (supervisors) teams."""

    name: str
    key_id: str
    role: Role
    teams: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_scoped(self) -> bool:
        """True when the caller sees only the agents of its own teams."""
        return self.role is Role.SUPERVISOR


def _digest(salt_hex: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt_hex) + secret.encode()).hexdigest()


def create_key(
    session: Session,
    *,
    name: str,
    role: str,
    teams: list[str] | None = None,
    known_teams: set[str] | None = None,
) -> tuple[ApiKey, str]:
    """Create a key for user `name`; returns the row and the token, which is shown once.

    A name is one user: it may hold several live keys (to rotate them), all with the same
    role and teams.

    Args:
        known_teams: the teams of the current center, when there is one; a supervisor's
            teams must be among them.

    Raises:
        ApiKeyError: unknown role, a supervisor without teams or with a team the center does
            not have, teams given to another role, or a name whose live keys have another
            role or other teams.
    """
    try:
        role_value = Role(role)
    except ValueError:
        raise ApiKeyError(f"unknown role {role!r}; use one of {', '.join(Role)}") from None
    teams = sorted(set(teams or []))
    if role_value is Role.SUPERVISOR and not teams:
        raise ApiKeyError("a supervisor key needs at least one --team")
    if role_value is not Role.SUPERVISOR and teams:
        raise ApiKeyError("only supervisor keys are scoped to teams")
    unknown = sorted(set(teams) - known_teams) if known_teams is not None else []
    if unknown:
        raise ApiKeyError(f"team(s) {', '.join(unknown)} are not teams of the current center")
    if not name.strip() or len(name) > 64:
        raise ApiKeyError("a user name must be 1 to 64 characters")
    live = session.scalars(select(ApiKey).where(ApiKey.name == name, ApiKey.revoked_at.is_(None)))
    for other in live:
        if other.role != role_value.value or sorted(other.teams) != teams:
            raise ApiKeyError(
                f"user {name!r} already has a live {other.role} key (key id {other.key_id}) "
                "with another role or other teams; a name is one user: choose another name, "
                "or revoke that key first"
            )
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    row = ApiKey(
        key_id=key_id,
        name=name,
        role=role_value.value,
        teams=teams,
        salt=salt,
        secret_hash=_digest(salt, secret),
        created_at=utcnow(),
    )
    session.add(row)
    session.commit()
    return row, f"{TOKEN_PREFIX}_{key_id}_{secret}"


def key_id_of(token: str) -> str | None:
    """The key id a token names, if it is shaped like one of ours (even when it is not valid:
    the audit log and the failed-login limit record the key id tried)."""
    parts = token.split("_", 2)
    if len(parts) == 3 and parts[0] == TOKEN_PREFIX and parts[2] and _KEY_ID.fullmatch(parts[1]):
        return parts[1]
    return None


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal a bearer token belongs to, or None (malformed, unknown, revoked)."""
    key_id = key_id_of(token)
    if key_id is None:
        return None
    row = session.scalars(select(ApiKey).where(ApiKey.key_id == key_id)).one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(_digest(row.salt, token.split("_", 2)[2]), row.secret_hash):
        return None
    return Principal(
        name=row.name, key_id=row.key_id, role=Role(row.role), teams=frozenset(row.teams)
    )


def revoke_keys(session: Session, *, name_or_key_id: str) -> int:
    """Revoke every live key of a user name, or the one key with that key id.

    Returns:
        The number of keys revoked.

    Raises:
        ApiKeyError: no live key matches.
    """
    matches = (ApiKey.name == name_or_key_id) | (ApiKey.key_id == name_or_key_id)
    result = session.execute(
        update(ApiKey).where(matches, ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    session.commit()
    if result.rowcount == 0:
        raise ApiKeyError(f"no live key for {name_or_key_id!r}")
    return result.rowcount


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, live or revoked, oldest first (secrets are not stored, so none shown)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))

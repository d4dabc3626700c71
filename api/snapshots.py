"""A short-lived, single-flight cache for real-time snapshots, and the snapshot it holds.

Many supervisors poll their teams every few seconds; one snapshot of the whole center per
`realtime_cache_s` serves them all, and concurrent misses wait for the one computation
instead of repeating it. Once a snapshot has expired, a background thread recomputes it and
pollers are served the expired one meanwhile (if it expired less than `ttl_s` ago), so no
poller waits for a recomputation in steady state: a snapshot is at most about two periods
old. Each caller's cut of a snapshot (its agents) is encoded to JSON once. A request that
names its instant (`at=`) bypasses both.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import polars as pl

from api.schemas import RealtimePublic, RealtimeRowPublic

__all__ = ["CenterSnapshot", "SnapshotCache", "encode_realtime"]

T = TypeVar("T")

logger = logging.getLogger(__name__)


def _in_thread(work: Callable[[], None]) -> None:
    threading.Thread(target=work, name="snapshot-refresh", daemon=True).start()


class SnapshotCache(Generic[T]):
    """Results kept for `ttl_s` seconds per key; 0 disables caching.

    An entry that expired less than `ttl_s` ago is still served while one background
    refresh (started by `spawn`) replaces it; an older or missing one is computed by the
    caller, once across threads.
    """

    def __init__(
        self,
        ttl_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        spawn: Callable[[Callable[[], None]], None] = _in_thread,
    ) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._spawn = spawn
        self._entries: dict[Hashable, tuple[float, T]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def peek(self, key: Hashable) -> T | None:
        """The value for `key` if cached and fresh, without waiting for any lock."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > self._clock() else None

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for `key` if fresh or refreshing, else `compute()` (once)."""
        if self.ttl_s <= 0:
            return compute()
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and entry[0] > now:
            return entry[1]
        if entry is not None and entry[0] + self.ttl_s > now:
            if lock.acquire(blocking=False):
                self._spawn(lambda: self._refresh(key, compute, lock))
            return entry[1]
        with lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > self._clock():
                return entry[1]
            return self._store(key, compute())

    def _refresh(self, key: Hashable, compute: Callable[[], T], lock: threading.Lock) -> None:
        try:
            self._store(key, compute())
        except Exception:
            # The stale entry ages out and the next caller computes (and sees the error).
            logger.exception("refreshing a cached snapshot failed")
        finally:
            lock.release()

    def _store(self, key: Hashable, value: T) -> T:
        with self._guard:
            now = self._clock()
            self._entries = {k: e for k, e in self._entries.items() if e[0] + self.ttl_s > now}
            self._entries[key] = (now + self.ttl_s, value)
        return value


def encode_realtime(at: dt.datetime, frame: pl.DataFrame) -> bytes:
    """The JSON body of `RealtimePublic` for a snapshot frame (REALTIME_COLUMNS)."""
    data = [RealtimeRowPublic(**row) for row in frame.to_dicts()]
    return RealtimePublic(at=at, data=data, count=len(data)).model_dump_json().encode()


class CenterSnapshot:
    """A real-time snapshot of every agent at `at`, and its encoded cuts by agent set."""

    def __init__(self, at: dt.datetime, frame: pl.DataFrame) -> None:
        self.at = at
        self.frame = frame
        self._bodies: dict[frozenset[str] | None, bytes] = {}

    def encoded(self, agents: frozenset[str] | None) -> bytes | None:
        """The JSON body for these agents if already encoded."""
        return self._bodies.get(agents)

    def body(self, agents: frozenset[str] | None) -> bytes:
        """The JSON body for these agents (None: all), in the snapshot's worst-first order."""
        body = self._bodies.get(agents)
        if body is None:
            frame = self.frame
            if agents is not None:
                frame = frame.filter(pl.col("agent_id").is_in(list(agents)))
            # Threads racing here encode the same bytes; either may be kept.
            body = self._bodies[agents] = encode_realtime(self.at, frame)
        return body

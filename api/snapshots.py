"""A short-lived, single-flight cache for real-time snapshots.

Many supervisors poll the same team every few seconds; one snapshot per team and
`realtime_cache_s` serves them all, and concurrent misses for one key wait for the one
computation instead of repeating it. A request that names its instant (`at=`) bypasses it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["SnapshotCache"]

T = TypeVar("T")


class SnapshotCache(Generic[T]):
    """Results kept for `ttl_s` seconds per key; 0 disables caching."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[Hashable, tuple[float, T]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for `key` if fresh, else `compute()` (once across threads)."""
        if self.ttl_s <= 0:
            return compute()
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            now = time.monotonic()
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                return entry[1]
            value = compute()
            with self._guard:
                self._entries = {k: e for k, e in self._entries.items() if e[0] > now}
                self._entries[key] = (time.monotonic() + self.ttl_s, value)
            return value

"""Failed logins counted per key id and per client address over a sliding window.

After `max_failures` failed logins within `window_s`, a key id or a client address is
blocked: its requests answer 429 without their key being checked, until the oldest failure
leaves the window. A blocked request adds no failure, so a guesser gets `max_failures`
tries per window. Only the first refusal of each block is worth an audit record (`Refusal.
first`): the rest would let anyone grow the audit table at network speed.

The counts live in this server process (one limiter per `create_app`) and are bounded:
past `max_tracked` subjects the ones that failed least recently are forgotten.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["FailedLogins", "Refusal"]

Subject = tuple[str, str]  # ("key", key_id) or ("client", address)


@dataclass(frozen=True)
class Refusal:
    """A blocked request: when to retry, and whether it is the first refusal of its block."""

    retry_after_s: int
    first: bool


@dataclass
class _Failures:
    times: deque[float] = field(default_factory=deque)
    refused: bool = False  # this block has been refused (and audited) once


class FailedLogins:
    """Failed-login counts; used from the event loop only (no locking).

    Args:
        max_failures: failures allowed within the window per key id and per client.
        window_s: the sliding window, in seconds.
        clock: monotonic seconds (tests pass their own).
        max_tracked: subjects remembered at most.
    """

    def __init__(
        self,
        *,
        max_failures: int,
        window_s: float,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = 100_000,
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self.max_tracked = max_tracked
        self._clock = clock
        self._subjects: OrderedDict[Subject, _Failures] = OrderedDict()

    def __len__(self) -> int:
        """The key ids and client addresses remembered."""
        return len(self._subjects)

    def check(self, *, key_id: str | None, client: str) -> Refusal | None:
        """The refusal for a request naming `key_id` from `client`, or None to let it try."""
        now = self._clock()
        waits: list[float] = []
        first = False
        for subject in _subjects(key_id, client):
            failures = self._subjects.get(subject)
            if failures is None:
                continue
            self._expire(failures, now)
            if len(failures.times) >= self.max_failures:
                waits.append(failures.times[0] + self.window_s - now)
                first = first or not failures.refused
                failures.refused = True
        if not waits:
            return None
        return Refusal(retry_after_s=max(1, math.ceil(max(waits))), first=first)

    def failed(self, *, key_id: str | None, client: str) -> None:
        """Count one failed login for the key id tried (if any) and the client."""
        now = self._clock()
        for subject in _subjects(key_id, client):
            failures = self._subjects.pop(subject, None) or _Failures()
            self._expire(failures, now)
            failures.times.append(now)
            self._subjects[subject] = failures  # most recent last
        while len(self._subjects) > self.max_tracked:
            self._subjects.popitem(last=False)

    def _expire(self, failures: _Failures, now: float) -> None:
        while failures.times and failures.times[0] <= now - self.window_s:
            failures.times.popleft()
        if len(failures.times) < self.max_failures:
            failures.refused = False


def _subjects(key_id: str | None, client: str) -> list[Subject]:
    return [("key", key_id), ("client", client)] if key_id else [("client", client)]

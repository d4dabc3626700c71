"""The real-time snapshot cache: one computation per key while fresh, none kept at ttl 0."""

from __future__ import annotations

import threading

from api.snapshots import SnapshotCache


def test_concurrent_misses_for_one_key_compute_once() -> None:
    cache: SnapshotCache[int] = SnapshotCache(ttl_s=60)
    calls: list[int] = []
    release = threading.Event()

    def compute() -> int:
        calls.append(1)
        release.wait(timeout=10)
        return len(calls)

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("t", compute)))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [1] * 5 and len(calls) == 1
    assert cache.get_or_compute("other", lambda: 7) == 7


def test_a_zero_ttl_computes_every_time() -> None:
    cache: SnapshotCache[int] = SnapshotCache(ttl_s=0)
    counter = iter(range(10))
    assert [cache.get_or_compute("t", lambda: next(counter)) for _ in range(3)] == [0, 1, 2]

"""The real-time snapshot cache: one computation per key while fresh, none kept at ttl 0;
the center snapshot it holds, cut and encoded per agent set."""

from __future__ import annotations

import datetime as dt
import json
import threading

import polars as pl

from api.snapshots import CenterSnapshot, SnapshotCache


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


def test_peek_returns_only_a_fresh_value() -> None:
    cache: SnapshotCache[int] = SnapshotCache(ttl_s=60)
    assert cache.peek("t") is None
    cache.get_or_compute("t", lambda: 3)
    assert cache.peek("t") == 3 and cache.peek("other") is None
    assert SnapshotCache[int](ttl_s=0).peek("t") is None


def test_a_center_snapshot_encodes_each_cut_once() -> None:
    at = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "agent_id": ["b", "a", "c"],
            "team": ["t1", "t2", "t1"],
            "scheduled_activity": ["work", "work", "off"],
            "actual_state": ["Break", "Available", None],
            "state_since": [at, at, None],
            "out_of_adherence_s": [120.0, 0.0, 0.0],
            "severity": ["warning", "ok", "ok"],
        }
    )
    snapshot = CenterSnapshot(at, frame)
    assert snapshot.encoded(frozenset({"b", "c"})) is None
    body = snapshot.body(frozenset({"b", "c"}))
    assert snapshot.encoded(frozenset({"b", "c"})) is body
    decoded = json.loads(body)
    assert [r["agent_id"] for r in decoded["data"]] == ["b", "c"]  # the snapshot's order
    assert decoded["count"] == 2 and decoded["at"].startswith("2026-11-23T15:00:00")
    assert json.loads(snapshot.body(None))["count"] == 3


def test_an_expired_value_is_served_while_a_background_refresh_replaces_it() -> None:
    now = [0.0]
    spawned: list = []
    cache: SnapshotCache[str] = SnapshotCache(ttl_s=1.0, clock=lambda: now[0], spawn=spawned.append)
    cache.get_or_compute("t", lambda: "old")
    now[0] = 1.5  # expired, by less than ttl_s
    assert cache.get_or_compute("t", lambda: "new") == "old"
    assert cache.get_or_compute("t", lambda: "unused") == "old"  # one refresh at a time
    assert len(spawned) == 1
    spawned[0]()
    assert cache.peek("t") == "new"
    now[0] = 10.0  # long expired: the caller computes and waits
    assert cache.get_or_compute("t", lambda: "newer") == "newer" and len(spawned) == 1


def test_a_failed_background_refresh_lets_a_later_caller_compute() -> None:
    now = [0.0]
    spawned: list = []
    cache: SnapshotCache[str] = SnapshotCache(ttl_s=1.0, clock=lambda: now[0], spawn=spawned.append)
    cache.get_or_compute("t", lambda: "old")
    now[0] = 1.5

    def broken() -> str:
        raise RuntimeError("database gone")

    assert cache.get_or_compute("t", broken) == "old"
    spawned[0]()  # logs the error and frees the key
    assert cache.get_or_compute("t", lambda: "unused") == "old"
    spawned[1]()
    assert cache.peek("t") == "unused"

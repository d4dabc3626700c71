"""Agents a queue needs per interval for its target, used to fake the staffing in place.

Real-time queues: the smallest head count whose Erlang A outcome (wfm.staffing) meets every
target the queue gives (service level, ASA, abandonment) and the center's occupancy cap.
Deferred queues: the interval's workload divided by the occupancy cap (they fill valleys).
"""

from __future__ import annotations

import numpy as np

from wfm.center import Queue
from wfm.staffing.erlang import erlang_a

__all__ = ["required_agents"]

_MAX_OCCUPANCY_FRAC = 0.85
_SEARCH_STEPS = 60


def required_agents(
    queue: Queue,
    volume: np.ndarray,
    aht_s: np.ndarray,
    *,
    interval_s: int,
    max_occupancy_frac: float = _MAX_OCCUPANCY_FRAC,
) -> np.ndarray:
    """Agents needed per interval (float; whole numbers for real-time queues).

    Args:
        queue: the queue (target, patience, concurrency).
        volume: expected contacts per interval.
        aht_s: expected AHT per interval, seconds.
        interval_s: interval length, seconds.
        max_occupancy_frac: occupancy cap.

    Returns:
        Agents per interval; 0 where no contacts are expected.
    """
    volume = np.asarray(volume, dtype=np.float64)
    aht_s = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), volume.shape)
    servers_erl = volume * aht_s / interval_s
    if queue.is_deferred:
        return servers_erl / queue.concurrency / max_occupancy_frac
    target = queue.target
    n = np.maximum(np.floor(servers_erl / max_occupancy_frac), 1.0)
    done = volume <= 0
    result = np.where(done, 0.0, np.nan)
    for _ in range(_SEARCH_STEPS):
        todo = ~done
        if not todo.any():
            break
        res = erlang_a(
            volume[todo],
            aht_s=aht_s[todo],
            interval_s=interval_s,
            n_agents=n[todo],
            patience_s=queue.patience_s or 180.0,
            answer_within_s=target.answer_within_s or 0.0,
        )
        ok = np.ones(int(todo.sum()), dtype=bool)
        if target.service_level_frac is not None:
            ok &= np.asarray(res.service_level) >= target.service_level_frac
        if target.max_asa_s is not None:
            ok &= np.asarray(res.asa_s) <= target.max_asa_s
        if target.max_abandon_frac is not None:
            ok &= np.asarray(res.p_abandon) <= target.max_abandon_frac
        idx = np.flatnonzero(todo)
        result[idx[ok]] = n[idx[ok]]
        done[idx[ok]] = True
        n[idx[~ok]] += 1
    result = np.where(np.isnan(result), n, result)
    return np.ceil(result / queue.concurrency)

"""Agents a queue needs per interval for its target, used to fake the staffing in place.

Real-time queues: the staffing package's `agents_required` (Erlang A with the queue's
patience, every target the queue gives, the center's occupancy cap, chat concurrency).
Deferred queues (SMS, email): the interval's workload divided by the occupancy cap, since
that work is smoothed over the hours it may wait.
"""

from __future__ import annotations

import numpy as np

from wfm.center import Center, Queue
from wfm.staffing.requirements import StaffingTarget, agents_required

__all__ = ["DEFAULT_PATIENCE_S", "required_agents"]

# Queues without a configured patience get a typical caller patience.
DEFAULT_PATIENCE_S = 180.0


def required_agents(
    center: Center, queue: Queue, volume: np.ndarray, aht_s: np.ndarray
) -> np.ndarray:
    """Agents needed per interval (whole numbers for real-time queues, fractional for deferred).

    Args:
        center: the center (interval length, occupancy cap).
        queue: the queue (target, patience, concurrency).
        volume: expected contacts per interval.
        aht_s: expected AHT per interval, seconds.

    Returns:
        Agents per interval; 0 where no contacts are expected.
    """
    volume = np.asarray(volume, dtype=np.float64)
    aht_s = np.asarray(aht_s, dtype=np.float64)
    if queue.is_deferred:
        workload_erl = volume * aht_s / center.interval_s / queue.concurrency
        return workload_erl / center.max_occupancy_frac
    target = queue.target
    figures = agents_required(
        volume,
        aht_s=aht_s,
        interval_s=center.interval_s,
        target=StaffingTarget(
            service_level_frac=target.service_level_frac,
            answer_within_s=target.answer_within_s,
            max_asa_s=target.max_asa_s,
            max_abandon_frac=target.max_abandon_frac,
            max_occupancy_frac=center.max_occupancy_frac,
        ),
        patience_s=queue.patience_s or DEFAULT_PATIENCE_S,
        concurrency=queue.concurrency,
    )
    return figures.agents.astype(np.float64)

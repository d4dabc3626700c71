"""Deferred work (email, SMS replies): agents needed to answer every item within its target.

Deferred items wait in a backlog; what matters is that each is finished by its arrival time
plus the response target, not how fast it is picked up. So the agents come from the work
curves, not from a queueing formula: cumulative work arrived A(k), cumulative work due D(k),
and cumulative work done C(k) must satisfy D(k) <= C(k) <= A(k) at every interval end.

The model works on the queue's open intervals (business hours) in time order, as a fluid:

- the work of an interval is contacts x aht_s agent-seconds; it can be worked from the start
  of the open interval it arrives in (items arriving while the queue is closed wait for the
  next open interval);
- the response target counts open time: items of open interval k are due by the end of
  open interval k + d - 1, d = max(1, floor(target / interval)). Items arriving late in an
  interval really have up to one interval more, so the deadline side is conservative;
- at each interval the plan works at the smallest uniform rate that still meets every
  deadline of the work already arrived, max over j of (D(j) - C) / (j - k + 1), for j from k
  to k + d - 1 (the "optimal available" rule). This spreads a spike over its response window,
  so deferred work fills the valleys rather than adding to the peaks;
- agents = ceil(rate / (interval x occupancy cap)); the agents then work down as much
  backlog as they can (never less than the rate), carrying the rest to the next interval.

By default the horizon is taken as one period of a repeating pattern (a planning week in
steady state): the plan is run over enough copies of the horizon before and after it for
every response window to close on both sides, and the middle copy is returned, with the
backlog it carries in and out. With `periodic=False` the horizon starts with an empty backlog and
work not yet due at its end is left as `backlog_end_s`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from wfm.errors import StaffingError

__all__ = ["DeferredPlan", "deferred_agents"]

FloatArray = NDArray[np.float64]

# Work below this (agent-seconds) is rounding noise of cumulative sums, not a backlog.
_EPS_S = 1e-6


@dataclass(frozen=True)
class DeferredPlan:
    """A deferred queue's staffing per interval (arrays aligned with the input).

    Attributes:
        agents: agents working the queue (0 where closed).
        workload_erl: the required work rate in agents, unrounded (rate / interval_s).
        worked_s: work done in the interval, agent-seconds.
        backlog_s: work arrived and not yet done at the end of the interval, agent-seconds.
        occupancy: worked_s / (agents x interval_s); NaN where no agent.
        due_offset: d, the number of open intervals an item has (its own included).
        backlog_end_s: work left at the end of the horizon (none of it overdue).
        backlog_start_s: work carried into the horizon (0 unless periodic).
    """

    agents: NDArray[np.int64]
    workload_erl: FloatArray
    worked_s: FloatArray
    backlog_s: FloatArray
    occupancy: FloatArray
    due_offset: int
    backlog_end_s: float
    backlog_start_s: float


def deferred_agents(
    contacts: ArrayLike,
    *,
    aht_s: ArrayLike,
    interval_s: float,
    response_target_s: float,
    open_mask: ArrayLike | None = None,
    max_occupancy_frac: float = 1.0,
    periodic: bool = True,
) -> DeferredPlan:
    """Agents per interval so that every deferred item is done within its response target.

    Args:
        contacts: items arriving per interval, in time order (>= 0).
        aht_s: handle time per item, seconds (> 0), scalar or per interval.
        interval_s: interval length, seconds (> 0).
        response_target_s: each item must be done within this much open time, seconds.
        open_mask: True where the queue is open (agents can work); None = always open.
        max_occupancy_frac: share of an agent's interval spent on items (0 < x <= 1).
        periodic: treat the horizon as one period of a steady state (see the module
            docstring); False = start with no backlog.

    Returns:
        DeferredPlan aligned with `contacts`.

    Raises:
        StaffingError: an input is out of range.
    """
    volume = np.asarray(contacts, dtype=np.float64)
    if volume.ndim != 1:
        raise StaffingError("deferred staffing takes one queue's intervals in time order")
    if not np.all(np.isfinite(volume)) or np.any(volume < 0):
        raise StaffingError("contacts must be >= 0")
    aht = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), volume.shape)
    if not np.all(np.isfinite(aht)) or np.any(aht <= 0):
        raise StaffingError("aht_s must be > 0")
    if not (math.isfinite(interval_s) and interval_s > 0):
        raise StaffingError("interval_s must be > 0")
    if not (math.isfinite(response_target_s) and response_target_s > 0):
        raise StaffingError("response_target_s must be > 0")
    if not 0 < max_occupancy_frac <= 1:
        raise StaffingError("max occupancy must be in (0, 1]")
    is_open = (
        np.ones(volume.shape, dtype=bool)
        if open_mask is None
        else np.asarray(open_mask, dtype=bool).reshape(volume.shape)
    )

    due_offset = max(1, math.floor(response_target_s / interval_s + 1e-9))
    work = volume * aht
    n_open = int(is_open.sum())
    # Periodic: copies before the returned one build up the carried backlog, copies after
    # it let its look-ahead see the deadlines that fall past the horizon's end.
    pad = math.ceil(due_offset / n_open) if periodic and n_open else 0
    copies = 2 * pad + 1
    plan = _plan(
        np.tile(work, copies),
        np.tile(is_open, copies),
        interval_s=interval_s,
        due_offset=due_offset,
        max_occupancy_frac=max_occupancy_frac,
    )
    if copies == 1:
        return plan
    size = volume.size
    mid = slice(pad * size, (pad + 1) * size)
    return DeferredPlan(
        agents=plan.agents[mid],
        workload_erl=plan.workload_erl[mid],
        worked_s=plan.worked_s[mid],
        backlog_s=plan.backlog_s[mid],
        occupancy=plan.occupancy[mid],
        due_offset=due_offset,
        backlog_end_s=float(plan.backlog_s[(pad + 1) * size - 1]),
        backlog_start_s=float(plan.backlog_s[pad * size - 1]),
    )


def _plan(
    work: FloatArray,
    is_open: NDArray[np.bool_],
    *,
    interval_s: float,
    due_offset: int,
    max_occupancy_frac: float,
) -> DeferredPlan:
    """The 'optimal available' plan from an empty backlog (see the module docstring)."""
    n = work.size
    open_idx = np.flatnonzero(is_open)
    m = open_idx.size
    # Each interval's work lands in the first open interval at or after it.
    lands = np.searchsorted(open_idx, np.arange(n), side="left")
    placed = lands < m
    arrived = np.bincount(lands[placed], weights=work[placed], minlength=m)
    unplaced_s = float(work[~placed].sum())
    cum_arrived = np.cumsum(arrived)
    # Work due by the end of open interval j: everything that landed at or before j - d + 1.
    cum_due = np.concatenate([np.zeros(min(due_offset - 1, m)), cum_arrived])[:m]

    capacity_per_agent_s = interval_s * max_occupancy_frac
    agents_open = np.zeros(m, dtype=np.int64)
    rate_open = np.zeros(m)
    worked_open = np.zeros(m)
    backlog_open = np.zeros(m)
    done = 0.0
    for k in range(m):
        stop = min(m, k + due_offset)
        ahead = np.arange(1, stop - k + 1)
        need = max(0.0, float(np.max((cum_due[k:stop] - done) / ahead)))
        if need <= _EPS_S:
            need = 0.0
        backlog = float(cum_arrived[k]) - done
        n_agents = math.ceil(need / capacity_per_agent_s - 1e-9) if need > 0 else 0
        worked = min(n_agents * capacity_per_agent_s, max(backlog, 0.0))
        done += worked
        agents_open[k] = n_agents
        rate_open[k] = need
        worked_open[k] = worked
        backlog_open[k] = max(float(cum_arrived[k]) - done, 0.0)

    agents = np.zeros(n, dtype=np.int64)
    rate = np.zeros(n)
    worked_s = np.zeros(n)
    agents[open_idx] = agents_open
    rate[open_idx] = rate_open
    worked_s[open_idx] = worked_open
    # Closed intervals carry the backlog of the last open interval before them (plus arrivals).
    cum_work = np.cumsum(work)
    cum_worked = np.cumsum(worked_s)
    backlog_s = np.maximum(cum_work - cum_worked, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        occupancy = np.where(agents > 0, worked_s / (agents * interval_s), np.nan)
    return DeferredPlan(
        agents=agents,
        workload_erl=rate / interval_s,
        worked_s=worked_s,
        backlog_s=backlog_s,
        occupancy=occupancy,
        due_offset=due_offset,
        backlog_end_s=float(backlog_open[-1] if m else 0.0) + unplaced_s,
        backlog_start_s=0.0,
    )

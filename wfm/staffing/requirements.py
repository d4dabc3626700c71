"""Agents needed for real-time contacts: targets -> agents, vectorized over intervals.

A target is any combination of a service level (X % answered within Y s), a maximum average
speed of answer, a maximum abandonment rate and an occupancy cap; every part given must hold.
Without a patience the model is Erlang C (no abandonment; a target on abandonment is then
refused); with a patience it is Erlang A, which also allows fewer agents than Erlangs.

Chat: an agent works `concurrency` chats at once. Each agent is modelled as `concurrency`
servers, each busy for the chat's handle time (the chat's duration while shared), so the
queue has N x concurrency servers and the workload in agents is traffic / concurrency.

The search for N runs on all elements at once. Erlang C: each element starts at its own
floor (more servers than Erlangs, the occupancy cap), with Erlang B there in closed form,
and all step up together by the Erlang B recursion until each meets its target; the loop
runs a handful of times, not up to N. Erlang A: a lower bound each element cannot beat (the
fluid bounds SL <= N c / A and 1 - abandonment <= N c / A), a first guess from Erlang C,
then galloping up or down from the guess and bisection. Every target is monotone in N, so
the result is the smallest N that meets all of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from wfm.errors import StaffingError
from wfm.staffing.erlang import (
    SL_BASES,
    ErlangAResult,
    ErlangCResult,
    ServiceLevelBasis,
    erlang_a,
    erlang_c,
    erlang_c_min_servers,
    traffic_erl,
)

__all__ = [
    "StaffingFigures",
    "StaffingTarget",
    "agents_required",
    "evaluate_agents",
    "meets_target",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class StaffingTarget:
    """What a queue must achieve in each interval; every part given must hold at once.

    Attributes:
        service_level_frac: share of contacts answered within `answer_within_s` (0 < x < 1).
        answer_within_s: the service-level threshold, seconds (>= 0).
        max_asa_s: highest allowed average speed of answer, seconds (> 0).
        max_abandon_frac: highest allowed share of abandoned contacts (0 < x < 1); needs a
            patience (Erlang A).
        max_occupancy_frac: occupancy cap (0 < x <= 1); None = no cap.
    """

    service_level_frac: float | None = None
    answer_within_s: float | None = None
    max_asa_s: float | None = None
    max_abandon_frac: float | None = None
    max_occupancy_frac: float | None = None

    def __post_init__(self) -> None:
        sl, within = self.service_level_frac, self.answer_within_s
        if sl is not None and not 0 < sl < 1:
            raise StaffingError("service level must be between 0 and 1 (exclusive), e.g. 0.8")
        if (sl is None) != (within is None):
            raise StaffingError("a service level target needs both the level and answer_within_s")
        if within is not None and not (math.isfinite(within) and within >= 0):
            raise StaffingError("answer_within_s must be >= 0")
        if self.max_asa_s is not None and not (
            math.isfinite(self.max_asa_s) and self.max_asa_s > 0
        ):
            raise StaffingError("max ASA must be > 0 seconds")
        if self.max_abandon_frac is not None and not 0 < self.max_abandon_frac < 1:
            raise StaffingError("max abandonment must be between 0 and 1 (exclusive), e.g. 0.05")
        occ = self.max_occupancy_frac
        if occ is not None and not 0 < occ <= 1:
            raise StaffingError("max occupancy must be in (0, 1], e.g. 0.85")
        if sl is None and self.max_asa_s is None and self.max_abandon_frac is None:
            raise StaffingError(
                "give a target: a service level (with answer_within_s), a max ASA "
                "or a max abandonment"
            )


@dataclass(frozen=True)
class StaffingFigures:
    """Agents and what they achieve, per element.

    Attributes:
        agents: agents on the queue (whole).
        workload_erl: offered workload in agents (traffic / concurrency), unrounded.
        stable: False where Erlang C has N <= A (then the figures below are NaN).
        p_wait: probability that a contact waits.
        service_level: share answered within the threshold (basis: see erlang_a).
        asa_s: average speed of answer, seconds (Erlang C: over all contacts; Erlang A: over
            answered contacts).
        occupancy: share of agents' time busy (chat: of their concurrent slots).
        abandon_rate: share of contacts abandoned; NaN for Erlang C, which has none modelled.
        model: "erlang_c" or "erlang_a".
    """

    agents: IntArray
    workload_erl: FloatArray
    stable: NDArray[np.bool_]
    p_wait: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray
    abandon_rate: FloatArray
    model: str


def _check_concurrency(concurrency: ArrayLike) -> IntArray:
    arr = np.asarray(concurrency)
    if arr.dtype.kind not in "iu" or np.any(arr < 1):
        raise StaffingError("concurrency must be a whole number >= 1")
    return arr.astype(np.int64)


def _figures(
    contacts: FloatArray,
    aht_s: FloatArray,
    interval_s: FloatArray,
    agents: IntArray,
    answer_within_s: FloatArray,
    patience_s: FloatArray | None,
    concurrency: IntArray,
    basis: ServiceLevelBasis,
) -> StaffingFigures:
    servers = agents * concurrency
    workload = traffic_erl(contacts, aht_s=aht_s, interval_s=interval_s) / concurrency
    res: ErlangCResult | ErlangAResult
    if patience_s is None:
        res = erlang_c(
            contacts,
            aht_s=aht_s,
            interval_s=interval_s,
            n_agents=servers,
            answer_within_s=answer_within_s,
        )
        stable, abandon_rate = res.stable, np.full(res.p_wait.shape, np.nan)
    else:
        res = erlang_a(
            contacts,
            aht_s=aht_s,
            interval_s=interval_s,
            n_agents=servers,
            patience_s=patience_s,
            answer_within_s=answer_within_s,
            service_level_basis=basis,
        )
        stable, abandon_rate = np.ones(res.p_wait.shape, dtype=bool), res.p_abandon
    return StaffingFigures(
        agents=np.asarray(agents, dtype=np.int64),
        workload_erl=np.asarray(workload, dtype=np.float64),
        stable=stable,
        p_wait=res.p_wait,
        service_level=res.service_level,
        asa_s=res.asa_s,
        occupancy=res.occupancy,
        abandon_rate=abandon_rate,
        model="erlang_c" if patience_s is None else "erlang_a",
    )


def evaluate_agents(
    contacts: ArrayLike,
    *,
    aht_s: ArrayLike,
    interval_s: ArrayLike,
    n_agents: ArrayLike,
    answer_within_s: ArrayLike,
    patience_s: ArrayLike | None = None,
    concurrency: ArrayLike = 1,
    service_level_basis: ServiceLevelBasis = "offered",
) -> StaffingFigures:
    """What N agents achieve: Erlang C without a patience, Erlang A with one.

    Args:
        contacts: contacts arriving per interval (>= 0).
        aht_s: mean handle time, seconds (> 0).
        interval_s: interval length, seconds (> 0).
        n_agents: agents on the queue (whole, >= 0).
        answer_within_s: service-level threshold, seconds (>= 0).
        patience_s: mean caller patience, seconds (> 0); None = no abandonment (Erlang C).
        concurrency: contacts one agent works at once (chat), whole >= 1.
        service_level_basis: service-level definition for Erlang A (see erlang_a).

    Returns:
        StaffingFigures in the broadcast shape.

    Raises:
        StaffingError: an input is out of range.
    """
    arrays = np.broadcast_arrays(
        np.asarray(contacts, dtype=np.float64),
        np.asarray(aht_s, dtype=np.float64),
        np.asarray(interval_s, dtype=np.float64),
        np.asarray(n_agents),
        np.asarray(answer_within_s, dtype=np.float64),
        _check_concurrency(concurrency),
        np.asarray(1.0 if patience_s is None else patience_s, dtype=np.float64),
    )
    c, h, t_int, n, within, conc, pat = arrays
    if n.dtype.kind == "f" and np.any(n != np.round(n)):
        raise StaffingError("n_agents must be a whole number")
    if np.any(n < 0):
        raise StaffingError("n_agents must be >= 0")
    return _figures(
        c,
        h,
        t_int,
        n.astype(np.int64),
        within,
        None if patience_s is None else pat,
        conc,
        service_level_basis,
    )


def meets_target(fig: StaffingFigures, target: StaffingTarget) -> NDArray[np.bool_]:
    """Where the figures meet every part of the target that is given (and Erlang C is stable)."""
    ok = fig.stable.copy()
    with np.errstate(invalid="ignore"):
        if target.service_level_frac is not None:
            ok &= fig.service_level >= target.service_level_frac
        if target.max_asa_s is not None:
            ok &= fig.asa_s <= target.max_asa_s
        if target.max_abandon_frac is not None:
            ok &= fig.abandon_rate <= target.max_abandon_frac
        if target.max_occupancy_frac is not None:
            ok &= fig.occupancy <= target.max_occupancy_frac
    return ok


def _smallest_feasible(
    feasible: Callable[[IntArray, IntArray], NDArray[np.bool_]],
    lo: IntArray,
    start: IntArray,
) -> IntArray:
    """Smallest n > lo with feasible(n) for each element; feasible is monotone in n.

    `lo` is known infeasible; `start` > lo is a first guess. From the guess, gallop (steps
    1, 2, 4, ...) up while infeasible or down while feasible, then bisect the last gap.
    Every step evaluates all unfinished elements at once; a good guess needs 2-3 steps.
    """
    lo = lo.copy()
    hi = start.copy()
    everyone = np.arange(lo.size)
    ok = feasible(hi, everyone)
    # Up: lo = the infeasible guess, probe lo + step.
    step = np.ones(lo.size, dtype=np.int64)
    pending = everyone[~ok]
    lo[pending] = hi[pending]
    while pending.size:
        probe = lo[pending] + step[pending]
        good = feasible(probe, pending)
        hi[pending[good]] = probe[good]
        bad = pending[~good]
        lo[bad] = probe[~good]
        step[bad] *= 2
        pending = bad
    # Down: hi = the feasible guess, probe hi - step while it stays above lo.
    step[:] = 1
    pending = everyone[ok]
    pending = pending[hi[pending] - step[pending] > lo[pending]]
    while pending.size:
        probe = hi[pending] - step[pending]
        good = feasible(probe, pending)
        lo[pending[~good]] = probe[~good]
        moved = pending[good]
        hi[moved] = probe[good]
        step[moved] *= 2
        pending = moved[hi[moved] - step[moved] > lo[moved]]
    pending = np.flatnonzero(hi - lo > 1)
    while pending.size:
        mid = (lo[pending] + hi[pending]) // 2
        good = feasible(mid, pending)
        hi[pending[good]] = mid[good]
        lo[pending[~good]] = mid[~good]
        pending = pending[hi[pending] - lo[pending] > 1]
    return hi


def _erlang_c_agents(
    traffic: FloatArray,
    aht_s: FloatArray,
    answer_within_s: float,
    concurrency: IntArray,
    target: StaffingTarget,
) -> tuple[IntArray, ErlangCResult]:
    """Erlang C agents for the waiting targets and the occupancy cap, in one B sweep."""

    def meets(fig: ErlangCResult, idx: IntArray) -> NDArray[np.bool_]:
        ok = np.ones(idx.size, dtype=bool)
        if target.service_level_frac is not None:
            ok &= fig.service_level >= target.service_level_frac
        if target.max_asa_s is not None:
            ok &= fig.asa_s <= target.max_asa_s
        if target.max_occupancy_frac is not None:
            ok &= fig.occupancy <= target.max_occupancy_frac
        return ok

    # The occupancy cap is a floor: servers >= A / cap.
    cap = target.max_occupancy_frac or 1.0
    servers, fig = erlang_c_min_servers(
        traffic,
        aht_s=aht_s,
        answer_within_s=answer_within_s,
        start=np.ceil(traffic / cap - 1e-9).astype(np.int64),
        step=concurrency,
        meets=meets,
    )
    return servers // concurrency, fig


def _erlang_c_required(
    traffic: FloatArray,
    aht_s: FloatArray,
    answer_within_s: float,
    concurrency: IntArray,
    target: StaffingTarget,
    shape: tuple[int, ...],
) -> StaffingFigures:
    """agents_required for Erlang C: the sweep's own figures, idle elements set apart."""
    busy = traffic > 0
    agents = np.zeros(traffic.size, dtype=np.int64)
    p_wait, asa_s, occupancy = (
        np.zeros(traffic.size),
        np.zeros(traffic.size),
        np.zeros(traffic.size),
    )
    service_level = np.ones(traffic.size)
    if busy.any():
        found, fig = _erlang_c_agents(
            traffic[busy], aht_s[busy], answer_within_s, concurrency[busy], target
        )
        agents[busy] = found
        p_wait[busy], service_level[busy] = fig.p_wait, fig.service_level
        asa_s[busy], occupancy[busy] = fig.asa_s, fig.occupancy
    return StaffingFigures(
        agents=agents.reshape(shape),
        workload_erl=(traffic / concurrency).reshape(shape),
        stable=np.ones(shape, dtype=bool),
        p_wait=p_wait.reshape(shape),
        service_level=service_level.reshape(shape),
        asa_s=asa_s.reshape(shape),
        occupancy=occupancy.reshape(shape),
        abandon_rate=np.full(shape, np.nan),
        model="erlang_c",
    )


def agents_required(
    contacts: ArrayLike,
    *,
    aht_s: ArrayLike,
    interval_s: ArrayLike,
    target: StaffingTarget,
    patience_s: ArrayLike | None = None,
    concurrency: ArrayLike = 1,
    service_level_basis: ServiceLevelBasis = "offered",
) -> StaffingFigures:
    """Smallest number of agents per element that meets every part of `target`.

    Zero contacts need zero agents (service level 1). The search is vectorized: all elements
    are evaluated together at each step (see the module docstring).

    Args:
        contacts: contacts arriving per interval (>= 0).
        aht_s: mean handle time, seconds (> 0).
        interval_s: interval length, seconds (> 0).
        target: the service target (and occupancy cap).
        patience_s: mean caller patience, seconds; given -> Erlang A, None -> Erlang C.
        concurrency: contacts one agent works at once (chat), whole >= 1.
        service_level_basis: service-level definition for Erlang A (see erlang_a).

    Returns:
        StaffingFigures: the agents needed and the figures they achieve.

    Raises:
        StaffingError: an input is out of range, or the target asks for abandonment without
            a patience.
    """
    if service_level_basis not in SL_BASES:
        raise StaffingError(
            f"unknown service level basis {service_level_basis!r}; use one of {SL_BASES}"
        )
    if target.max_abandon_frac is not None and patience_s is None:
        raise StaffingError("an abandonment target needs a caller patience (Erlang A)")
    traffic = traffic_erl(contacts, aht_s=aht_s, interval_s=interval_s)
    within = 0.0 if target.answer_within_s is None else target.answer_within_s
    c, h, t_int, conc, pat, a = (
        np.ravel(arr).copy()
        for arr in np.broadcast_arrays(
            np.asarray(contacts, dtype=np.float64),
            np.asarray(aht_s, dtype=np.float64),
            np.asarray(interval_s, dtype=np.float64),
            _check_concurrency(concurrency),
            np.asarray(1.0 if patience_s is None else patience_s, dtype=np.float64),
            traffic,
        )
    )
    shape = np.broadcast_shapes(
        traffic.shape, np.shape(concurrency), np.shape(1.0 if patience_s is None else patience_s)
    )
    patience = None if patience_s is None else pat
    if patience is not None and np.any(~np.isfinite(patience) | (patience <= 0)):
        raise StaffingError("patience_s must be > 0")
    if patience is None:
        return _erlang_c_required(a, h, within, conc, target, shape)
    idle = a == 0
    workload = a / conc

    def feasible(n: IntArray, idx: IntArray) -> NDArray[np.bool_]:
        fig = _figures(
            c[idx],
            h[idx],
            t_int[idx],
            n,
            np.full(idx.size, within),
            None if patience is None else patience[idx],
            conc[idx],
            service_level_basis,
        )
        return meets_target(fig, target) | idle[idx]

    agents = np.zeros(a.size, dtype=np.int64)
    busy = np.flatnonzero(~idle)
    if busy.size:
        # Lower bound: at most N c / A of the contacts can be answered, so a service level
        # or an answered share 1 - abandonment above that is out of reach.
        share = max(target.service_level_frac or 0.0, 1.0 - (target.max_abandon_frac or 1.0))
        floor_n = np.maximum(np.ceil(workload[busy] * share - 1e-9), 1).astype(np.int64)
        # First guess: the Erlang C answer to the waiting targets (often within an agent or
        # two, though not a bound: see the module docstring).
        guess = np.ceil(workload[busy]).astype(np.int64)
        if target.service_level_frac is not None or target.max_asa_s is not None:
            guess = _erlang_c_agents(a[busy], h[busy], within, conc[busy], target)[0]
        agents[busy] = _smallest_feasible(
            lambda n, sub: feasible(n, busy[sub]), floor_n - 1, np.maximum(floor_n, guess)
        )
    fig = _figures(
        c, h, t_int, agents, np.full(a.size, within), patience, conc, service_level_basis
    )
    return StaffingFigures(
        agents=agents.reshape(shape),
        workload_erl=fig.workload_erl.reshape(shape),
        stable=fig.stable.reshape(shape),
        p_wait=fig.p_wait.reshape(shape),
        service_level=fig.service_level.reshape(shape),
        asa_s=fig.asa_s.reshape(shape),
        occupancy=fig.occupancy.reshape(shape),
        abandon_rate=fig.abandon_rate.reshape(shape),
        model=fig.model,
    )

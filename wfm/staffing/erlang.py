"""Queueing formulas for real-time contacts: Erlang B, Erlang C (M/M/N), Erlang A (M/M/N+M).

Every function is vectorized: arguments are numpy arrays or scalars that broadcast against
each other (typically one element per queue x interval). No factorials are formed, so the
results hold for thousands of agents and traffic up to 10,000 Erlangs and beyond.

Notation (units in the names): contacts arriving per interval, ``aht_s`` mean handle time,
``interval_s`` interval length; arrival rate lambda = contacts / interval_s, service rate
mu = 1 / aht_s, offered traffic A = lambda * aht_s (Erlangs), patience rate theta = 1 / patience_s.

Erlang B: where N > A it is the Poisson pmf / cdf quotient in log space (the cdf is then
above ~1/2, so nothing cancels); where N <= A it comes from the stable forward recursion
B(n) = A B(n-1) / (n + A B(n-1)), whose error contracts at each step. Erlang C follows from
B. Erlang A uses the stationary law of Palm's model (README, `wfm erlang`): the tail of the queue
is summed as Kummer's series
M(b, z) = sum_k z^k / ((b+1)...(b+k)), b = N mu / theta, z = lambda / theta, in scaled
floating point so that no term overflows; the waiting-time law comes in closed form from the
pure-death process of the queue ahead of an arrival (an arrival finding k queued is answered
after exponential stages of rates N mu + i theta, i = k..0, unless its patience runs out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaln, pdtr

from wfm.errors import StaffingError
from wfm.staffing.kummer import kummer_series

__all__ = [
    "SL_BASES",
    "ErlangAResult",
    "ErlangCResult",
    "ServiceLevelBasis",
    "erlang_a",
    "erlang_b",
    "erlang_b_above",
    "erlang_c",
    "erlang_c_min_servers",
    "traffic_erl",
]

ServiceLevelBasis = Literal["offered", "answered_and_late_abandons"]
SL_BASES: tuple[str, ...] = ("offered", "answered_and_late_abandons")

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C figures per element (arrays of the broadcast shape).

    Attributes:
        traffic_erl: offered traffic A in Erlangs.
        stable: True where N > A (or A = 0); elsewhere the queue grows without bound and the
            other figures are NaN.
        p_wait: probability that a contact waits (Erlang C formula).
        service_level: share of offered contacts answered within `answer_within_s`.
        asa_s: average speed of answer over all contacts, seconds.
        occupancy: A / N (0 where A = 0).
    """

    traffic_erl: FloatArray
    stable: NDArray[np.bool_]
    p_wait: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A figures per element (arrays of the broadcast shape).

    Attributes:
        traffic_erl: offered traffic A in Erlangs.
        p_wait: probability that an arriving contact finds all agents busy.
        p_abandon: probability that a contact hangs up before being answered.
        service_level: answered within `answer_within_s`, over the basis chosen (see erlang_a).
        asa_s: average speed of answer of answered contacts, seconds (NaN when no agent).
        occupancy: carried traffic A (1 - p_abandon) / N (0 where A = 0, NaN where N = 0).
    """

    traffic_erl: FloatArray
    p_wait: FloatArray
    p_abandon: FloatArray
    service_level: FloatArray
    asa_s: FloatArray
    occupancy: FloatArray


def _as_float(name: str, value: ArrayLike, *, positive: bool) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise StaffingError(f"{name} must be a finite number")
    if positive and np.any(arr <= 0):
        raise StaffingError(f"{name} must be > 0")
    if not positive and np.any(arr < 0):
        raise StaffingError(f"{name} must be >= 0")
    return arr


def _as_agents(value: ArrayLike) -> NDArray[np.int64]:
    arr = np.asarray(value)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise StaffingError("n_agents must be a whole number")
    elif arr.dtype.kind not in "iub":
        raise StaffingError("n_agents must be a whole number")
    out = arr.astype(np.int64)
    if np.any(out < 0):
        raise StaffingError("n_agents must be >= 0")
    return out


def traffic_erl(contacts: ArrayLike, *, aht_s: ArrayLike, interval_s: ArrayLike) -> FloatArray:
    """Offered traffic A = contacts x aht_s / interval_s, in Erlangs.

    Args:
        contacts: contacts arriving per interval (>= 0).
        aht_s: mean handle time, seconds (> 0).
        interval_s: interval length, seconds (> 0).

    Raises:
        StaffingError: an input is negative, zero where it must be positive, or not finite.
    """
    c = _as_float("contacts", contacts, positive=False)
    h = _as_float("aht_s", aht_s, positive=True)
    t = _as_float("interval_s", interval_s, positive=True)
    return np.asarray(c * h / t, dtype=np.float64)


def erlang_b(n_agents: ArrayLike, traffic: ArrayLike) -> FloatArray:
    """Erlang B blocking probability B(N, A), vectorized.

    Where N > A > 0, B comes directly from the Poisson law in log space (erlang_b_above).
    Elsewhere (N <= A, the overloaded side) the recursion B(n) = A B(n-1) / (n + A B(n-1))
    runs from B(0) = 1 once, up to the largest such N, for all those elements at once; each
    element's value is captured when n reaches its N. The recursion is stable: its error
    shrinks at every step.

    Args:
        n_agents: number of servers N (whole, >= 0).
        traffic: offered traffic A in Erlangs (>= 0).

    Returns:
        B(N, A) in the broadcast shape.
    """
    n_arr, a_arr = np.broadcast_arrays(
        _as_agents(n_agents), _as_float("traffic", traffic, positive=False)
    )
    out = np.empty(n_arr.shape, dtype=np.float64)
    above = (n_arr > a_arr) & (a_arr > 0)
    out[above] = erlang_b_above(n_arr[above], a_arr[above])
    out[~above] = _erlang_b_recursion(n_arr[~above], a_arr[~above])
    return out


def _erlang_b_recursion(n_flat: NDArray[np.int64], a_flat: FloatArray) -> FloatArray:
    """Erlang B by the forward recursion, for 1-D N and A."""
    out = np.ones(n_flat.shape, dtype=np.float64)
    order = np.argsort(n_flat, kind="stable")
    n_sorted = n_flat[order]
    n_max = int(n_sorted[-1]) if n_sorted.size else 0
    # Elements still running are always a suffix of `order`: capture blocks as n passes them.
    stops = np.searchsorted(n_sorted, np.arange(n_max + 1), side="right").tolist()
    first = stops[0]
    a_run = a_flat[order[first:]]
    b_run = np.ones(a_run.shape, dtype=np.float64)
    ab = np.empty_like(b_run)
    for n in range(1, n_max + 1):
        np.multiply(a_run, b_run, out=ab)
        np.divide(ab, ab + n, out=b_run)
        stop = stops[n]
        if stop > first:
            out[order[first:stop]] = b_run[: stop - first]
            a_run, b_run, ab = a_run[stop - first :], b_run[stop - first :], ab[stop - first :]
            first = stop
    return out


def _c_from_b(
    n: FloatArray, traffic: FloatArray, b: FloatArray, aht_s: FloatArray, t_s: FloatArray
) -> ErlangCResult:
    """Erlang C figures from Erlang B at n servers (meaningful where n > traffic > 0)."""
    gap = n - traffic
    p_wait = n * b / (gap + traffic * b)
    return ErlangCResult(
        traffic_erl=traffic,
        stable=n > traffic,
        p_wait=p_wait,
        service_level=1.0 - p_wait * np.exp(-gap * t_s / aht_s),
        asa_s=p_wait * aht_s / gap,
        occupancy=traffic / n,
    )


_C_FIGURES = ("p_wait", "service_level", "asa_s", "occupancy")


def erlang_c_min_servers(
    traffic: ArrayLike,
    *,
    aht_s: ArrayLike,
    answer_within_s: ArrayLike,
    start: ArrayLike,
    step: ArrayLike,
    meets: Callable[[ErlangCResult, IntArray], NDArray[np.bool_]],
) -> tuple[IntArray, ErlangCResult]:
    """Smallest server count per element that is stable and satisfies `meets`, in one sweep.

    Each element starts at its first candidate (a multiple of `step` -- an agent's servers,
    for chat concurrency -- at or above `start` and above the traffic), with Erlang B taken
    there in closed form (erlang_b_above); then all elements step up together by the Erlang B
    recursion. At each step the Erlang C figures of the still-open elements go to
    `meets(figures, element_index)`, and the elements it accepts drop out. `meets` must be
    monotone in the server count.

    Args:
        traffic: offered traffic in Erlangs (> 0), 1-D.
        aht_s: mean handle time, seconds, 1-D.
        answer_within_s: service-level threshold, seconds, 1-D.
        start: lowest server count to consider, 1-D.
        step: only multiples of this are candidates (>= 1), 1-D.
        meets: the target test on a subset's figures.

    Returns:
        The server counts found (multiples of `step`) and the Erlang C figures there.
    """
    a_all = np.asarray(traffic, dtype=np.float64)
    aht_all = np.broadcast_to(np.asarray(aht_s, dtype=np.float64), a_all.shape)
    t_all = np.broadcast_to(np.asarray(answer_within_s, dtype=np.float64), a_all.shape)
    step_all = np.broadcast_to(np.asarray(step, dtype=np.int64), a_all.shape)
    # The first candidate: a multiple of step, >= start and > traffic.
    n = np.maximum(np.asarray(start, dtype=np.int64), np.floor(a_all).astype(np.int64) + 1)
    n = -(-n // step_all) * step_all
    # Every element starts at its own first candidate, so the loop runs only as many times
    # as the largest distance from a candidate to the answer (a handful), not up to N.
    b = erlang_b_above(n, a_all)
    found = np.zeros(a_all.shape, dtype=np.int64)
    figures = {name: np.zeros(a_all.shape) for name in _C_FIGURES}
    idx = np.arange(a_all.size)
    a, aht, t, stp = a_all, aht_all, t_all, step_all
    max_step = int(step_all.max()) if step_all.size else 1
    while idx.size:
        with np.errstate(divide="ignore", invalid="ignore"):
            fig = _c_from_b(n.astype(np.float64), a, b, aht, t)
        ok = meets(fig, idx)
        if ok.any():
            found[idx[ok]] = n[ok]
            for name, values in figures.items():
                values[idx[ok]] = getattr(fig, name)[ok]
            keep = ~ok
            idx, n, b, a, aht, t, stp = (arr[keep] for arr in (idx, n, b, a, aht, t, stp))
        for k in range(max_step):
            # Advance each element by its own step with the Erlang B recursion.
            ab = a * b
            moving = k < stp
            b = np.where(moving, ab / (ab + n + 1), b)
            n = np.where(moving, n + 1, n)
    return found, ErlangCResult(
        traffic_erl=a_all, stable=np.ones(a_all.shape, dtype=bool), **figures
    )


def erlang_b_above(n_agents: ArrayLike, traffic: ArrayLike) -> FloatArray:
    """Erlang B where N > A > 0, directly: B = Poisson pmf(N; A) / Poisson cdf(N; A).

    Both are taken in log space (no factorials); with N > A the cdf is above ~1/2, so the
    quotient loses nothing. Used to start a search at each element's own lower bound.
    """
    n = np.asarray(n_agents, dtype=np.float64)
    a = np.asarray(traffic, dtype=np.float64)
    log_pmf = n * np.log(a) - a - gammaln(n + 1.0)
    return np.asarray(np.exp(log_pmf) / pdtr(n, a), dtype=np.float64)


def erlang_c(
    contacts: ArrayLike,
    *,
    aht_s: ArrayLike,
    interval_s: ArrayLike,
    n_agents: ArrayLike,
    answer_within_s: ArrayLike,
) -> ErlangCResult:
    """Erlang C (M/M/N, no abandonment) for N agents.

    P(wait) = C(N, A) = N B / (N - A (1 - B)); SL(t) = 1 - C exp(-(N - A) t / AHT);
    ASA = C AHT / (N - A) (over all contacts); occupancy = A / N. Where N <= A (and A > 0) the
    queue is unstable: `stable` is False and the figures are NaN, never a number.

    Args:
        contacts: contacts arriving per interval (>= 0).
        aht_s: mean handle time, seconds (> 0).
        interval_s: interval length, seconds (> 0).
        n_agents: agents on the queue (whole, >= 0).
        answer_within_s: service-level threshold t, seconds (>= 0).

    Returns:
        ErlangCResult of arrays in the broadcast shape.

    Raises:
        StaffingError: an input is out of range.
    """
    traffic = traffic_erl(contacts, aht_s=aht_s, interval_s=interval_s)
    aht = _as_float("aht_s", aht_s, positive=True)
    t = _as_float("answer_within_s", answer_within_s, positive=False)
    n = _as_agents(n_agents)
    traffic, aht, t, n = np.broadcast_arrays(traffic, aht, t, n)
    n_f = n.astype(np.float64)
    idle = traffic == 0
    stable = (n_f > traffic) | idle
    b = erlang_b(n, traffic)
    with np.errstate(divide="ignore", invalid="ignore"):
        fig = _c_from_b(n_f, traffic, b, aht, t)
        p_wait = np.where(idle, 0.0, fig.p_wait)
        service_level = np.where(idle, 1.0, fig.service_level)
        asa_s = np.where(idle, 0.0, fig.asa_s)
        occupancy = np.where(idle, 0.0, fig.occupancy)
    nan = np.float64(np.nan)
    return ErlangCResult(
        traffic_erl=np.array(traffic, dtype=np.float64),
        stable=np.array(stable),
        p_wait=np.where(stable, p_wait, nan),
        service_level=np.where(stable, service_level, nan),
        asa_s=np.where(stable, asa_s, nan),
        occupancy=np.where(stable, occupancy, nan),
    )


def erlang_a(
    contacts: ArrayLike,
    *,
    aht_s: ArrayLike,
    interval_s: ArrayLike,
    n_agents: ArrayLike,
    patience_s: ArrayLike,
    answer_within_s: ArrayLike,
    service_level_basis: ServiceLevelBasis = "offered",
) -> ErlangAResult:
    """Erlang A (M/M/N+M: exponential patience with mean `patience_s`) for N agents.

    Any N >= 0 is allowed, also N <= A: callers who wait too long hang up, so the queue is
    always stable. With a = N patience / AHT, x = lambda patience, W = M(a, x) and
    B = Erlang B(N, A):

    - P(wait) = W B / (1 - B + W B);
    - P(answered | wait) = a (W - 1) / (x W); P(abandon) = P(wait) (1 - P(answered | wait));
    - P(answered within t | wait) = P(answered | wait)
      - a exp(-N mu t + x - y) (M(a, y) - 1) / (x W), with y = x exp(-theta t);
    - ASA over answered contacts = P(wait) (a / lambda) H / (1 - P(abandon)), where H is the
      mean of H_k = sum_{i<=k} 1 / (a + i) under the queue-length law (Little's law on the
      callers in queue who will be answered).

    Service level definition (`service_level_basis`):
        "offered" (default): answered within t / all offered contacts; callers who hang up
        before t count against the service level.
        "answered_and_late_abandons": answered within t / (answered + abandoned after t),
        i.e. callers who hang up within t are left out of the denominator.

    Args:
        contacts: contacts arriving per interval (>= 0).
        aht_s: mean handle time, seconds (> 0).
        interval_s: interval length, seconds (> 0).
        n_agents: agents on the queue (whole, >= 0).
        patience_s: mean caller patience, seconds (> 0).
        answer_within_s: service-level threshold t, seconds (>= 0).
        service_level_basis: which service-level definition to report (see above).

    Returns:
        ErlangAResult of arrays in the broadcast shape. With no contacts: SL 1, no wait, no
        abandonment, occupancy 0. With contacts and no agent: everyone abandons, SL 0 and ASA
        NaN.

    Raises:
        StaffingError: an input is out of range or the basis is unknown.
    """
    if service_level_basis not in SL_BASES:
        raise StaffingError(
            f"unknown service level basis {service_level_basis!r}; use one of {SL_BASES}"
        )
    traffic = traffic_erl(contacts, aht_s=aht_s, interval_s=interval_s)
    aht = _as_float("aht_s", aht_s, positive=True)
    interval = _as_float("interval_s", interval_s, positive=True)
    patience = _as_float("patience_s", patience_s, positive=True)
    t = _as_float("answer_within_s", answer_within_s, positive=False)
    n = _as_agents(n_agents)
    shape = np.broadcast_shapes(
        traffic.shape, aht.shape, interval.shape, patience.shape, t.shape, n.shape
    )
    traffic, aht, interval, patience, t, n = (
        np.broadcast_to(arr, shape).ravel() for arr in (traffic, aht, interval, patience, t, n)
    )
    n_f = n.astype(np.float64)
    lam = traffic / aht  # arrivals per second
    a = n_f * patience / aht
    x = lam * patience
    y = x * np.exp(-t / patience)

    blocking = erlang_b(n, traffic)
    at_x = kummer_series(a, x)
    at_y = kummer_series(a, y)
    idle = traffic == 0
    busy = ~idle
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        w = np.exp(at_x.log_m)
        # W B / (1 - B + W B), written to stay finite when W is huge.
        p_wait = np.where(idle, 0.0, blocking / (blocking + (1.0 - blocking) / w))
        p_answer_wait = np.where(busy & (n > 0), a / x * np.exp(at_x.log_m1 - at_x.log_m), 0.0)
        p_abandon = p_wait * (1.0 - p_answer_wait)
        log_late = np.log(a) - np.log(x) - at_x.log_m + (x - y) - n_f * t / aht + at_y.log_m1
        answered_by_t = np.where(n > 0, p_answer_wait - np.exp(log_late), 0.0)
        # Still waiting at t, given a wait: exp(-(N mu + theta) t + x - y) M(a, y) / W.
        log_waiting = (x - y) - (n_f / aht + 1.0 / patience) * t + at_y.log_m - at_x.log_m
        abandoned_by_t = 1.0 - np.exp(log_waiting) - answered_by_t
        sl_offered = (1.0 - p_wait) + p_wait * np.clip(answered_by_t, 0.0, 1.0)
        if service_level_basis == "offered":
            service_level = sl_offered
        else:
            service_level = sl_offered / (1.0 - p_wait * np.clip(abandoned_by_t, 0.0, 1.0))
        wait_answered = p_wait * a / lam * at_x.mean_h  # E[wait; answered], seconds
        asa_s = np.where(n > 0, wait_answered / (1.0 - p_abandon), np.nan)
        occupancy = np.where(n > 0, traffic * (1.0 - p_abandon) / n_f, np.nan)
    return ErlangAResult(
        traffic_erl=traffic.reshape(shape),
        p_wait=p_wait.reshape(shape),
        p_abandon=np.where(idle, 0.0, p_abandon).reshape(shape),
        service_level=np.where(idle, 1.0, service_level).reshape(shape),
        asa_s=np.where(idle, 0.0, asa_s).reshape(shape),
        occupancy=np.where(idle, 0.0, occupancy).reshape(shape),
    )

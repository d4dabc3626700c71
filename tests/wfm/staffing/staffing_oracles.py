"""Independent oracles for the staffing tests: high-precision sums and a discrete-event simulation.

None of these share code or formulas with wfm.staffing: Erlang C comes from the Poisson
distribution through mpmath's incomplete gamma; Erlang A from the stationary distribution of
Palm's model summed term by term in 40-digit arithmetic, with each arrival's answer time
from the Beta representation of a sum of exponential stages; the simulation replays callers.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import mpmath as mp
import numpy as np

__all__ = ["SimResult", "erlang_a_mp", "erlang_c_mp", "simulate_mmn_m"]


def erlang_c_mp(contacts: float, aht_s: float, interval_s: float, n: int, t_s: float) -> dict:
    """Erlang C figures at 30 digits: B = Poisson pmf / cdf, C from B."""
    with mp.workdps(30):
        a = mp.mpf(contacts) * aht_s / interval_s
        log_pmf = n * mp.log(a) - a - mp.loggamma(n + 1)
        cdf = mp.gammainc(n + 1, a, mp.inf, regularized=True)
        b = mp.e**log_pmf / cdf
        c = n * b / (n - a * (1 - b))
        return {
            "p_wait": float(c),
            "service_level": float(1 - c * mp.e ** (-(n - a) * t_s / aht_s)),
            "asa_s": float(c * aht_s / (n - a)),
            "occupancy": float(a / n),
        }


class _MmnmLaw:
    """The unnormalized stationary law of M/M/N+M at mpmath's working precision: `low[j]`
    for j busy agents (j = 0..N), `tail[k]` for N busy and k queued, and their total `z`.

    The tail is cut once past its mode (k > lam / theta) where it falls below 10^-cut_digits
    of its first term (or at 100,000 terms)."""

    def __init__(
        self,
        contacts: float,
        aht_s: float,
        interval_s: float,
        n: int,
        patience_s: float,
        *,
        cut_digits: int,
    ) -> None:
        self.lam = mp.mpf(contacts) / interval_s
        mu = 1 / mp.mpf(aht_s)
        self.th = 1 / mp.mpf(patience_s)
        self.traffic = self.lam / mu
        self.c = n * mu
        low = [mp.mpf(1)]
        for j in range(1, n + 1):
            low.append(low[-1] * self.traffic / j)
        tail = [low[-1]]
        k = 0
        while True:
            k += 1
            tail.append(tail[-1] * self.lam / (self.c + k * self.th))
            past_mode = k > self.lam / self.th
            if (past_mode and tail[-1] < tail[0] * mp.mpf(10) ** -cut_digits) or k > 100_000:
                break
        self.low, self.tail = low, tail
        self.z = mp.fsum(low[:-1]) + mp.fsum(tail)


def erlang_a_mp(
    contacts: float, aht_s: float, interval_s: float, n: int, patience_s: float, t_s: float
) -> dict:
    """Erlang A figures from the stationary law of M/M/N+M, summed at 40 digits.

    An arrival that finds k callers queued (PASTA) is answered with probability
    c / (c + (k+1) theta), c = N mu, and its time in queue is a sum of exponential stages of
    rates c + m theta, m = 1..k+1, i.e. -log(X) / theta with X ~ Beta(c/theta + 1, k + 1).
    Its offered wait (ignoring its own patience) is -log(X') / theta, X' ~ Beta(c/theta, k+1).
    """
    with mp.workdps(40):
        law = _MmnmLaw(contacts, aht_s, interval_s, n, patience_s, cut_digits=35)
        th, c, traffic, tail, z = law.th, law.c, law.traffic, law.tail, law.z
        p_wait = mp.fsum(tail) / z
        ks = range(len(tail))

        def p_ans(k: int) -> mp.mpf:
            return c / (c + (k + 1) * th)

        p_ab = mp.fsum(tail[k] * (1 - p_ans(k)) for k in ks) / z
        b = c / th
        u = mp.e ** (-th * t_s)
        # Terms that weigh less than 1e-25 of the total cannot move a float64 result.
        heavy = [k for k in ks if tail[k] > z * mp.mpf(10) ** -25]
        if n == 0:
            ans_t = mp.mpf(0)
        else:
            ans_t = (
                mp.fsum(
                    tail[k] * p_ans(k) * (1 - mp.betainc(b + 1, k + 1, 0, u, regularized=True))
                    for k in heavy
                )
                / z
            )
        stages = []  # sum_{m=1..k+1} 1 / (c + m theta), built cumulatively
        running = mp.mpf(0)
        for k in ks:
            running += 1 / (c + (k + 1) * th)
            stages.append(running)
        wait_ans = mp.fsum(tail[k] * p_ans(k) * stages[k] for k in ks) / z
        return {
            "p_wait": float(p_wait),
            "p_abandon": float(p_ab),
            "service_level": float(1 - p_wait + ans_t),
            "asa_s": float(wait_ans / (1 - p_ab)) if n > 0 else float("nan"),
            "occupancy": float(traffic * (1 - p_ab) / n) if n > 0 else float("nan"),
        }


def abandon_within_mp(
    contacts: float, aht_s: float, interval_s: float, n: int, patience_s: float, t_s: float
) -> float:
    """P(a caller hangs up within t_s), by quadrature of theta e^{-theta s} P(V > s)."""
    with mp.workdps(20):
        law = _MmnmLaw(contacts, aht_s, interval_s, n, patience_s, cut_digits=20)
        th, tail, z = law.th, law.tail, law.z
        b = law.c / th

        def ab_k(k: int) -> mp.mpf:
            return mp.quad(
                lambda s: (
                    th
                    * mp.e ** (-th * s)
                    * mp.betainc(b, k + 1, 0, mp.e ** (-th * s), regularized=True)
                ),
                [0, t_s],
            )

        return float(mp.fsum(tail[k] * ab_k(k) for k in range(len(tail))) / z)


@dataclass(frozen=True)
class SimResult:
    """Per-caller shares from a simulation run, with their standard errors."""

    n_callers: int
    p_wait: float
    p_abandon: float
    service_level: float
    asa_s: float
    se_p_wait: float
    se_p_abandon: float
    se_service_level: float
    se_asa_s: float


def simulate_mmn_m(
    *,
    lam_per_s: float,
    aht_s: float,
    patience_s: float,
    n_agents: int,
    t_s: float,
    n_callers: int,
    seed: int,
) -> SimResult:
    """Discrete-event simulation of M/M/N+M, FIFO, exponential patience.

    The first 10 % of callers are a warm-up and are not counted. Standard errors use batch
    means over 20 batches (callers are correlated in time).
    """
    rng = np.random.default_rng(seed)
    gaps = rng.exponential(1 / lam_per_s, n_callers)
    services = rng.exponential(aht_s, n_callers)
    patience = rng.exponential(patience_s, n_callers)
    arrivals = np.cumsum(gaps)
    free_at: list[float] = [0.0] * n_agents  # heap of times each agent becomes free
    heapq.heapify(free_at)
    waited = np.zeros(n_callers, dtype=bool)
    abandoned = np.zeros(n_callers, dtype=bool)
    wait = np.zeros(n_callers)
    # FIFO with exponential patience: the caller is served when the earliest agent is free,
    # unless its deadline comes first; agents then serve the next caller.
    for i in range(n_callers):
        now = arrivals[i]
        earliest = free_at[0]
        start = max(now, earliest)
        waited[i] = earliest > now
        if start - now >= patience[i]:
            abandoned[i] = True
            wait[i] = patience[i]
            continue
        heapq.heapreplace(free_at, start + services[i])
        wait[i] = start - now
    keep = slice(n_callers // 10, None)
    w, ab, wt = waited[keep], abandoned[keep], wait[keep]
    answered_in_t = (~ab) & (wt <= t_s)
    batches = 20

    def mean_se(values: np.ndarray) -> tuple[float, float]:
        parts = np.array_split(values, batches)
        means = np.array([p.mean() for p in parts])
        return float(values.mean()), float(means.std(ddof=1) / np.sqrt(batches))

    def ratio_se(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
        parts_n = np.array_split(num, batches)
        parts_d = np.array_split(den, batches)
        means = np.array([pn.sum() / pd.sum() for pn, pd in zip(parts_n, parts_d, strict=True)])
        return float(num.sum() / den.sum()), float(means.std(ddof=1) / np.sqrt(batches))

    p_wait, se_w = mean_se(w.astype(float))
    p_ab, se_ab = mean_se(ab.astype(float))
    sl, se_sl = mean_se(answered_in_t.astype(float))
    asa, se_asa = ratio_se(np.where(ab, 0.0, wt), (~ab).astype(float))
    return SimResult(
        n_callers=int(w.size),
        p_wait=p_wait,
        p_abandon=p_ab,
        service_level=sl,
        asa_s=asa,
        se_p_wait=se_w,
        se_p_abandon=se_ab,
        se_service_level=se_sl,
        se_asa_s=se_asa,
    )

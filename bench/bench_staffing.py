"""Bench: requirements for a week of 15-minute intervals x 8 queues.

Prints one JSON line per case:
- staffing_erlang_c_week: `wfm.staffing.agents_required` under an SL target (80 % in 20 s)
  and an 85 % occupancy cap, all 5,376 queue-intervals in one call (median of repeats);
- staffing_pyworkforce_week: pyworkforce's `ErlangC.required_positions` on the same inputs,
  one interval at a time (its API), with the ratio to wfm and every interval where the two
  answers differ, with the reason (decided by a 30-digit mpmath evaluation of the target);
- staffing_requirements_week: `requirements_from_frame` on a week of history for the sample
  center (Erlang A with abandonment targets, chat concurrency, deferred email/SMS), the
  in-process path of `wfm staff`.

Run: python bench/bench_staffing.py [--repeats 7] [--seed 11]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import mpmath as mp
import numpy as np
import polars as pl
from common import emit

from wfm.center import load_center
from wfm.grid import grid, open_mask
from wfm.staffing.frame import requirements_from_frame
from wfm.staffing.requirements import StaffingTarget, agents_required
from wfm.synthetic.history import history_rows

T = TypeVar("T")

CENTER = Path(__file__).resolve().parents[1] / "wfm" / "synthetic" / "sample_center.yaml"
WEEK_START = dt.date(2026, 11, 9)  # a Monday
SL_TARGET = 0.8
ANSWER_WITHIN_S = 20.0
MAX_OCCUPANCY = 0.85
TARGET = StaffingTarget(
    service_level_frac=SL_TARGET, answer_within_s=ANSWER_WITHIN_S, max_occupancy_frac=MAX_OCCUPANCY
)


def week_inputs(seed: int) -> dict[str, np.ndarray]:
    """Volumes for 8 queues x a week of 15-minute intervals: intraday and weekly shape,
    closed nights on most queues, Poisson noise; AHT per queue with noise."""
    rng = np.random.default_rng(seed)
    slot = np.arange(7 * 96) % 96
    weekday = np.arange(7 * 96) // 96
    hour = slot / 4
    day_shape = np.exp(-0.5 * ((hour - 11) / 3.0) ** 2) + 0.6 * np.exp(
        -0.5 * ((hour - 15) / 2.0) ** 2
    )
    week_shape = np.array([1.3, 1.15, 1.0, 1.0, 0.95, 0.5, 0.3])[weekday]
    scale = np.array([60.0, 25.0, 35.0, 30.0, 15.0, 20.0, 300.0, 5.0])  # peak calls / 15 min
    aht_s = np.array([300.0, 540.0, 420.0, 240.0, 480.0, 600.0, 180.0, 360.0])
    always_open = np.array([False, True, False, False, False, False, False, True])
    contacts, aht = [], []
    for q in range(8):
        mean = scale[q] * day_shape * week_shape
        if not always_open[q]:
            mean = np.where((hour >= 7) & (hour < 19) & (weekday < 6), mean, 0.0)
        else:
            mean = np.maximum(mean, 0.05 * scale[q])
        contacts.append(rng.poisson(mean).astype(float))
        aht.append(aht_s[q] * rng.uniform(0.85, 1.15, mean.size))
    return {
        "contacts": np.concatenate(contacts),
        "aht_s": np.concatenate(aht),
    }


def wfm_requirements(inputs: dict[str, np.ndarray]) -> np.ndarray:
    """agents_required for all queue-intervals in one call."""
    return agents_required(
        inputs["contacts"], aht_s=inputs["aht_s"], interval_s=900, target=TARGET
    ).agents


def pyworkforce_requirements(inputs: dict[str, np.ndarray]) -> np.ndarray:
    """pyworkforce, one interval at a time; -1 where it refuses the input (zero volume)."""
    from pyworkforce.queuing import ErlangC

    out = np.full(inputs["contacts"].size, -1, dtype=np.int64)
    for i, (calls, aht) in enumerate(zip(inputs["contacts"], inputs["aht_s"], strict=True)):
        if calls <= 0:
            continue  # pyworkforce raises ValueError for zero transactions
        erlang = ErlangC(transactions=calls, aht=aht / 60, asa=ANSWER_WITHIN_S / 60, interval=15)
        out[i] = erlang.required_positions(service_level=SL_TARGET, max_occupancy=MAX_OCCUPANCY)[
            "raw_positions"
        ]
    return out


def _sl_mp(calls: float, aht_s: float, n: int, within_s: float) -> float:
    """Erlang C service level at 30 digits (the arbiter when the two answers differ)."""
    with mp.workdps(30):
        a = mp.mpf(calls) * aht_s / 900
        if n <= a:
            return 0.0
        log_pmf = n * mp.log(a) - a - mp.loggamma(n + 1)
        b = mp.e**log_pmf / mp.gammainc(n + 1, a, mp.inf, regularized=True)
        c = n * b / (n - a * (1 - b))
        return float(1 - c * mp.e ** (-(n - a) * within_s / aht_s))


def _reason(inputs: dict[str, np.ndarray], i: int, ours: int, theirs: int) -> str:
    calls, aht = inputs["contacts"][i], inputs["aht_s"][i]
    if theirs < 0:
        return "pyworkforce refuses zero volume; wfm needs 0 agents"
    low = min(ours, theirs)
    traffic = calls * aht / 900
    sl_low = _sl_mp(calls, aht, low, ANSWER_WITHIN_S)
    occ_ok = traffic / low <= MAX_OCCUPANCY if low > 0 else False
    who = "wfm" if low == ours else "pyworkforce"
    if sl_low >= SL_TARGET and occ_ok:
        return f"{low} agents meet the target (mpmath SL {sl_low:.6f}); the other is not minimal"
    return f"{who}'s {low} agents miss the target (mpmath SL {sl_low:.6f}, occ {traffic / low:.4f})"


def _timed(run: Callable[[], T], repeats: int) -> tuple[T, list[float]]:
    """The result of `run` and its wall times in seconds, over `repeats` runs after a warm-up."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return result, times


def _timings(times: list[float]) -> dict[str, float | int]:
    """How a bench line reports its wall times: median and best, in seconds, and the count."""
    return {
        "wall_s": round(statistics.median(times), 5),
        "min_s": round(min(times), 5),
        "repeats": len(times),
    }


def bench_erlang_c(inputs: dict[str, np.ndarray], repeats: int) -> tuple[float, float]:
    ours, times = _timed(lambda: wfm_requirements(inputs), repeats)
    wall = statistics.median(times)
    emit(
        {
            "bench": "staffing_erlang_c_week",
            "n": int(inputs["contacts"].size),
            **_timings(times),
            "total_agent_intervals": int(ours.sum()),
        }
    )
    return wall, min(times)


def bench_pyworkforce(
    inputs: dict[str, np.ndarray], wfm_wall_s: float, wfm_min_s: float, repeats: int
) -> None:
    theirs, times = _timed(lambda: pyworkforce_requirements(inputs), repeats)
    wall = statistics.median(times)
    ours = wfm_requirements(inputs)
    differ = np.flatnonzero(ours != theirs)
    reasons: dict[str, int] = {}
    details = []
    for i in differ:
        reason = _reason(inputs, int(i), int(ours[i]), int(theirs[i]))
        key = reason if theirs[i] < 0 else reason.split(" (")[0].split("'s")[0] + " ..."
        reasons[key] = reasons.get(key, 0) + 1
        if theirs[i] >= 0:
            details.append(
                {
                    "interval": int(i),
                    "wfm": int(ours[i]),
                    "pyworkforce": int(theirs[i]),
                    "reason": reason,
                }
            )
    emit(
        {
            "bench": "staffing_pyworkforce_week",
            "n": int(inputs["contacts"].size),
            **_timings(times),
            "wfm_wall_s": round(wfm_wall_s, 5),
            "wfm_min_s": round(wfm_min_s, 5),
            "ratio": round(wall / wfm_wall_s, 1),
            "ratio_min": round(min(times) / wfm_min_s, 1),
            "n_differ": int(differ.size),
            "differ_reasons": reasons,
            "differ_nonzero_volume": details,
        }
    )


def history_week(seed: int) -> tuple[pl.DataFrame, object]:
    """A week of sample-center history (open hours only, like a real export)."""
    center = load_center(CENTER)
    rng = np.random.default_rng(seed)
    starts = grid(WEEK_START, WEEK_START + dt.timedelta(days=7), center.tz, center.interval_s)
    parts = []
    for queue in center.queues:
        is_open = open_mask(queue, starts, center.tz).to_numpy()
        hours = (np.arange(starts.len()) % 96) / 4
        mean = np.where(is_open, 6 + 14 * np.exp(-0.5 * ((hours - 12) / 3) ** 2), 0.0)
        offered = rng.poisson(mean)
        handled = np.maximum(offered - rng.binomial(offered, 0.05), 0)
        aht = np.where(handled > 0, (queue.aht_s or 300) * rng.uniform(0.8, 1.2, mean.size), np.nan)
        parts.append(
            history_rows(queue.id, starts, offered, handled, aht).filter(pl.Series(is_open))
        )
    return pl.concat(parts), center


def bench_requirements_frame(seed: int, repeats: int) -> None:
    history, center = history_week(seed)
    req, times = _timed(lambda: requirements_from_frame(history, center), repeats)
    emit(
        {
            "bench": "staffing_requirements_week",
            "n": req.height,
            "n_queues": req["queue_id"].n_unique(),
            **_timings(times),
            "agent_hours_net": float(req["agents_net"].sum() * center.interval_s / 3600),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=31)
    parser.add_argument("--baseline-repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    inputs = week_inputs(args.seed)
    wall, best = bench_erlang_c(inputs, args.repeats)
    bench_pyworkforce(inputs, wall, best, args.baseline_repeats)
    bench_requirements_frame(args.seed, max(3, args.repeats // 4))


if __name__ == "__main__":
    main()

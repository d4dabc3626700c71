"""Interval history (README, Tables: `history`) from the demand model: offered, handled, abandoned,
AHT, and the service level the staffing in place achieved.

Real-time queues (voice, chat) had, per interval, the agents the Erlang requirement asked for
on the *expected* volume, times a day-level under/over-staffing factor, with occasional
understaffed late mornings. Abandonment then follows the Erlang A model (Palm, exponential
patience `patience_s`) for the *realised* volume: abandoned ~ Binomial(offered, P(abandon)).
Deferred queues (SMS, email) never abandon. The interval's AHT is the mean of the handled
contacts' handle times (gamma noise shrinking with the handled count).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.center import Center, Queue
from wfm.grid import with_local_columns
from wfm.loaders import SCHEMAS
from wfm.staffing.erlang import erlang_a
from wfm.synthetic.calendar import SampleEvent, sample_events
from wfm.synthetic.drivers import LAG_PROFILE, discharges
from wfm.synthetic.staffing_in_place import DEFAULT_PATIENCE_S, required_agents
from wfm.synthetic.volumes import day_calendar, queue_demand, queue_rng

__all__ = ["generate_history", "history_rows", "realize_queue"]

_AHT_CV = 0.8  # coefficient of variation of one contact's handle time
_STAFFING_NOISE_FRAC = 0.07
_STAFFING_BIAS = 0.03  # centers round up and pad a little on top of the requirement
_UNDERSTAFFED_DAY_FRAC = 0.12
_UNDERSTAFFED_FACTOR = 0.78


def _agents_in_place(
    center: Center, queue: Queue, demand: pl.DataFrame, rng: np.random.Generator
) -> np.ndarray:
    local = with_local_columns(demand.select("interval_start"), center.tz)
    assert isinstance(local, pl.DataFrame)
    day_codes = local["local_date"].to_physical().to_numpy()
    day_idx = day_codes - day_codes.min()
    n_days = int(day_idx.max()) + 1
    factor = rng.lognormal(_STAFFING_BIAS, _STAFFING_NOISE_FRAC, n_days)[day_idx]
    short_day = (rng.random(n_days) < _UNDERSTAFFED_DAY_FRAC)[day_idx]
    minute = local["minute_of_day"].to_numpy()
    late_morning = (minute >= 10 * 60) & (minute < 13 * 60)
    factor = np.where(short_day & late_morning, factor * _UNDERSTAFFED_FACTOR, factor)
    needed = required_agents(
        center, queue, demand["expected_volume"].to_numpy(), demand["expected_aht_s"].to_numpy()
    )
    floor = 2 if queue.is_24_7 else 1
    return np.maximum(np.rint(needed * factor), floor).astype(np.int64)


def realize_queue(center: Center, queue: Queue, demand: pl.DataFrame, *, seed: int) -> pl.DataFrame:
    """Sample one queue's history rows from its demand frame (see `queue_demand`)."""
    rng = queue_rng(seed, queue.id, 2)
    offered = rng.poisson(demand["rate"].to_numpy())
    aht_true = demand["expected_aht_s"].to_numpy()
    n = len(offered)
    service_level = np.full(n, np.nan)
    asa_s = np.full(n, np.nan)
    if queue.is_deferred:
        abandoned = np.zeros(n, dtype=np.int64)
    else:
        n_agents = _agents_in_place(center, queue, demand, rng)
        result = erlang_a(
            # A chat agent serving `concurrency` chats counts as that many servers.
            offered.astype(np.float64),
            aht_s=aht_true,
            interval_s=center.interval_s,
            n_agents=n_agents * queue.concurrency,
            patience_s=queue.patience_s or DEFAULT_PATIENCE_S,
            answer_within_s=queue.target.answer_within_s or 0.0,
        )
        p_abandon = np.clip(np.nan_to_num(np.asarray(result.p_abandon)), 0.0, 1.0)
        abandoned = rng.binomial(offered, p_abandon)
        asa_s = np.round(np.asarray(result.asa_s, dtype=np.float64), 1)
        if queue.target.answer_within_s is not None:
            service_level = np.round(np.asarray(result.service_level, dtype=np.float64), 4)
    handled = offered - abandoned
    safe = np.maximum(handled, 1)
    aht = rng.gamma(safe / _AHT_CV**2, aht_true * _AHT_CV**2 / safe)
    aht = np.where(handled > 0, np.round(aht), np.nan)
    no_contacts = offered == 0
    service_level = np.where(no_contacts, np.nan, service_level)
    asa_s = np.where(no_contacts, np.nan, asa_s)
    return pl.DataFrame(
        {
            "queue_id": demand["queue_id"],
            "interval_start": demand["interval_start"],
            "offered": offered.astype(np.int64),
            "handled": handled.astype(np.int64),
            "abandoned": abandoned.astype(np.int64),
            "aht_s": aht,
            "service_level": service_level,
            "asa_s": asa_s,
        },
        schema=SCHEMAS["history"].dtypes,
        nan_to_null=True,
    )


def history_rows(
    queue_id: str,
    starts: pl.Series,
    offered: np.ndarray,
    handled: np.ndarray,
    aht_s: np.ndarray,
) -> pl.DataFrame:
    """One queue's history rows (README, Tables: history) from per-interval arrays: the
    unhandled contacts are abandoned, and a NaN handle time (nothing handled) is empty."""
    return pl.DataFrame(
        {
            "queue_id": queue_id,
            "interval_start": starts,
            "offered": offered.astype(np.int64),
            "handled": handled.astype(np.int64),
            "abandoned": (offered - handled).astype(np.int64),
            "aht_s": aht_s,
        }
    ).with_columns(pl.col("aht_s").fill_nan(None))


def generate_history(
    center: Center,
    *,
    start: dt.date,
    n_days: int,
    seed: int,
    events: list[SampleEvent] | None = None,
    discharges_daily: np.ndarray | None = None,
) -> pl.DataFrame:
    """Synthetic interval history for every queue of `center` (a small panel for tests and
    benchmarks, or the two years of the sample center).

    Args:
        center: any center; queues without a sample profile get one from their channel.
        start: first local day.
        n_days: number of local days.
        seed: random seed; the same inputs give the same frame.
        events: calendar events (default: the sample calendar for the range).
        discharges_daily: daily discharges for the `len(LAG_PROFILE)` days before `start`
            and the `n_days` from it (default: generated with `seed`).

    Returns:
        The history table (README, Tables) sorted by queue_id, interval_start, with the optional
        `service_level` and `asa_s` columns; rows only for open intervals.
    """
    n_lag = len(LAG_PROFILE)
    if events is None:
        events = sample_events(start, start + dt.timedelta(days=n_days - 1))
    if discharges_daily is None:
        frame = discharges(center, start - dt.timedelta(days=n_lag), n_days + n_lag, seed=seed)
        discharges_daily = frame["discharges"].to_numpy()
    cal = day_calendar(center, start, n_days, events)
    parts = [
        realize_queue(
            center, q, queue_demand(center, q, cal, discharges_daily, seed=seed), seed=seed
        )
        for q in center.queues
    ]
    return pl.concat(parts).sort("queue_id", "interval_start")

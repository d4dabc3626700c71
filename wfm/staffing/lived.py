"""Requirements built for life: the agents to schedule so the plan meets its target as lived.

The plain gross-up (`agents_net / (1 - shrinkage)`) schedules the Erlang requirement plus the
average shrinkage. As lived (README, `wfm simulate`), the agents on the phones in an interval
are a random number: each scheduled agent misses the shift with its team's absence rate, is
off the phones for meetings and coaching part of the time, and loses some more to adherence
(late log-ins, long breaks, early log-outs). The average loss alone leaves half the intervals
below the Erlang boundary, where the service level falls faster than it rises above it.

Rules, in plain language (settings: the center's `life` section):

- At any moment each scheduled agent is on the phones, independently of the others, with
  probability `1 - absence - offphone - (1 - absence) x adherence_loss` (the simulator's
  shares: off-phone time is a share of all scheduled work, the adherence loss a share of the
  work of shifts worked), so the agents on the phones are binomial.
- A real-time queue's requirement is the smallest number of scheduled agents whose expected
  figures over that binomial (service level, ASA, abandonment: Erlang A or C at each number
  on the phones, `wfm.staffing.requirements.evaluate_agents`) meet every part of the target
  tightened by `staff_margin_frac`, and never fewer than the Erlang requirement over the
  on-phone share (which keeps the occupancy cap on average).
- A deferred queue (email, SMS) is work that waits: its backlog requirement over the on-phone
  share.
- With `staff_forecast_quantile` a forecast is staffed at that quantile of its own error:
  each queue's volume times the upper side of the forecaster's conformal band of actual /
  forecast weekly totals in its backtest (`forecasting.core.ratio_at_quantile`), so a week
  the forecast misses low is covered that often. The weekly error is a level error shared
  by the week's intervals; the interval band of the forecast table is not used, as it holds
  the Poisson noise of each interval, which Erlang already counts.
- `agents_net` stays the Erlang requirement with every agent on the phones; `agents_gross`
  (what the scheduler covers) becomes the whole number found. With no absence, no off-phone
  time, no adherence loss and no margin it equals `agents_net`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl
from scipy.stats import binom

from forecasting.core import ratio_at_quantile
from wfm.center import Center, Queue
from wfm.staffing.erlang import ServiceLevelBasis
from wfm.staffing.requirements import evaluate_agents

log = logging.getLogger(__name__)

__all__ = [
    "LivedAllowance",
    "at_forecast_quantile",
    "forecast_quantile",
    "lived_allowance",
    "staff_as_lived",
]

_MAX_ADDED = 200


@dataclass(frozen=True)
class LivedAllowance:
    """What the requirement allows for, per queue.

    Attributes:
        absence_frac: queue id -> the absence rate of the agents skilled for it.
        offphone_frac: share of scheduled work off the phones (meetings, coaching).
        adherence_loss_frac: share of the work of shifts worked lost to adherence.
        adherence_source: where the adherence loss was measured (for the summary).
        margin_frac: relative margin over every part of the target.
        forecast_quantile: the one-sided quantile of the forecast's weekly error a forecast
            is staffed at, or None (the point forecast).
        forecast_ratio: queue id -> the volume ratio applied at that quantile (filled by
            `at_forecast_quantile`; empty until a forecast is staffed).
        forecast_weeks: backtest weeks behind the ratios (the fewest over the queues).
        forecast_unmeasured: forecast queues with too little history for backtest weeks,
            staffed at their point forecast.
    """

    absence_frac: dict[str, float]
    offphone_frac: float
    adherence_loss_frac: float
    adherence_source: str
    margin_frac: float
    forecast_quantile: float | None = None
    forecast_ratio: dict[str, float] = field(default_factory=dict)
    forecast_weeks: int = 0
    forecast_unmeasured: tuple[str, ...] = ()

    def on_phone_frac(self, queue_id: str) -> float:
        """Probability that a scheduled agent of the queue is on the phones at a moment."""
        absence = self.absence_frac[queue_id]
        return max(
            1.0 - absence - self.offphone_frac - (1.0 - absence) * self.adherence_loss_frac,
            1e-3,
        )

    def describe(self) -> list[tuple[str, str]]:
        """(setting, value) lines for people."""
        rates = sorted(set(self.absence_frac.values()))
        absence = ", ".join(f"{r:.1%}" for r in rates) if rates else "0.0%"
        return [
            ("requirement", "built for life: expected figures over the agents on the phones"),
            ("absence", f"{absence} of shifts missed whole"),
            ("off the phones", f"{self.offphone_frac:.1%} of scheduled work"),
            ("adherence loss", f"{self.adherence_loss_frac:.1%} of work ({self.adherence_source})"),
            ("margin", f"every part of the target met by {self.margin_frac:.0%} more"),
            ("forecast error", self._describe_forecast()),
        ]

    def _describe_forecast(self) -> str:
        if self.forecast_quantile is None:
            return "none allowed: staffed at the point forecast"
        unmeasured = ", ".join(self.forecast_unmeasured)
        if not self.forecast_ratio and not unmeasured:
            return f"{self.forecast_quantile:.0%} quantile: not applied (history staffed)"
        if not self.forecast_ratio:
            return (
                f"{self.forecast_quantile:.0%} quantile: not applied, too little history for "
                f"backtest weeks ({unmeasured}: point forecast)"
            )
        ratios = ", ".join(f"{q} x{r:.3f}" for q, r in sorted(self.forecast_ratio.items()))
        rest = f"; {unmeasured}: point forecast (too little history)" if unmeasured else ""
        return (
            f"volume at the {self.forecast_quantile:.0%} quantile of the backtest's weekly "
            f"errors ({self.forecast_weeks} weeks): {ratios}{rest}"
        )


def lived_allowance(
    center: Center,
    *,
    adherence_loss_frac: float,
    adherence_source: str,
    roster: pl.DataFrame | None = None,
) -> LivedAllowance:
    """The allowance the center's `life` section gives (the loss measured from states apart).

    A queue's absence rate is the mean of its skilled agents' team rates (the roster), or the
    section's `absence_frac` without a roster or skilled agents.

    Raises:
        ValueError: the center has no life section.
    """
    life = center.life
    if life is None:
        raise ValueError("requirements built for life need the center's life section")
    rates: dict[str, list[float]] = {q.id: [] for q in center.queues}
    if roster is not None:
        for team, skills in roster.select("team", "skills").iter_rows():
            for skill in skills:
                if skill["queue_id"] in rates:
                    rates[skill["queue_id"]].append(center.absence_frac_for(team))
    return LivedAllowance(
        absence_frac={q: sum(r) / len(r) if r else life.absence_frac for q, r in rates.items()},
        offphone_frac=center.offphone_frac,
        adherence_loss_frac=adherence_loss_frac,
        adherence_source=adherence_source,
        margin_frac=life.staff_margin_frac,
        forecast_quantile=life.staff_forecast_quantile,
    )


def forecast_quantile(center: Center) -> float | None:
    """The quantile of the forecast's weekly error the center staffs a forecast at, if any."""
    life = center.life
    if life is None or not life.staff_as_lived:
        return None
    return life.staff_forecast_quantile


def at_forecast_quantile(
    forecast: pl.DataFrame,
    allowance: LivedAllowance,
    weekly_ratios: Mapping[str, Sequence[float]],
) -> tuple[pl.DataFrame, LivedAllowance]:
    """The forecast's volumes at the allowance's quantile of their weekly error, and the
    allowance that says which ratios were applied (see the module rules).

    Args:
        forecast: a forecast table (volume, volume_lo, volume_hi per queue x interval).
        allowance: the allowance (`forecast_quantile` None: the forecast is returned as is).
        weekly_ratios: queue id -> the backtest's actual / forecast weekly totals
            (`forecasting.ForecastResult.weekly_ratios`).

    A queue without backtest weeks (too little history) keeps its point forecast, with a
    warning, and the allowance lists it (`forecast_unmeasured`).
    """
    quantile = allowance.forecast_quantile
    if quantile is None:
        return forecast, allowance
    queues = sorted(set(forecast["queue_id"].to_list()))
    measured = [q for q in queues if weekly_ratios.get(q)]
    unmeasured = tuple(q for q in queues if q not in measured)
    if unmeasured:
        log.warning(
            "queues %s: too little history for the backtest weeks of the forecast's error; "
            "staffed at the point forecast",
            ", ".join(unmeasured),
        )
    ratio = {q: ratio_at_quantile(weekly_ratios[q], quantile) for q in measured}
    factor = pl.col("queue_id").replace_strict(ratio, default=1.0, return_dtype=pl.Float64)
    bands = [c for c in ("volume", "volume_lo", "volume_hi") if c in forecast.columns]
    scaled = forecast.with_columns(pl.col(c) * factor for c in bands)
    weeks = min((len(weekly_ratios[q]) for q in measured), default=0)
    return scaled, replace(
        allowance, forecast_ratio=ratio, forecast_weeks=weeks, forecast_unmeasured=unmeasured
    )


def _expected(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Row-wise expectation of values (n, k) under weights (n, k)."""
    return (values * weights).sum(axis=1)


def _scheduled_agents(
    rows: pl.DataFrame,
    queue: Queue,
    center: Center,
    on_phone: float,
    margin: float,
    basis: ServiceLevelBasis,
) -> np.ndarray:
    """Smallest scheduled agents per interval of a real-time queue (see the module rules)."""
    volume = rows["volume"].to_numpy()
    aht = np.nan_to_num(rows["aht_s"].to_numpy().astype(np.float64), nan=1.0)
    net = rows["agents_net"].to_numpy()
    busy = volume > 0
    n = np.where(busy, np.ceil(net / on_phone - 1e-9), 0).astype(np.int64)
    if not busy.any():
        return n
    t = queue.target
    idx = np.flatnonzero(busy)
    interval_s = float(center.interval_s)
    k_max = int(n[idx].max()) + _MAX_ADDED
    ks = np.arange(k_max + 1)
    fig = evaluate_agents(
        volume[idx, None],
        aht_s=aht[idx, None],
        interval_s=interval_s,
        n_agents=ks[None, :],
        answer_within_s=t.answer_within_s or 0.0,
        patience_s=queue.patience_s,
        concurrency=queue.concurrency,
        service_level_basis=basis,
    )
    # An unstable Erlang C queue, or nobody on the phones: nobody answered in time; a wait
    # no longer than the interval (the queue is reset by the next interval's staffing).
    sl = np.where(fig.stable, np.nan_to_num(fig.service_level, nan=0.0), 0.0)
    waited = np.minimum(np.nan_to_num(fig.asa_s, nan=interval_s), interval_s)
    asa = np.where(fig.stable, waited, interval_s)
    abandon = np.where(fig.stable, np.nan_to_num(fig.abandon_rate, nan=1.0), 1.0)
    sl_goal = None
    if t.service_level_frac is not None:
        sl_goal = min(t.service_level_frac * (1.0 + margin), 0.999)
    pending = np.arange(idx.size)
    found = n[idx].copy()
    for _ in range(_MAX_ADDED):
        weights = binom.pmf(ks[None, :], found[pending, None], on_phone)
        ok = np.ones(pending.size, dtype=bool)
        if sl_goal is not None:
            ok &= _expected(sl[pending], weights) >= sl_goal
        if t.max_asa_s is not None:
            ok &= _expected(asa[pending], weights) <= t.max_asa_s * (1.0 - margin)
        if t.max_abandon_frac is not None:
            ok &= _expected(abandon[pending], weights) <= t.max_abandon_frac * (1.0 - margin)
        pending = pending[~ok]
        if not pending.size:
            break
        found[pending] += 1
    n[idx] = found
    return n


def staff_as_lived(
    requirements: pl.DataFrame,
    center: Center,
    allowance: LivedAllowance,
    *,
    service_level_basis: ServiceLevelBasis = "offered",
) -> pl.DataFrame:
    """The requirements with `agents_gross` built for life (see the module rules).

    Args:
        requirements: a requirements table (`wfm.staffing.frame.requirements_from_frame`).
        center: the center (targets, patience, concurrency).
        allowance: absence, off-phone share, adherence loss and margin (`lived_allowance`).
        service_level_basis: the basis the requirements were computed on.
    """
    parts = []
    for (queue_id,), rows in requirements.sort("queue_id", "interval_start").group_by(
        "queue_id", maintain_order=True
    ):
        queue = center.queue(str(queue_id))
        on_phone = allowance.on_phone_frac(queue.id)
        if queue.is_deferred:
            gross = rows["agents_net"].to_numpy() / on_phone
        else:
            gross = _scheduled_agents(
                rows, queue, center, on_phone, allowance.margin_frac, service_level_basis
            ).astype(np.float64)
        parts.append(rows.with_columns(pl.Series("agents_gross", gross, dtype=pl.Float64)))
    if not parts:
        return requirements
    return pl.concat(parts).select(requirements.columns)

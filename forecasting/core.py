"""The Forecaster: per queue, validate, backtest the candidate models, pick, fit, predict.

Long frames in (the history table, README Tables), long frames out (the forecast table).
Inside, each queue becomes a local day matrix (see `forecasting.profiles`): interval models
see it flattened, daily models see daily totals with calendar / event / driver regressors and
are spread back to intervals by intraday profiles. The automatic choice is a rolling-origin
backtest: the model (or mean of the best few) with the lowest pooled interval + daily WAPE
over the last `n_folds` origins wins, except that when the days to forecast hold an event
that no backtest week held, only the models that read the events calendar compete (the
backtest cannot show what the event does). Estimated parameters are reused across origins
where a model supports `update`, so a backtest costs about two fits per model, not one per
origin.

A queue whose history is too short for a model falls back to the simplest model the data
supports, with a WARNING naming the queue; a queue that no model can fit raises ForecastError.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Self

import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from forecasting.aht import aht_for_dates
from forecasting.calendar import DayFeatures, day_features, declared_gap_days, outage_days
from forecasting.drivers import driver_effect, extend_driver, fit_lag_profile
from forecasting.metrics import wape
from forecasting.models import Model, WeightedSameWeekdayAverage, z_score
from forecasting.profiles import from_day_matrix, intraday_shares, spread_daily, to_day_matrix
from wfm.center import Center, Queue
from wfm.errors import ForecastError
from wfm.grid import date_runs, grid, open_mask
from wfm.loaders import FORECAST_COLUMNS

__all__ = [
    "Combination",
    "Forecaster",
    "QueueSeries",
    "build_queue_series",
    "ratio_at_quantile",
    "ratio_band",
    "single_thread_blas",
]

log = logging.getLogger(__name__)

_MIN_DRIVER_GAIN_FRAC = 0.05
_MIN_BAND_WEEKS = 8
_YEAR_DAYS = 365
# A linear trend and the yearly cycle are confounded until part of the year is seen twice:
# fit on one year, the trend soaks up the difference between the first and the last weeks
# (last winter's flu season against this autumn) and extrapolates it (+18 %/year on the
# sample's sched_voice against a true +4 %); the ARMA errors track the level instead.
_TREND_MIN_DAYS = 548
_HISTORY_COLUMNS = ("queue_id", "interval_start", "offered")


def single_thread_blas() -> threadpool_limits:
    """Context: one BLAS thread. The models multiply tiny matrices; BLAS threads only
    contend for the cores (a SARIMAX fit runs ~10x slower on a busy 2-core machine)."""
    return threadpool_limits(limits=1, user_api="blas")


@dataclass
class QueueSeries:
    """One queue's history on the local day matrix, plus day-level regressors.

    `offered` has NaN rows for missing days (data gaps: open days without any history row,
    listed in `gaps` as runs of local days) and outage days, which fitting and scoring skip;
    `daily` is NaN also on days the queue is closed all day. `features` covers history and
    future days (`dates`).
    """

    queue: Queue
    first_date: dt.date
    n_days: int
    offered: np.ndarray
    aht_s: np.ndarray
    handled: np.ndarray
    open_cells: np.ndarray
    features: DayFeatures
    gaps: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def daily(self) -> np.ndarray:
        total = self.offered.sum(axis=1)
        return np.where(self.open_cells[: self.n_days].any(axis=1), total, np.nan)

    def dates(self, start: int, stop: int) -> list[dt.date]:
        return [self.first_date + dt.timedelta(days=i) for i in range(start, stop)]


def _open_cells(queue: Queue, center: Center, first_date: dt.date, n_days: int) -> np.ndarray:
    starts = grid(first_date, first_date + dt.timedelta(days=n_days), center.tz, center.interval_s)
    frame = pl.DataFrame({"interval_start": starts, "open": open_mask(queue, starts, center.tz)})
    cells = to_day_matrix(
        frame.with_columns(pl.col("open").cast(pl.Float64)),
        "open",
        tz=center.tz,
        interval_s=center.interval_s,
        first_date=first_date,
        n_days=n_days,
    )
    return np.nan_to_num(cells) > 0


def build_queue_series(
    history: pl.DataFrame,
    center: Center,
    queue: Queue,
    *,
    end_date: dt.date | None = None,
    drivers: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    driver_holdout_days: int = 0,
) -> QueueSeries:
    """Arrange one queue's history and regressors, from its first history day to `end_date`.

    Args:
        history: the history table, any queues (this queue's rows are used).
        center: the center.
        queue: the queue.
        end_date: local date (exclusive) to build regressors and open hours up to; None =
            the day after the history ends.
        drivers: the drivers table (date + one column per driver), or None.
        events: the events table, or None.
        driver_holdout_days: estimate driver lag profiles without the last this many days
            (so a backtest does not see its own test weeks).
    """
    tz, interval_s = center.tz, center.interval_s
    rows = history.filter(pl.col("queue_id") == queue.id)
    if rows.height == 0:
        raise ForecastError(f"queue {queue.id}: no history rows")
    local_dates = rows["interval_start"].dt.convert_time_zone(center.timezone).dt.date()
    first_date, last_date = local_dates.min(), local_dates.max()
    assert isinstance(first_date, dt.date) and isinstance(last_date, dt.date)
    n_days = (last_date - first_date).days + 1
    common = {"tz": tz, "interval_s": interval_s, "first_date": first_date, "n_days": n_days}
    offered = to_day_matrix(rows, "offered", **common)
    handled = to_day_matrix(rows, "handled", **common) if "handled" in rows.columns else offered
    aht = (
        to_day_matrix(rows, "aht_s", absent=np.nan, **common)
        if "aht_s" in rows.columns
        else np.full_like(offered, np.nan)
    )
    n_total = max(n_days, (end_date - first_date).days) if end_date else n_days
    all_dates = [first_date + dt.timedelta(days=i) for i in range(n_total)]
    open_cells = _open_cells(queue, center, first_date, n_total)
    notes = []
    closed_day = ~open_cells[:n_days].any(axis=1)
    offered[closed_day] = 0.0  # no rows on a day the queue is closed is not missing data
    declared = declared_gap_days(events, center, queue.id, all_dates[:n_days])
    offered[declared] = np.nan
    missing = np.flatnonzero(np.isnan(offered).all(axis=1))
    gaps = date_runs([first_date + dt.timedelta(days=int(i)) for i in missing])
    outage = outage_days(events, center, queue.id, all_dates[:n_days])
    if outage.any():
        offered[outage] = np.nan
        notes.append(f"{int(outage.sum())} outage day(s) left out as outliers")
    features = day_features(
        center,
        queue.id,
        all_dates,
        anchor=first_date,
        events=events,
        yearly_terms=3 if n_days >= _YEAR_DAYS else 0,
        trend=n_days >= _TREND_MIN_DAYS,
    )
    series = QueueSeries(
        queue, first_date, n_days, offered, aht, handled, open_cells, features, gaps=gaps
    )
    series.notes.extend(notes)
    if drivers is not None and drivers.height:
        _add_driver_features(
            series, drivers, all_dates, max(n_days - driver_holdout_days, min(n_days, 56))
        )
    return series


def _add_driver_features(
    series: QueueSeries, drivers: pl.DataFrame, all_dates: list[dt.date], fit_days: int
) -> None:
    """Add one effect column per driver that explains enough of this queue's daily volume."""
    by_date = dict.fromkeys(all_dates)
    lookup = {d: i for i, d in enumerate(all_dates)}
    names = [c for c in drivers.columns if c != "date"]
    dates = drivers["date"].to_list()
    values, cols = list(series.features.names), [series.features.values]
    controls = series.features.values[:fit_days]
    y = series.daily[:fit_days]
    for name in names:
        raw = np.full(len(by_date), np.nan)
        for d, v in zip(dates, drivers[name].to_list(), strict=True):
            if d in lookup and v is not None:
                raw[lookup[d]] = v
        known = np.flatnonzero(np.isfinite(raw[: series.n_days]))
        if known.size < 56:
            continue
        full = extend_driver(raw, len(all_dates))
        profile = fit_lag_profile(y, full[:fit_days], controls=controls)
        if profile.rss_gain_frac < _MIN_DRIVER_GAIN_FRAC:
            continue
        effect = driver_effect(full, profile)
        scale = float(np.mean(effect[:fit_days])) or 1.0
        values.append(f"driver_{name}")
        cols.append((effect / scale - 1.0)[:, None])
        series.notes.append(
            f"driver {name}: {profile.calls_per_discharge:.3f} calls per unit over "
            f"{profile.weights.size} lag days (explains {profile.rss_gain_frac:.0%} of residual)"
        )
    series.features = DayFeatures(values=np.hstack(cols), names=tuple(values))


@dataclass(frozen=True)
class _Prediction:
    """Interval-level forecast for consecutive local days (days x slots matrices)."""

    mean: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


@dataclass(frozen=True)
class Combination:
    """The equal-weight mean of several models' interval forecasts (a forecast combination).

    Combinations of the best few backtested models are candidates in the automatic choice:
    averaging models that err differently often beats each of them.
    """

    members: tuple[Model, ...]

    def __repr__(self) -> str:
        return "mean(" + "+".join(repr(m) for m in self.members) + ")"


def _reads_calendar(model: Model) -> bool:
    """True for a daily model that takes the calendar / event regressors."""
    return model.uses_exog and getattr(model, "use_exog", True)


def _mean_prediction(preds: Sequence[_Prediction]) -> _Prediction:
    return _Prediction(
        np.mean([p.mean for p in preds], axis=0),
        np.mean([p.lo for p in preds], axis=0),
        np.mean([p.hi for p in preds], axis=0),
    )


def ratio_band(ratios: Sequence[float], level: float) -> tuple[float, float]:
    """The (lo, hi) band of actual / forecast ratios bounding a new week at `level` %.

    Split-conformal order statistics of the backtest's weekly ratios; each side at least
    the typical miss (see the body). `level` = 2 q - 1 (in %) makes `hi` the one-sided
    q-quantile: the ratio a staffed forecast is scaled by (README, `wfm staff`).
    """
    # Split-conformal order statistics: the k-th smallest of n with k = ceil((n + 1) *
    # (1 - tail)) bounds a new exchangeable week with probability >= 1 - tail. Backtest
    # weeks are neither independent nor free of the choice's optimism, hence the below.
    tail = (1 - level / 100) / 2
    ranked = np.sort(np.asarray(ratios, dtype=np.float64))
    n = ranked.size
    lo = float(ranked[max(int(np.floor((n + 1) * tail)), 1) - 1])
    hi = float(ranked[min(int(np.ceil((n + 1) * (1 - tail))), n) - 1])
    # The same bound on |log ratio| gives each side at least the typical miss: backtest
    # weeks that all erred one way (a bias the next weeks need not repeat) would
    # otherwise leave the other side of the band at the point forecast.
    logs = np.sort(np.abs(np.log(ranked[ranked > 0])))
    if logs.size:
        k = min(max(int(np.ceil((logs.size + 1) * (1 - 2 * tail))), 1), logs.size)
        spread = float(np.exp(logs[k - 1]))
        lo, hi = min(lo, 1 / spread), max(hi, spread)
    return min(lo, 1.0), max(hi, 1.0)


def ratio_at_quantile(ratios: Sequence[float], quantile: float) -> float:
    """The upper side of `ratio_band` at one-sided `quantile` (0.9: the level-80 band's hi)."""
    return ratio_band(ratios, 100 * (2 * quantile - 1))[1]


class Forecaster:
    """Per-queue model choice and forecasting over the center's local interval grid.

    Args:
        models: candidate models (interval or daily granularity); one model (or one
            combination, e.g. an earlier choice refit at another origin) = no backtest.
        center: the center (time zone, interval, queues, holidays).
        level: prediction interval level in % (80 -> volume_lo / volume_hi at 10 % / 90 %).
        n_folds: rolling origins in the automatic choice.
        backtest_days: horizon of each backtest fold in days.
        fold_step_days: days between backtest origins.
        max_combined: also try the mean of the best 2 .. this many models (1 = never).
        weekly_bands: also measure, per queue, the chosen model's backtest errors of weekly
            totals (`weekly_band_`: the (lo, hi) ratios of actual / forecast that bound a
            week at `level`; `weekly_ratios_`: the ratios themselves), for the managers'
            weekly view and for staffing at a quantile of the forecast's error; summing
            interval bands would treat every interval's error as perfectly correlated with
            every other's and be far too wide.
        band_folds: rolling origins of the backtest behind the weekly band (default
            `n_folds`); more than the choice's folds backtest the chosen model alone on
            the extra origins (a one-week horizon has one week per origin), as many as the
            history holds, and no band below `_MIN_BAND_WEEKS` weeks.
    """

    def __init__(
        self,
        models: Sequence[Model | Combination],
        *,
        center: Center,
        level: int = 80,
        n_folds: int = 4,
        backtest_days: int = 7,
        fold_step_days: int = 7,
        max_combined: int = 3,
        weekly_bands: bool = False,
        band_folds: int | None = None,
    ) -> None:
        self._validate(models, level, n_folds)
        self.models = list(models)
        self.center = center
        self.level = level
        self.n_folds = n_folds
        self.backtest_days = backtest_days
        self.fold_step_days = fold_step_days
        self.max_combined = max_combined
        self.weekly_bands = weekly_bands
        self.band_folds = max(band_folds or n_folds, n_folds)
        self.n_slots = 86400 // center.interval_s
        self.fitted_: dict[str, tuple[Model | Combination, QueueSeries]] = {}
        self.scores_: list[dict[str, object]] = []
        self.weekly_band_: dict[str, tuple[float, float]] = {}
        self.weekly_ratios_: dict[str, tuple[float, ...]] = {}
        self._backtests: dict[str, list[tuple[int, _Prediction]]] = {}

    @staticmethod
    def _validate(models: Sequence[Model | Combination], level: int, n_folds: int) -> None:
        if not models:
            raise ForecastError("give at least one model")
        names = [repr(m) for m in models]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ForecastError(f"duplicate model names {dupes}: give each one an alias")
        z_score(level)
        if n_folds < 1:
            raise ForecastError(f"n_folds must be >= 1, got {n_folds}")

    # ---- one model on one queue ------------------------------------------------------------
    def _predict_with(
        self,
        model: Model | Combination,
        series: QueueSeries,
        origin: int,
        h_days: int,
        *,
        mode: str,
    ) -> _Prediction:
        """Predict days [origin, origin + h) after fitting `model` on days [0, origin).

        `mode` is "fit" (estimate), "update" (re-filter with the estimated parameters where
        the model can, else fit) or "none" (already fitted on exactly these days).
        """
        if isinstance(model, Combination):
            return _mean_prediction(
                [self._predict_with(m, series, origin, h_days, mode=mode) for m in model.members]
            )
        X = series.features.values
        open_cells = series.open_cells[origin : origin + h_days]
        if model.granularity == "interval":
            y = series.offered[:origin].ravel()
            if mode != "none":
                model.fit(y)
            out = model.predict(h_days * self.n_slots, level=[self.level])
            shape = (h_days, self.n_slots)
            mean = out["mean"].reshape(shape)
            lo = out[f"lo-{self.level}"].reshape(shape)
            hi = out[f"hi-{self.level}"].reshape(shape)
            zero = ~open_cells
            return _Prediction(
                np.where(zero, 0.0, mean), np.where(zero, 0.0, lo), np.where(zero, 0.0, hi)
            )
        y = series.daily[:origin]
        x_train = X[:origin] if model.uses_exog else None
        x_future = X[origin : origin + h_days] if model.uses_exog else None
        if hasattr(model, "first_date"):
            model.first_date = series.first_date  # date-aware models (Prophet) anchor day 0
        if mode == "update" and hasattr(model, "update"):
            model.update(y, x_train)
        elif mode != "none":
            model.fit(y, x_train)
        out = model.predict(h_days, X=x_future, level=[self.level])
        shares = intraday_shares(
            series.offered[:origin], series.first_date, series.dates(origin, origin + h_days)
        )
        weights = spread_daily(np.ones(h_days), shares, open_cells)
        mean = out["mean"][:, None] * weights
        z = z_score(self.level)
        poisson = z * np.sqrt(mean)
        lo_half = np.hypot((out["mean"] - out[f"lo-{self.level}"])[:, None] * weights, poisson)
        hi_half = np.hypot((out[f"hi-{self.level}"] - out["mean"])[:, None] * weights, poisson)
        return _Prediction(mean, np.maximum(mean - lo_half, 0.0), mean + hi_half)

    def _usable_features(self, series: QueueSeries, train_days: int) -> None:
        """Keep regressors that vary where the queue has data (the rest cannot be estimated)."""
        X = series.features.values
        ok = np.isfinite(series.daily[:train_days])
        keep = (
            [j for j in range(X.shape[1]) if np.ptp(X[:train_days][ok, j]) > 0] if ok.any() else []
        )
        series.features = DayFeatures(
            values=X[:, keep], names=tuple(series.features.names[j] for j in keep)
        )

    # ---- backtest and choice ---------------------------------------------------------------
    def _origins(self, n_days: int, n_folds: int | None = None) -> list[int]:
        last = n_days - self.backtest_days
        folds = n_folds or self.n_folds
        return [last - k * self.fold_step_days for k in range(folds - 1, -1, -1)]

    def backtest_series(
        self, models: Sequence[Model], series: QueueSeries, *, n_folds: int | None = None
    ) -> dict[str, list[tuple[int, _Prediction]]]:
        """Rolling-origin predictions per model: {alias: [(origin, prediction), ...]}
        (`n_folds` origins, default the choice's)."""
        results: dict[str, list[tuple[int, _Prediction]]] = {}
        for proto in models:
            model = copy.deepcopy(proto)
            if hasattr(model, "uncertainty_samples"):
                model.uncertainty_samples = 0  # means only: much faster
            preds = []
            try:
                for k, origin in enumerate(self._origins(series.n_days, n_folds)):
                    preds.append(
                        (
                            origin,
                            self._predict_with(
                                model,
                                series,
                                origin,
                                self.backtest_days,
                                mode="update" if k else "fit",
                            ),
                        )
                    )
            except ForecastError as exc:
                log.info("queue %s: model %s skipped in backtest: %s", series.queue.id, model, exc)
                continue
            results[repr(model)] = preds
        return results

    def _score(self, series: QueueSeries, preds: list[tuple[int, _Prediction]]) -> float:
        """Interval WAPE + daily WAPE, pooled over the folds.

        Interval errors alone are dominated by Poisson noise that no model can remove; the
        daily term lets the better level win among models that spread the same profile.
        """
        actual = np.concatenate([series.offered[o : o + self.backtest_days] for o, _ in preds])
        fc = np.concatenate([p.mean for _, p in preds])
        return wape(actual, fc) + wape(actual.sum(axis=1), fc.sum(axis=1))

    def _unseen_events(self, series: QueueSeries) -> list[str]:
        """Event columns active on a day to forecast but on none of the backtest's test days."""
        X, n = series.features.values, series.n_days
        tested = np.zeros(n, dtype=bool)
        for origin in self._origins(n):
            tested[max(origin, 0) : origin + self.backtest_days] = True
        return [
            name
            for j, name in enumerate(series.features.names)
            if name.startswith("event_")
            and (X[n:, j] != 0).any()
            and not (X[:n][tested, j] != 0).any()
        ]

    def _backtest_span_days(self) -> int:
        """The days the backtest folds cover, from the first fold's origin to the last day."""
        return self.backtest_days + (self.n_folds - 1) * self.fold_step_days

    def _min_backtest_days(self) -> int:
        return self._backtest_span_days() + 28

    def _choose(self, series: QueueSeries) -> Model | Combination:
        qid = series.queue.id
        min_days = self._min_backtest_days()
        if len(self.models) == 1:
            return copy.deepcopy(self.models[0])
        if series.n_days < min_days:
            return self._fallback(
                series,
                f"{series.n_days} days of history are too few to backtest {self.n_folds} "
                f"folds (need {min_days})",
            )
        results = self.backtest_series(self.models, series)
        self._backtests = results
        scores = {alias: self._score(series, preds) for alias, preds in results.items()}
        for alias, score in scores.items():
            self.scores_.append({"queue_id": qid, "model": alias, "score": score})
        finite = {a: s for a, s in scores.items() if np.isfinite(s)}
        if not finite:
            return copy.deepcopy(self.models[0])
        by_alias = {repr(m): m for m in self.models}
        unseen = self._unseen_events(series)
        readers = {a: s for a, s in finite.items() if _reads_calendar(by_alias[a])}
        if unseen and readers:
            # The backtest weeks cannot show what an event does; only the models that read
            # the events calendar can place it on the coming days.
            log.info(
                "queue %s: %s in the forecast days but in no backtest week: choosing among %s",
                qid,
                ", ".join(unseen),
                ", ".join(readers),
            )
            finite = readers
        ranked = sorted(finite, key=finite.__getitem__)
        candidates: dict[str, Model | Combination] = {a: by_alias[a] for a in ranked}
        for k in range(2, min(self.max_combined, len(ranked)) + 1):
            combo = Combination(tuple(by_alias[a] for a in ranked[:k]))
            preds = [
                (origin, _mean_prediction([results[a][i][1] for a in ranked[:k]]))
                for i, (origin, _) in enumerate(results[ranked[0]])
            ]
            finite[repr(combo)] = self._score(series, preds)
            candidates[repr(combo)] = combo
            self.scores_.append(
                {"queue_id": qid, "model": repr(combo), "score": finite[repr(combo)]}
            )
        best = min(finite, key=finite.__getitem__)
        log.info("queue %s: chose %s (backtest WAPE %.3f)", qid, best, finite[best])
        return copy.deepcopy(candidates[best])

    def _fallback(self, series: QueueSeries, reason: str) -> Model:
        """The simplest model the history supports, logged with the queue and the reason."""
        n_days_seen = int(np.isfinite(series.offered).all(axis=1).sum())
        if n_days_seen >= 7:
            model: Model = WeightedSameWeekdayAverage(season_length=7 * self.n_slots)
        elif n_days_seen >= 1:
            model = WeightedSameWeekdayAverage(
                season_length=self.n_slots, weights=(1.0,) * n_days_seen, alias="recent_slot_avg"
            )
        else:
            raise ForecastError(f"queue {series.queue.id}: no usable history days to forecast from")
        log.warning(
            "queue %s: %s; using the simplest model the data supports: %s",
            series.queue.id,
            reason,
            model,
        )
        return model

    # ---- public verbs ---------------------------------------------------------------------
    def check_history(self, history: pl.DataFrame) -> None:
        """Raise ForecastError if `history` lacks a column or has a queue the center lacks."""
        missing = [c for c in _HISTORY_COLUMNS if c not in history.columns]
        if missing:
            raise ForecastError(f"history lacks column(s) {missing}")
        unknown = sorted(set(history["queue_id"].unique().to_list()) - set(self.center.queue_ids))
        if unknown:
            raise ForecastError(f"history has queue(s) not in the center config: {unknown}")

    def fit(
        self,
        history: pl.DataFrame,
        *,
        end_date: dt.date,
        drivers: pl.DataFrame | None = None,
        events: pl.DataFrame | None = None,
        progress: Callable[[str], None] | None = None,
        queue_ids: Sequence[str] | None = None,
    ) -> Self:
        """Choose and fit a model per queue of the center found in `history`.

        Args:
            history: the history table.
            end_date: the last forecast day + 1 (local); regressors are built up to it.
            drivers: the drivers table, or None.
            events: the events table, or None.
            progress: called with each queue id when it is done.
            queue_ids: fit only these queues (None = every queue of the center).
        """
        self.check_history(history)
        with single_thread_blas():
            for queue in self.center.queues:
                if queue_ids is not None and queue.id not in queue_ids:
                    continue
                if history.filter(pl.col("queue_id") == queue.id).height == 0:
                    log.warning("queue %s: no history rows; not forecast", queue.id)
                    continue
                self._fit_queue(history, queue, end_date, drivers, events)
                if progress is not None:
                    progress(queue.id)
        return self

    def _fit_queue(
        self,
        history: pl.DataFrame,
        queue: Queue,
        end_date: dt.date,
        drivers: pl.DataFrame | None,
        events: pl.DataFrame | None,
    ) -> None:
        span = self._backtest_span_days()
        series = build_queue_series(
            history,
            self.center,
            queue,
            end_date=end_date,
            drivers=drivers,
            events=events,
            driver_holdout_days=span,
        )
        for note in series.notes:
            log.info("queue %s: %s", queue.id, note)
        if series.gaps:
            log.warning(
                "queue %s: data gap(s) left out of fitting and scoring, not read as zeros: %s",
                queue.id,
                ", ".join(
                    str(a) if a == b else f"{a} to {b} ({(b - a).days + 1} days)"
                    for a, b in series.gaps
                ),
            )
        self._usable_features(series, max(series.n_days - span, 1))
        self._backtests = {}
        model: Model | Combination = self._choose(series)
        try:
            self._predict_with(model, series, series.n_days, 1, mode="fit")
        except ForecastError as exc:
            model = self._fallback(series, str(exc))
            self._predict_with(model, series, series.n_days, 1, mode="fit")
        self.fitted_[queue.id] = (model, series)
        if self.weekly_bands:
            ratios = self._weekly_ratios(series, model)
            if ratios is not None:
                self.weekly_ratios_[queue.id] = tuple(ratios)
                self.weekly_band_[queue.id] = ratio_band(ratios, self.level)

    def _weekly_ratios(self, series: QueueSeries, model: Model | Combination) -> list[float] | None:
        """Actual / forecast weekly totals of the chosen model in the backtest.

        Each fold's first full weeks are compared; weeks with a missing day are skipped.
        None when the backtest has fewer than `_MIN_BAND_WEEKS` such weeks.
        """
        members = model.members if isinstance(model, Combination) else (model,)
        aliases = [repr(m) for m in members]
        backtests = self._backtests
        if self.band_folds > self.n_folds:
            # As many origins as the history holds (28 days of training before the first).
            room = (series.n_days - 28 - self.backtest_days) // self.fold_step_days + 1
            folds = min(self.band_folds, room)
            backtests = {}
            if folds * (self.backtest_days // 7) >= _MIN_BAND_WEEKS:
                backtests = self.backtest_series(members, series, n_folds=folds)
        else:
            missing = [m for m, a in zip(members, aliases, strict=True) if a not in backtests]
            if missing and series.n_days >= self._min_backtest_days():
                backtests.update(self.backtest_series(missing, series))
        if any(a not in backtests for a in aliases):
            return None
        folds = [
            (origin, _mean_prediction([backtests[a][i][1] for a in aliases]))
            for i, (origin, _) in enumerate(backtests[aliases[0]])
        ]
        ratios = []
        for origin, pred in folds:
            for w in range(self.backtest_days // 7):
                days = slice(origin + 7 * w, origin + 7 * w + 7)
                actual = series.offered[days]
                fc = float(pred.mean[7 * w : 7 * w + 7].sum())
                if np.isfinite(actual).all() and fc > 0:
                    ratios.append(float(actual.sum()) / fc)
        if len(ratios) < _MIN_BAND_WEEKS:
            return None
        return ratios

    def predict(self, start: dt.date, horizon_days: int) -> pl.DataFrame:
        """The forecast table for local days [start, start + horizon_days)."""
        if not self.fitted_:
            raise ForecastError("Forecaster is not fitted: call fit() first")
        frames = []
        for qid, (model, series) in self.fitted_.items():
            offset = (start - series.first_date).days - series.n_days
            if offset < 0:
                raise ForecastError(f"queue {qid}: forecast start {start} is inside the history")
            h = offset + horizon_days
            if series.open_cells.shape[0] < series.n_days + h:
                raise ForecastError(f"queue {qid}: fit() was told fewer future days than {h}")
            pred = self._predict_with(model, series, series.n_days, h, mode="none")
            dates = series.dates(series.n_days, series.n_days + h)
            aht = aht_for_dates(
                series.aht_s,
                series.handled,
                series.first_date,
                dates,
                fallback_aht_s=series.queue.aht_s or float("nan"),
            )
            cut = slice(offset, h)
            frame = from_day_matrix(
                {
                    "volume": pred.mean[cut],
                    "volume_lo": pred.lo[cut],
                    "volume_hi": pred.hi[cut],
                    "aht_s": aht[cut],
                },
                tz=self.center.tz,
                interval_s=self.center.interval_s,
                first_date=start,
            )
            is_open = open_mask(series.queue, frame["interval_start"], self.center.tz)
            frame = frame.with_columns(
                [
                    pl.when(is_open).then(pl.col(c)).otherwise(0.0).alias(c)
                    for c in ("volume", "volume_lo", "volume_hi")
                ]
            )
            frames.append(
                frame.with_columns(
                    pl.lit(qid).alias("queue_id"), pl.lit(repr(model)).alias("model")
                ).select(FORECAST_COLUMNS)
            )
        return pl.concat(frames)

    def cross_validation(self, history: pl.DataFrame, **kwargs: object) -> pl.DataFrame:
        """Rolling-origin predictions of every model for every queue.

        Returns:
            long frame queue_id, model, origin (local date of the fold's first day),
            interval_start, y (actual offered, NaN on missing days), y_hat.
        """
        rows = []
        for queue in self.center.queues:
            if history.filter(pl.col("queue_id") == queue.id).height == 0:
                continue
            series = self.series_for_backtest(history, queue, **kwargs)  # type: ignore[arg-type]
            for alias, preds in self.backtest_series(self.models, series).items():
                for origin, pred in preds:
                    actual = series.offered[origin : origin + self.backtest_days]
                    frame = from_day_matrix(
                        {"y": actual, "y_hat": pred.mean},
                        tz=self.center.tz,
                        interval_s=self.center.interval_s,
                        first_date=series.first_date + dt.timedelta(days=origin),
                    )
                    rows.append(
                        frame.with_columns(
                            pl.lit(queue.id).alias("queue_id"),
                            pl.lit(alias).alias("model"),
                            pl.lit(series.first_date + dt.timedelta(days=origin)).alias("origin"),
                        )
                    )
        if not rows:
            raise ForecastError("no queue has history to backtest")
        return pl.concat(rows).select("queue_id", "model", "origin", "interval_start", "y", "y_hat")

    def series_for_backtest(
        self,
        history: pl.DataFrame,
        queue: Queue,
        *,
        drivers: pl.DataFrame | None = None,
        events: pl.DataFrame | None = None,
    ) -> QueueSeries:
        """A queue's series prepared for a backtest (driver profiles fit before the folds)."""
        span = self._backtest_span_days()
        series = build_queue_series(
            history,
            self.center,
            queue,
            drivers=drivers,
            events=events,
            driver_holdout_days=span,
        )
        self._usable_features(series, max(series.n_days - span, 1))
        return series

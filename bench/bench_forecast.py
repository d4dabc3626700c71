"""Forecast quality and speed: the table of the forecasting issue's definition of done.

Cases (one JSON line each, then a summary table):
  * sample_interval  1-week-ahead interval WAPE per voice queue over N rolling origins: the
                     automatic choice (re-run from scratch at every origin, so the choice
                     itself is tested) against seasonal naive; daily WAPE against Prophet
                     with default settings.
  * driver_ablation  the same with and without the drivers file (discharges).
  * flu_ablation     the planner's flu-season question: from origins at and before the
                     last complete flu season's start, forecast 6 weeks and score the days
                     inside the season, with and without the events calendar (sarimax,
                     drivers held out of both arms so only the calendar differs; a second
                     case keeps the drivers file in both arms).
  * bank             real data (US bank 2003): auto vs seasonal naive vs a 4-week same-slot
                     average, 1 week ahead, N origins and --bank-origins origins.
  * weekly_coverage  the managers' view: 12-week weekly forecasts (auto) from origins 8 weeks
                     apart; share of (queue, week) totals inside the 80 % band and its median
                     width relative to the forecast.
  * speed            1-week interval forecast with model choice (8 queues x 2 years) and a
                     52-week weekly forecast: wall time and peak RSS.

Run from the project root:
    python bench/bench_forecast.py --sample data/sample \
        --bank ../shared/realdata/us_bank_2003_calls_5min.csv
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
from common import git_sha

from forecasting import Forecaster, forecast, to_weekly, wape
from forecasting.adapters.prophet import ProphetDaily
from forecasting.models import SeasonalNaive, WeightedSameWeekdayAverage
from wfm.center import Center, load_center
from wfm.grid import local_midnight_utc
from wfm.loaders import load_drivers, load_events, load_history

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(case: str, **fields: object) -> dict[str, object]:
    row = {"bench": "forecast", "case": case, "git_sha": git_sha(), **fields}
    print(json.dumps(row, default=str), flush=True)
    return row


Runner = Callable[[pl.DataFrame, dt.date], pl.DataFrame]


def _auto(
    center: Center,
    drivers: pl.DataFrame | None,
    events: pl.DataFrame | None,
    model: str = "auto",
    horizon_days: int = 7,
) -> Runner:
    def run(history: pl.DataFrame, start: dt.date) -> pl.DataFrame:
        return forecast(
            history,
            center,
            start=start,
            horizon_days=horizon_days,
            drivers=drivers,
            events=events,
            model=model,
        ).forecast

    return run


def _single(center: Center, make: Callable[[], object]) -> Runner:
    def run(history: pl.DataFrame, start: dt.date) -> pl.DataFrame:
        fc = Forecaster([make()], center=center)  # type: ignore[list-item]
        fc.fit(history, end_date=start + dt.timedelta(days=7))
        return fc.predict(start, 7)

    return run


def rolling_errors(
    history: pl.DataFrame,
    center: Center,
    origins: list[dt.date],
    runners: dict[str, Runner],
    *,
    horizon_days: int = 7,
    scored: tuple[dt.date, dt.date] | None = None,
) -> pl.DataFrame:
    """Interval and daily WAPE per queue and runner, pooled over the origins.

    Each origin's forecast covers `horizon_days` local days; with `scored` = (first, last
    + 1), only those local days count.
    """
    rows = []
    for origin in origins:
        cut = local_midnight_utc(origin, center.tz)
        end = local_midnight_utc(origin + dt.timedelta(days=horizon_days), center.tz)
        past = history.filter(pl.col("interval_start") < cut)
        actual = history.filter(pl.col("interval_start").is_between(cut, end, closed="left"))
        days_seen = actual.select(
            "queue_id",
            pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date().alias("day"),
        ).unique()
        for name, run in runners.items():
            fc = run(past, origin)
            joined = fc.join(
                actual.select("queue_id", "interval_start", "offered"),
                on=["queue_id", "interval_start"],
                how="left",
            ).with_columns(
                pl.col("offered").fill_null(0).cast(pl.Float64),
                pl.col("interval_start")
                .dt.convert_time_zone(center.timezone)
                .dt.date()
                .alias("day"),
            )
            # Days without any history row (holidays the bank closed, gaps) are not scored:
            # there is no actual to score against.
            joined = joined.join(days_seen, on=["queue_id", "day"], how="semi")
            if scored is not None:
                joined = joined.filter(pl.col("day").is_between(*scored, closed="left"))
            rows.append(
                joined.with_columns(pl.lit(name).alias("runner"), pl.lit(origin).alias("origin"))
            )
    frame = pl.concat(rows, how="diagonal_relaxed")
    out = []
    for (qid, name), part in frame.group_by("queue_id", "runner"):
        daily = part.group_by("origin", "day").agg(pl.col("offered").sum(), pl.col("volume").sum())
        out.append(
            {
                "queue_id": qid,
                "runner": name,
                "interval_wape": wape(part["offered"].to_numpy(), part["volume"].to_numpy()),
                "daily_wape": wape(daily["offered"].to_numpy(), daily["volume"].to_numpy()),
                "models": ",".join(sorted(set(part["model"].to_list()))),
            }
        )
    return pl.DataFrame(out).sort("queue_id", "runner")


def _weekly_origins(last_day: dt.date, n: int) -> list[dt.date]:
    """The n Mondays whose weeks end at or before `last_day`, oldest first."""
    monday = last_day - dt.timedelta(days=(last_day.weekday() + 1) % 7 + 6)
    if (last_day - monday).days < 6:
        monday -= dt.timedelta(days=7)
    return [monday - dt.timedelta(days=7 * k) for k in range(n - 1, -1, -1)]


def _auto_and_baselines(
    history: pl.DataFrame,
    center: Center,
    origins: list[dt.date],
    drivers: pl.DataFrame | None,
    events: pl.DataFrame | None,
    **others: Callable[[], object],
) -> pl.DataFrame:
    """Rolling errors of the automatic choice, the seasonal naive, and `others` (runner name:
    model factory)."""
    week = 7 * 86400 // center.interval_s
    runners = {
        "auto": _auto(center, drivers, events),
        "seasonal_naive": _single(center, lambda: SeasonalNaive(season_length=week)),
    }
    runners |= {name: _single(center, factory) for name, factory in others.items()}
    return rolling_errors(history, center, origins, runners)


def bench_sample(sample: Path, n_origins: int) -> None:
    center = load_center(sample / "center.yaml")
    history = load_history(sample / "history.parquet", center)
    drivers = load_drivers(sample / "drivers.csv", center)
    events = load_events(sample / "events.csv", center)
    last = center.local_date(history["interval_start"].max())
    origins = _weekly_origins(last, n_origins)
    voice = [q.id for q in center.queues if q.channel == "voice"]
    t0 = time.perf_counter()
    table = _auto_and_baselines(
        history,
        center,
        origins,
        drivers,
        events,
        prophet_default=lambda: ProphetDaily(
            use_exog=False, uncertainty_samples=0, alias="prophet_default"
        ),
    )
    for qid in center.queue_ids:
        part = {
            r["runner"]: r for r in table.filter(pl.col("queue_id") == qid).iter_rows(named=True)
        }
        auto, naive, prophet = part["auto"], part["seasonal_naive"], part["prophet_default"]
        _emit(
            "sample_interval",
            queue_id=qid,
            voice=qid in voice,
            origins=len(origins),
            auto_models=auto["models"],
            auto_interval_wape=round(auto["interval_wape"], 4),
            naive_interval_wape=round(naive["interval_wape"], 4),
            reduction_vs_naive=round(1 - auto["interval_wape"] / naive["interval_wape"], 4),
            auto_daily_wape=round(auto["daily_wape"], 4),
            prophet_default_daily_wape=round(prophet["daily_wape"], 4),
        )
    _emit("sample_interval_total", wall_s=round(time.perf_counter() - t0, 1))

    ablation = rolling_errors(
        history,
        center,
        origins,
        {
            "with_drivers": _auto(center, drivers, events, model="sarimax"),
            "without_drivers": _auto(center, None, events, model="sarimax"),
        },
    )
    for qid in center.queue_ids:
        part = {
            r["runner"]: r for r in ablation.filter(pl.col("queue_id") == qid).iter_rows(named=True)
        }
        _emit(
            "driver_ablation",
            queue_id=qid,
            model="sarimax",
            with_drivers_daily_wape=round(part["with_drivers"]["daily_wape"], 4),
            without_drivers_daily_wape=round(part["without_drivers"]["daily_wape"], 4),
            with_drivers_interval_wape=round(part["with_drivers"]["interval_wape"], 4),
            without_drivers_interval_wape=round(part["without_drivers"]["interval_wape"], 4),
        )

    bench_flu(history, center, drivers, events)


def bench_flu(
    history: pl.DataFrame, center: Center, drivers: pl.DataFrame, events: pl.DataFrame
) -> None:
    """Events-calendar ablation on the last flu season that ends inside the history.

    A planner forecasts the season before it starts: origins are the Mondays 2 and 1 weeks
    before the season's first day and the Monday of its first week; each forecasts 6 weeks,
    and only days inside the season are scored (its first 4-6 weeks). Both arms run sarimax
    (the model that takes the calendar as regressors) so the calendar is the one difference;
    a third arm drops only the flu-season rows (the rest of the calendar, such as open
    enrollment, stays).
    """
    flu = events.filter(pl.col("kind") == "flu_season").sort("start")
    past_flu = flu.filter(pl.col("end") <= history["interval_start"].max()).tail(1)
    if past_flu.height == 0:
        return
    first = center.local_date(past_flu["start"][0])
    last = center.local_date(past_flu["end"][0] - dt.timedelta(microseconds=1))
    monday = first - dt.timedelta(days=first.weekday())
    flu_origins = [monday - dt.timedelta(days=7 * k) for k in (2, 1, 0)]
    horizon = 42
    no_flu = events.filter(pl.col("kind") != "flu_season")
    for case, drv in (("flu_ablation", None), ("flu_ablation_with_drivers", drivers)):
        flu_table = rolling_errors(
            history,
            center,
            flu_origins,
            {
                "with_events": _auto(center, drv, events, "sarimax", horizon),
                "without_events": _auto(center, drv, None, "sarimax", horizon),
                "without_flu_rows": _auto(center, drv, no_flu, "sarimax", horizon),
            },
            horizon_days=horizon,
            scored=(first, last + dt.timedelta(days=1)),
        )
        for qid in center.queue_ids:
            part = {
                r["runner"]: r
                for r in flu_table.filter(pl.col("queue_id") == qid).iter_rows(named=True)
            }
            _emit(
                case,
                queue_id=qid,
                season=f"{first}..{last}",
                origins=[str(o) for o in flu_origins],
                horizon_days=horizon,
                with_events_daily_wape=round(part["with_events"]["daily_wape"], 4),
                without_events_daily_wape=round(part["without_events"]["daily_wape"], 4),
                without_flu_rows_daily_wape=round(part["without_flu_rows"]["daily_wape"], 4),
                with_events_interval_wape=round(part["with_events"]["interval_wape"], 4),
                without_events_interval_wape=round(part["without_events"]["interval_wape"], 4),
            )


def bench_weekly_coverage(sample: Path, n_origins: int) -> None:
    center = load_center(sample / "center.yaml")
    history = load_history(sample / "history.parquet", center)
    drivers = load_drivers(sample / "drivers.csv", center)
    events = load_events(sample / "events.csv", center)
    horizon = 84
    last = center.local_date(history["interval_start"].max())
    final = _weekly_origins(last - dt.timedelta(days=horizon - 7), 1)[0]
    origins = [final - dt.timedelta(days=56 * k) for k in range(n_origins - 1, -1, -1)]
    actual = to_weekly(
        history.select(
            "queue_id",
            "interval_start",
            pl.col("offered").cast(pl.Float64).alias("volume"),
            pl.lit(0.0).alias("volume_lo"),
            pl.lit(0.0).alias("volume_hi"),
            pl.lit(0.0).alias("aht_s"),
            pl.lit("actual").alias("model"),
        ),
        center,
    ).select("queue_id", "interval_start", pl.col("volume").alias("actual"))
    t0 = time.perf_counter()
    rows = []
    for origin in origins:
        weekly = forecast(
            history,
            center,
            start=origin,
            horizon_days=horizon,
            drivers=drivers,
            events=events,
            granularity="week",
        ).forecast
        rows.append(weekly.join(actual, on=["queue_id", "interval_start"], how="inner"))
    table = pl.concat(rows).with_columns(
        pl.col("actual").is_between(pl.col("volume_lo"), pl.col("volume_hi")).alias("inside"),
        ((pl.col("volume_hi") - pl.col("volume_lo")) / pl.col("volume")).alias("width_frac"),
        ((pl.col("actual") / pl.col("volume")) - 1).abs().alias("abs_err_frac"),
    )
    for (qid,), part in table.group_by("queue_id", maintain_order=True):
        _emit(
            "weekly_coverage",
            queue_id=qid,
            weeks=part.height,
            coverage=round(part["inside"].mean(), 3),
            median_width_frac=round(part["width_frac"].median(), 3),
            median_abs_err_frac=round(part["abs_err_frac"].median(), 3),
        )
    _emit(
        "weekly_coverage_total",
        origins=[str(o) for o in origins],
        level=80,
        weeks=table.height,
        coverage=round(table["inside"].mean(), 3),
        median_width_frac=round(table["width_frac"].median(), 3),
        wall_s=round(time.perf_counter() - t0, 1),
    )


def bench_speed(sample: Path, repeats: int) -> None:
    center = load_center(sample / "center.yaml")
    history = load_history(sample / "history.parquet", center)
    drivers = load_drivers(sample / "drivers.csv", center)
    events = load_events(sample / "events.csv", center)
    start = center.local_date(history["interval_start"].max()) + dt.timedelta(days=1)
    for case, horizon, granularity in (
        ("speed_1w_interval_auto", 7, "interval"),
        ("speed_52w_weekly_auto", 364, "week"),
    ):
        walls = []
        for _ in range(repeats + 1):  # the first run is the warm-up (imports, caches)
            t0 = time.perf_counter()
            forecast(
                history,
                center,
                start=start,
                horizon_days=horizon,
                drivers=drivers,
                events=events,
                granularity=granularity,
            )
            walls.append(time.perf_counter() - t0)
        _emit(
            case,
            n_queues=len(center.queues),
            history_rows=history.height,
            warmup_s=round(walls[0], 1),
            wall_s=round(min(walls[1:]), 1),
            peak_rss_mb=round(_rss_mb()),
        )


def bench_bank(path: Path, n_origins: int) -> None:
    center = load_center(ROOT / "tests" / "forecasting" / "fixtures" / "bank_center.yaml")
    raw = pl.read_csv(path)
    local = raw["interval_start"].str.to_datetime("%Y-%m-%d %H:%M:%S")
    frame = pl.DataFrame(
        {
            "queue_id": "bank",
            "interval_start": local.dt.replace_time_zone(center.timezone).dt.convert_time_zone(
                "UTC"
            ),
            "offered": raw["calls"],
            "handled": raw["calls"],
            "abandoned": 0,
            # The export has no handle times; the loader needs one where calls were handled.
            "aht_s": pl.Series([center.queue("bank").aht_s] * raw.height, dtype=pl.Float64),
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        frame.write_csv(Path(tmp) / "bank.csv")
        history = load_history(Path(tmp) / "bank.csv", center, source_interval_s=300)
    week = 7 * 86400 // center.interval_s
    origins = _weekly_origins(center.local_date(history["interval_start"].max()), n_origins)
    t0 = time.perf_counter()
    table = _auto_and_baselines(
        history,
        center,
        origins,
        None,
        None,
        avg_4w=lambda: WeightedSameWeekdayAverage(
            season_length=week, weights=(1, 1, 1, 1), alias="avg_4w"
        ),
    )
    part = {r["runner"]: r for r in table.iter_rows(named=True)}
    _emit(
        "bank",
        origins=len(origins),
        auto_models=part["auto"]["models"],
        auto_interval_wape=round(part["auto"]["interval_wape"], 4),
        naive_interval_wape=round(part["seasonal_naive"]["interval_wape"], 4),
        avg_4w_interval_wape=round(part["avg_4w"]["interval_wape"], 4),
        reduction_vs_naive=round(
            1 - part["auto"]["interval_wape"] / part["seasonal_naive"]["interval_wape"], 4
        ),
        reduction_vs_avg_4w=round(
            1 - part["auto"]["interval_wape"] / part["avg_4w"]["interval_wape"], 4
        ),
        wall_s=round(time.perf_counter() - t0, 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument(
        "--bank",
        type=Path,
        default=ROOT.parent / "shared" / "realdata" / "us_bank_2003_calls_5min.csv",
    )
    parser.add_argument("--origins", type=int, default=4)
    parser.add_argument(
        "--bank-origins",
        type=int,
        default=12,
        help="also score the bank over this many weekly origins (its 164 days allow 12): "
        "4 weeks are too few to tell models 2 %% apart",
    )
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--weekly-origins", type=int, default=8)
    parser.add_argument(
        "--only", choices=("sample", "flu", "weekly", "speed", "bank"), action="append"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    np.random.seed(0)
    only = set(args.only or ("sample", "weekly", "speed", "bank"))
    if "bank" in only:
        for n in sorted({args.origins, args.bank_origins}):
            bench_bank(args.bank, n)
    if "speed" in only:
        bench_speed(args.sample, args.repeats)
    if "weekly" in only:
        bench_weekly_coverage(args.sample, args.weekly_origins)
    if "sample" in only:
        bench_sample(args.sample, args.origins)
    elif "flu" in only:
        center = load_center(args.sample / "center.yaml")
        bench_flu(
            load_history(args.sample / "history.parquet", center),
            center,
            load_drivers(args.sample / "drivers.csv", center),
            load_events(args.sample / "events.csv", center),
        )


if __name__ == "__main__":
    main()

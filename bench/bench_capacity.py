"""Capacity plan bands: coverage of the 80 % weekly band per horizon on the sample center.

The automatic weekly forecast (`forecast(granularity="week")`) picks a model per queue on the
whole history; each queue's model is then refit from origins `--step-weeks` apart (each with
at least `--min-train-days` of history before it) and forecasts up to 52 weeks. The band is
calibrated per horizon bucket (weeks 1-4, 5-13, 14-26, 27-52) and scored leave-one-origin-out
(`forecasting.horizon.band_coverage`). With two years of history only the origins in the
first year reach 52 weeks ahead, so that bucket rests on few origins: the JSON says how many.

Run from the project root:
    python bench/bench_capacity.py --sample data/sample [--workers 2] [--errors-out FILE]
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import polars as pl
from common import emit, peak_rss_mb

from forecasting import forecast
from forecasting.horizon import backtest_origins, band_coverage, calibrate_band, horizon_errors
from wfm.center import load_center
from wfm.execution import InProcessExecutor, LocalProcessExecutor
from wfm.loaders import load_drivers, load_events, load_history
from wfm.usecases.forecast import first_day_after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=Path("data/sample"))
    parser.add_argument("--step-weeks", type=int, default=4)
    parser.add_argument("--min-train-days", type=int, default=182)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--errors-in", type=Path, help="reuse a table written by --errors-out")
    parser.add_argument("--errors-out", type=Path, help="also write the backtest errors")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    center = load_center(args.sample / "center.yaml")
    history = load_history(args.sample / "history.parquet", center)
    drivers = load_drivers(args.sample / "drivers.csv", center)
    events = load_events(args.sample / "events.csv", center)
    t0 = time.perf_counter()
    if args.errors_in:
        errors = pl.read_parquet(args.errors_in)
        origins = sorted(errors["origin"].unique().to_list())
    else:
        chosen = forecast(
            history,
            center,
            start=first_day_after(history, center),
            horizon_days=364,
            drivers=drivers,
            events=events,
            granularity="week",
        ).forecast
        models = dict(chosen.select("queue_id", "model").unique().iter_rows())
        origins = backtest_origins(
            history, center, step_weeks=args.step_weeks, min_train_days=args.min_train_days
        )
        executor = LocalProcessExecutor(args.workers) if args.workers > 1 else InProcessExecutor()
        with executor:
            errors = horizon_errors(
                history,
                center,
                models=models,
                origins=origins,
                drivers=drivers,
                events=events,
                executor=executor,
            )
    if args.errors_out:
        errors.write_parquet(args.errors_out)
    coverage = band_coverage(errors)
    band = calibrate_band(errors)
    for row in coverage.iter_rows(named=True):
        at = band.filter(pl.col("weeks_ahead") == row["up_to_weeks"]).row(0, named=True)
        emit(
            {
                "bench": "capacity",
                "case": f"band_coverage_{row['bucket']}w",
                "level": 80,
                **row,
                "coverage": round(row["coverage"], 3),
                "median_width_frac": round(row["median_width_frac"], 3),
                "band_at_bucket_end": [round(at["lo_ratio"], 3), round(at["hi_ratio"], 3)],
            }
        )
    emit(
        {
            "bench": "capacity",
            "case": "band_backtest",
            "origins": [str(o) for o in origins],
            "queues": errors["queue_id"].n_unique(),
            "weeks": errors.height,
            "wall_s": round(time.perf_counter() - t0, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
        }
    )


if __name__ == "__main__":
    main()

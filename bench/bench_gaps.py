"""A month cut out of the history: the weeks after the gap forecast about as well as with it.

The sample's history with every row of September 2026 removed (a data gap: the loader warns
of it, forecasting leaves it out of fitting and scoring) against the full history, forecast
one week ahead from each Monday of the weeks after the gap (automatic model choice, drivers
and events as in `wfm plan`). Prints per queue the interval WAPE of both arms and their
ratio, pooled over the origins, and the ratio of the pooled WAPE over all queues.

Run from the project root:
    python bench/bench_gaps.py --sample data/sample --origins 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import polars as pl
from bench_forecast import _auto, rolling_errors
from common import ROOT, emit

from wfm.center import load_center
from wfm.grid import local_midnight_utc
from wfm.loaders import load_drivers, load_events, load_history

GAP = (dt.date(2026, 9, 1), dt.date(2026, 10, 1))  # local days, end exclusive
FIRST_ORIGIN = dt.date(2026, 10, 5)  # the first Monday after the gap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=Path, default=ROOT / "data" / "sample")
    parser.add_argument("--origins", type=int, default=4, help="Mondays after the gap")
    parser.add_argument("--model", default="auto")
    args = parser.parse_args()
    center = load_center(args.sample / "center.yaml")
    history = load_history(args.sample / "history.parquet", center)
    drivers = load_drivers(args.sample / "drivers.csv", center)
    events = load_events(args.sample / "events.csv", center)
    lo, hi = (local_midnight_utc(d, center.tz) for d in GAP)
    gapped = history.filter(~pl.col("interval_start").is_between(lo, hi, closed="left"))
    origins = [FIRST_ORIGIN + dt.timedelta(weeks=k) for k in range(args.origins)]
    voice = [q.id for q in center.queues if q.channel == "voice"]
    tables = {}
    for arm, frame in (("full", history), ("gap", gapped)):
        started = time.perf_counter()
        tables[arm] = rolling_errors(
            frame, center, origins, {arm: _auto(center, drivers, events, model=args.model)}
        )
        emit({"bench": "gaps", "case": f"{arm}_time", "wall_s": time.perf_counter() - started})
    both = tables["full"].join(tables["gap"], on="queue_id", suffix="_gap")
    for rec in both.sort("queue_id").iter_rows(named=True):
        emit(
            {
                "bench": "gaps",
                "case": "queue",
                "queue_id": rec["queue_id"],
                "wape_full": round(rec["interval_wape"], 4),
                "wape_gap": round(rec["interval_wape_gap"], 4),
                "ratio": round(rec["interval_wape_gap"] / rec["interval_wape"], 4),
                "models_full": rec["models"],
                "models_gap": rec["models_gap"],
            }
        )
    voice_rows = both.filter(pl.col("queue_id").is_in(voice))
    emit(
        {
            "bench": "gaps",
            "case": "summary",
            "gap": f"{GAP[0]} to {GAP[1] - dt.timedelta(days=1)}",
            "origins": [str(o) for o in origins],
            "mean_wape_full": round(both["interval_wape"].mean(), 4),
            "mean_wape_gap": round(both["interval_wape_gap"].mean(), 4),
            "ratio_all": round(both["interval_wape_gap"].mean() / both["interval_wape"].mean(), 4),
            "ratio_voice": round(
                voice_rows["interval_wape_gap"].mean() / voice_rows["interval_wape"].mean(), 4
            ),
            "worst_queue_ratio": round(
                (both["interval_wape_gap"] / both["interval_wape"]).max(), 4
            ),
        }
    )


if __name__ == "__main__":
    main()

"""`wfm forecast` and `wfm backtest`: volume and AHT forecasts per queue x interval."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from wfm.center import load_center
from wfm.cli.main import app
from wfm.cli.options import (
    CenterOpt,
    ClusterOpt,
    DriversOpt,
    EventsOpt,
    HistoryOpt,
    ModelOpt,
    OutFileOpt,
    ProcessesOpt,
    console,
    day_option,
    parse_horizon_days,
    queue_progress,
)
from wfm.execution import Executor
from wfm.usecases.forecast import (
    ForecastInputs,
    ForecastRun,
    load_forecast_inputs,
    run_backtest,
    run_forecast,
)

__all__: list[str] = []


def _summary(run: ForecastRun) -> Table:
    table = Table("queue", "model", "volume", "aht_s", title=f"Forecast written to {run.files[0]}")
    for qid, chosen, vol, aht in (
        run.result.forecast.group_by("queue_id", "model", maintain_order=True)
        .agg(
            pl.col("volume").sum(),
            (pl.col("aht_s") * pl.col("volume")).sum() / pl.col("volume").sum(),
        )
        .iter_rows()
    ):
        table.add_row(qid, chosen, f"{vol:,.0f}", f"{aht:,.0f}" if aht == aht else "-")
    return table


@contextlib.contextmanager
def _queue_job(
    label: str,
    center: Path,
    history: Path,
    drivers: Path | None,
    events: Path | None,
    cluster: str | None,
    workers: int | None,
) -> Iterator[tuple[ForecastInputs, Executor, Callable[[str], None]]]:
    """The forecast inputs, and the executor and progress callback of a job over their queues."""
    cfg = load_center(center)
    with queue_progress(label, len(cfg.queues), cluster=cluster, workers=workers) as progress:
        yield load_forecast_inputs(cfg, history, drivers=drivers, events=events), *progress


@app.command("forecast")
def forecast_cmd(
    history: HistoryOpt,
    center: CenterOpt,
    out: OutFileOpt,
    start: Annotated[
        dt.date | None, day_option("First local day [default: after the history].")
    ] = None,
    horizon: Annotated[str, typer.Option("--horizon", help="Length: 6w, 52w, 10d.")] = "6w",
    drivers: DriversOpt = None,
    events: EventsOpt = None,
    model: ModelOpt = "auto",
    granularity: Annotated[
        str, typer.Option("--granularity", help="interval (planners) or week (managers).")
    ] = "interval",
    level: Annotated[int, typer.Option("--level", help="Prediction interval level in %.")] = 80,
    fte_hours: Annotated[
        float, typer.Option("--fte-hours", help="Paid hours of one FTE per week (week view).")
    ] = 40.0,
    plot: Annotated[
        bool, typer.Option("--plot/--no-plot", help="Write OUT.png and OUT.html.")
    ] = True,
    cluster: ClusterOpt = None,
    workers: ProcessesOpt = None,
) -> None:
    """Forecast volume (with a prediction interval) and AHT per queue x interval.

    Example:
        wfm forecast --history data/sample/history.parquet --center data/sample/center.yaml
        --drivers data/sample/drivers.csv --events data/sample/events.csv
        --start 2026-11-23 --horizon 6w --out out/forecast.csv --cluster local:2
    """
    horizon_days = parse_horizon_days(horizon)
    job = _queue_job("forecasting queues", center, history, drivers, events, cluster, workers)
    with job as (inputs, executor, queue_done):
        run = run_forecast(
            inputs,
            out_path=out,
            start=start,
            horizon_days=horizon_days,
            model=model,
            level=level,
            granularity=granularity,
            fte_hours=fte_hours,
            plot=plot,
            progress=queue_done,
            executor=executor,
        )
    console.print(_summary(run))
    for path in run.files[1:]:
        console.print(f"plot: {path}")


@app.command("backtest")
def backtest_cmd(
    history: HistoryOpt,
    center: CenterOpt,
    horizon: Annotated[str, typer.Option("--horizon", help="Horizon per fold: 1w, 3d.")] = "1w",
    folds: Annotated[
        int, typer.Option("--folds", min=1, help="Rolling origins, a week apart.")
    ] = 4,
    drivers: DriversOpt = None,
    events: EventsOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the table (.csv or .parquet)."),
    ] = None,
    cluster: ClusterOpt = None,
    workers: ProcessesOpt = None,
) -> None:
    """Rolling-origin backtest: WAPE, MASE and bias per queue and model, interval and daily.

    Example:
        wfm backtest --history data/sample/history.parquet --center data/sample/center.yaml
        --horizon 1w --folds 4 --workers 2
    """
    horizon_days = parse_horizon_days(horizon)
    job = _queue_job("backtesting queues", center, history, drivers, events, cluster, workers)
    with job as (inputs, executor, queue_done):
        run = run_backtest(
            inputs,
            horizon_days=horizon_days,
            n_folds=folds,
            out_path=out,
            progress=queue_done,
            executor=executor,
        )
    view = Table("queue", "model", "level", "WAPE", "MASE", "bias", title="Backtest")
    for row in run.table.sort("queue_id", "level", "wape").iter_rows(named=True):
        view.add_row(
            row["queue_id"],
            row["model"],
            row["level"],
            f"{row['wape']:.1%}",
            f"{row['mase']:.2f}",
            f"{row['bias']:+.1%}",
        )
    console.print(view)

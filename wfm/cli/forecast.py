"""`wfm forecast` and `wfm backtest`: volume and AHT forecasts per queue x interval."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from wfm.center import load_center
from wfm.cli.main import app
from wfm.execution import executor_from_option
from wfm.loaders import load_drivers, load_events, load_history

__all__: list[str] = []

ONE_DAY = dt.timedelta(days=1)
console = Console()
if not console.is_terminal:
    console = Console(width=140)

HistoryOpt = Annotated[Path, typer.Option("--history", help="History table (CSV or Parquet).")]
CenterOpt = Annotated[Path, typer.Option("--center", help="Center configuration YAML.")]
DriversOpt = Annotated[
    Path | None, typer.Option("--drivers", help="Daily drivers, e.g. discharges (past + planned).")
]
EventsOpt = Annotated[Path | None, typer.Option("--events", help="Events calendar.")]
ClusterOpt = Annotated[
    str | None,
    typer.Option(
        "--cluster",
        help="Run the work units (forecast queues, schedule pools) on Dask: tcp://host:8786 "
        "(a running scheduler) or local:N (start N local workers). Needs pip install "
        "'wfm[dask]'.",
    ),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Run the queues in N local processes (no Dask)."),
]


def _days(text: str) -> int:
    """'6w' -> 42, '10d' -> 10 (the horizon option)."""
    match = re.fullmatch(r"\s*(\d+)\s*([wd])\s*", text.lower())
    if not match or int(match.group(1)) < 1:
        raise typer.BadParameter(f"expected e.g. 6w or 10d, got {text!r}")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def _write(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.write_parquet(path)
    else:
        frame.write_csv(path)


@app.command("forecast")
def forecast_cmd(
    history: HistoryOpt,
    center: CenterOpt,
    out: Annotated[Path, typer.Option("--out", help="Output forecast table (.csv/.parquet).")],
    start: Annotated[
        dt.datetime | None,
        typer.Option(
            "--start", formats=["%Y-%m-%d"], help="First local day [default: after the history]."
        ),
    ] = None,
    horizon: Annotated[str, typer.Option("--horizon", help="Length: 6w, 52w, 10d.")] = "6w",
    drivers: DriversOpt = None,
    events: EventsOpt = None,
    model: Annotated[
        str,
        typer.Option(
            "--model",
            help="auto, or a model: seasonal_naive, weighted_avg, avg_4w, weighted_avg_daily, "
            "ets, sarimax, prophet, prophet_plain.",
        ),
    ] = "auto",
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
    workers: WorkersOpt = None,
) -> None:
    """Forecast volume (with a prediction interval) and AHT per queue x interval.

    Example:
        wfm forecast --history data/sample/history.parquet --center data/sample/center.yaml
        --drivers data/sample/drivers.csv --events data/sample/events.csv
        --start 2026-11-23 --horizon 6w --out out/forecast.csv --cluster local:2
    """
    from forecasting import forecast
    from forecasting.plots import plot_forecast, write_plot

    cfg = load_center(center)
    hist = load_history(history, cfg)
    first_day = start.date() if start else cfg.local_date(hist["interval_start"].max()) + ONE_DAY
    with (
        executor_from_option(cluster, workers=workers) as executor,
        Progress(console=Console(stderr=True), transient=True) as bar,
    ):
        task = bar.add_task("forecasting queues", total=len(cfg.queues))
        result = forecast(
            hist,
            cfg,
            start=first_day,
            horizon_days=_days(horizon),
            drivers=load_drivers(drivers, cfg) if drivers else None,
            events=load_events(events, cfg) if events else None,
            model=model,
            level=level,
            granularity=granularity,
            fte_hours=fte_hours,
            progress=lambda _qid: bar.advance(task),
            executor=executor,
        )
    _write(result.forecast, out)
    summary = Table("queue", "model", "volume", "aht_s", title=f"Forecast written to {out}")
    for qid, chosen, vol, aht in (
        result.forecast.group_by("queue_id", "model", maintain_order=True)
        .agg(
            pl.col("volume").sum(),
            (pl.col("aht_s") * pl.col("volume")).sum() / pl.col("volume").sum(),
        )
        .iter_rows()
    ):
        summary.add_row(qid, chosen, f"{vol:,.0f}", f"{aht:,.0f}" if aht == aht else "-")
    console.print(summary)
    if plot:
        png = plot_forecast(hist, result.forecast, cfg, weekly=granularity == "week")
        for path in write_plot(png, out, title=f"{cfg.name}: forecast from {first_day}"):
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
    out: Annotated[Path | None, typer.Option("--out", help="Also write the table (.csv).")] = None,
    cluster: ClusterOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Rolling-origin backtest: WAPE, MASE and bias per queue and model, interval and daily.

    Example:
        wfm backtest --history data/sample/history.parquet --center data/sample/center.yaml
        --horizon 1w --folds 4 --workers 2
    """
    from forecasting import backtest

    cfg = load_center(center)
    hist = load_history(history, cfg)
    with (
        executor_from_option(cluster, workers=workers) as executor,
        Progress(console=Console(stderr=True), transient=True) as bar,
    ):
        task = bar.add_task("backtesting queues", total=len(cfg.queues))
        table = backtest(
            hist,
            cfg,
            horizon_days=_days(horizon),
            n_folds=folds,
            drivers=load_drivers(drivers, cfg) if drivers else None,
            events=load_events(events, cfg) if events else None,
            progress=lambda _qid: bar.advance(task),
            executor=executor,
        )
    if out is not None:
        _write(table, out)
    view = Table("queue", "model", "level", "WAPE", "MASE", "bias", title="Backtest")
    for row in table.sort("queue_id", "level", "wape").iter_rows(named=True):
        view.add_row(
            row["queue_id"],
            row["model"],
            row["level"],
            f"{row['wape']:.1%}",
            f"{row['mase']:.2f}",
            f"{row['bias']:+.1%}",
        )
    console.print(view)

"""Plots of history and forecast per queue, as PNG bytes."""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import polars as pl

from wfm.center import Center

__all__ = ["plot_forecast"]


def _local(frame: pl.DataFrame, center: Center) -> pl.Series:
    return frame["interval_start"].dt.convert_time_zone(center.timezone).dt.replace_time_zone(None)


def plot_forecast(
    history: pl.DataFrame,
    forecast: pl.DataFrame,
    center: Center,
    *,
    history_days: int = 21,
    weekly: bool = False,
) -> bytes:
    """PNG bytes: one panel per queue, recent history (local time) and the forecast band.

    Args:
        history: the history table.
        forecast: the forecast table (interval or weekly rows).
        center: the center (time zone).
        history_days: days of history shown before the forecast (x 7 for weekly plots).
        weekly: plot weekly totals of history beside a weekly forecast.
    """
    queue_ids = forecast["queue_id"].unique(maintain_order=True).to_list()
    fig, axes = plt.subplots(len(queue_ids), 1, figsize=(11, 2.2 * len(queue_ids)), squeeze=False)
    start = forecast["interval_start"].min()
    assert isinstance(start, dt.datetime)
    days = history_days * (7 if weekly else 1)
    recent = history.filter(
        (pl.col("interval_start") >= start - dt.timedelta(days=days))
        & (pl.col("interval_start") < start)
    )
    for ax, qid in zip(axes[:, 0], queue_ids, strict=True):
        past = recent.filter(pl.col("queue_id") == qid).sort("interval_start")
        future = forecast.filter(pl.col("queue_id") == qid).sort("interval_start")
        if weekly and past.height:
            local = _local(past, center)
            past = (
                past.with_columns(local.dt.truncate("1w").alias("week"))
                .group_by("week")
                .agg(pl.col("offered").sum())
                .sort("week")
            )
            ax.plot(past["week"], past["offered"], color="0.3", lw=1, label="history")
        elif past.height:
            ax.plot(_local(past, center), past["offered"], color="0.3", lw=0.6, label="history")
        x = _local(future, center)
        ax.fill_between(
            x,
            future["volume_lo"],
            future["volume_hi"],
            color="C0",
            alpha=0.25,
            label="prediction interval",
        )
        ax.plot(x, future["volume"], color="C0", lw=0.9, label=f"forecast ({future['model'][0]})")
        ax.set_title(qid, fontsize=9, loc="left")
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()

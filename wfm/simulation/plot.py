"""The service-level picture of a simulation."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import polars as pl

__all__ = ["plot_service_level"]


def _with_gaps(part: pl.DataFrame, interval_s: int) -> pl.DataFrame:
    """Rows for every interval between the first and last, null where the input has none, so
    that lines break over closed hours instead of holding the last value."""
    part = part.sort("interval_start")
    full = pl.datetime_range(
        part["interval_start"].min(),
        part["interval_start"].max(),
        interval=f"{interval_s}s",
        eager=True,
    ).alias("interval_start")
    return pl.DataFrame(full).join(part, on="interval_start", how="left")


def plot_service_level(
    intervals: pl.DataFrame, path: str | Path, *, tz: str, interval_s: int
) -> Path:
    """Achieved service level per interval (mean and 95 % CI band) against the target, one
    panel per queue that has a service level; x axis in the center's local time.

    Args:
        intervals: `SimulationResult.intervals`.
        path: the PNG to write.
        tz: the center's IANA time zone.
        interval_s: the interval length, seconds.
    """
    path = Path(path)
    # Local wall-clock times; gaps are filled in UTC first so a DST day keeps its intervals.
    frame = intervals.filter(pl.col("threshold_s").is_not_null())
    queues = frame["queue_id"].unique(maintain_order=True).to_list()
    fig, axes = plt.subplots(
        max(1, len(queues)), 1, figsize=(12, 2.2 * max(1, len(queues))), sharex=True, squeeze=False
    )
    for ax, queue_id in zip(axes[:, 0], queues, strict=False):
        part = _with_gaps(frame.filter(pl.col("queue_id") == queue_id), interval_s)
        x = part["interval_start"].dt.convert_time_zone(tz).dt.replace_time_zone(None).to_list()
        ax.fill_between(
            x,
            part["service_level_lo"].fill_null(float("nan")).to_numpy(),
            part["service_level_hi"].fill_null(float("nan")).to_numpy(),
            color="#9ecae1",
            label="95 % CI",
            step="post",
        )
        ax.step(
            x, part["service_level"].to_numpy(), where="post", color="#08519c", label="simulated"
        )
        target = frame.filter(pl.col("queue_id") == queue_id)["target_service_level"][0]
        if target is not None:
            ax.axhline(target, color="#d62728", linestyle="--", label=f"target {target:.0%}")
        within_s = frame.filter(pl.col("queue_id") == queue_id)["threshold_s"][0]
        within = f"{within_s / 3600:g} h" if within_s >= 3600 else f"{within_s:g} s"
        ax.set_title(f"{queue_id}: answered within {within}", fontsize=9, loc="left")
        ax.set_ylim(0, 1.02)
        ax.set_ylabel("SL")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%a %d %H:%M"))
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path

"""Charts of a schedule (matplotlib, headless)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import polars as pl

__all__ = ["plot_coverage"]


def plot_coverage(coverage: pl.DataFrame, path: Path, *, timezone: str) -> Path:
    """Required vs scheduled agents per queue across the week, one panel per queue.

    Args:
        coverage: the coverage table (queue_id, interval_start, required, scheduled).
        path: PNG file to write.
        timezone: the center's time zone (the x axis is local time).

    Returns:
        The path written.
    """
    queues = coverage["queue_id"].unique(maintain_order=True).to_list()
    fig, axes = plt.subplots(len(queues), 1, figsize=(14, 1.9 * len(queues)), sharex=True)
    axes = [axes] if len(queues) == 1 else list(axes)
    for ax, queue_id in zip(axes, queues, strict=True):
        rows = coverage.filter(pl.col("queue_id") == queue_id).with_columns(
            pl.col("interval_start").dt.convert_time_zone(timezone).dt.replace_time_zone(None)
        )
        x = rows["interval_start"].to_list()
        ax.step(x, rows["required"].to_list(), where="post", color="black", lw=1, label="required")
        ax.fill_between(
            x,
            rows["scheduled"].to_list(),
            step="post",
            alpha=0.45,
            color="tab:blue",
            label="scheduled",
        )
        short = rows["shortfall"].to_numpy() > 0
        if short.any():
            ax.fill_between(
                x,
                rows["required"].to_list(),
                rows["scheduled"].to_list(),
                where=short,
                step="post",
                color="tab:red",
                alpha=0.5,
                label="short",
            )
        ax.set_ylabel(queue_id, rotation=0, ha="right", fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    axes[0].legend(loc="upper right", fontsize=8, ncols=3)
    axes[0].set_title("Required vs scheduled agents per queue (local time)")
    fig.autofmt_xdate()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path

"""The capacity plan picture: required FTE (band) against available FTE per week, peaks marked."""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt
import polars as pl

from wfm.capacity.scenarios import BASE

__all__ = ["plot_capacity"]


def _peak_spans(weeks: list[dt.date], peaks: list[str]) -> list[tuple[dt.date, dt.date, str]]:
    """Per event named in the weeks' peak labels: (first Monday, end of last week, name)."""
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for week, label in zip(weeks, peaks, strict=True):
        for name in filter(None, label.split(", ")):
            first = spans.get(name, (week, week))[0]
            spans[name] = (first, week + dt.timedelta(days=7))
    return [(first, end, name) for name, (first, end) in spans.items()]


def _panel(ax: plt.Axes, part: pl.DataFrame, title: str, hiring: pl.DataFrame) -> None:
    weeks = part["week"].to_list()
    for i, (first, end, label) in enumerate(_peak_spans(weeks, part["peak"].to_list())):
        ax.axvspan(first, end, color=f"C{1 + i % 2 * 3}", alpha=0.10, lw=0)
        ax.text(
            first,
            0.97 - 0.11 * (i % 3),
            f" {label}",
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            va="top",
            color="0.35",
        )
    ax.fill_between(
        weeks,
        part["fte_required_lo"],
        part["fte_required_hi"],
        step="post",
        color="C0",
        alpha=0.25,
        lw=0,
        label="required, 80 % band",
    )
    ax.step(weeks, part["fte_required"], where="post", color="C0", lw=1.4, label="required")
    ax.step(
        weeks,
        part["fte_available"],
        where="post",
        color="0.2",
        lw=1.4,
        label="available (roster, classes, attrition)",
    )
    if float(part["fte_suggested"].max() or 0) > 0:
        ax.step(
            weeks,
            part["fte_available_with_hiring"],
            where="post",
            color="C2",
            lw=1.4,
            ls="--",
            label="available with suggested classes",
        )
    for row in hiring.filter(pl.col("size") > 0).iter_rows(named=True):
        ax.axvline(row["start"], color="C2", lw=0.8, ls=":")
        ax.text(
            row["start"],
            0.02,
            f" class of {row['size']}\n starts {row['start']}",
            transform=ax.get_xaxis_transform(),
            fontsize=7,
            color="C2",
        )
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel("FTE", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3, lw=0.5)


def plot_capacity(groups: pl.DataFrame, hiring: pl.DataFrame, *, title: str) -> bytes:
    """PNG bytes: the center total per scenario (required and available), then one panel per
    group for the base case (required band, available, suggested classes, peaks shaded).

    Args:
        groups: the plan's group table (`CapacityResult.groups`).
        hiring: the suggested classes (`CapacityResult.hiring`).
        title: the figure's title.
    """
    base = groups.filter(pl.col("scenario") == BASE)
    group_ids = base["group"].unique(maintain_order=True).to_list()
    scenarios = groups["scenario"].unique(maintain_order=True).to_list()
    fig, axes = plt.subplots(
        len(group_ids) + 1, 1, figsize=(14, 2.8 * (len(group_ids) + 1)), squeeze=False
    )
    total = (
        groups.group_by("scenario", "week", maintain_order=True)
        .agg(
            pl.col("fte_required", "fte_available", "fte_available_with_hiring").sum(),
            pl.col("peak").first(),
        )
        .sort("week")
    )
    ax = axes[0, 0]
    for i, name in enumerate(scenarios):
        part = total.filter(pl.col("scenario") == name)
        style = {"lw": 2.0} if name == BASE else {"lw": 1.0, "alpha": 0.9}
        ax.step(
            part["week"],
            part["fte_required"],
            where="post",
            color=f"C{i}",
            label=f"{name}: required",
            **style,
        )
    part = total.filter(pl.col("scenario") == BASE)
    ax.step(
        part["week"],
        part["fte_available"],
        where="post",
        color="0.2",
        lw=2.0,
        label="base: available",
    )
    ax.set_title(
        "Whole center: FTE required per scenario against FTE available", fontsize=10, loc="left"
    )
    ax.set_ylabel("FTE", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3, lw=0.5)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    for ax, gid in zip(axes[1:, 0], group_ids, strict=True):
        _panel(
            ax,
            base.filter(pl.col("group") == gid),
            f"{gid} (base)",
            hiring.filter((pl.col("scenario") == BASE) & (pl.col("group") == gid)),
        )
    axes[1, 0].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.985))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")  # legends sit outside
    plt.close(fig)
    return buf.getvalue()

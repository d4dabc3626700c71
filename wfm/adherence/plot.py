"""Timeline picture: scheduled activity above actual state, one row per agent, for one day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import polars as pl
from matplotlib.patches import Patch

__all__ = ["COLORS", "plot_timeline"]

COLORS = {
    "work": "#4c9f70",
    "break": "#f2b134",
    "lunch": "#ed7d31",
    "meeting": "#5b8fd9",
    "training": "#9b6fc6",
    "neutral": "#b0b0b0",
    "off": "#ffffff",
}
_DEVIATION = "#d62728"


def plot_timeline(
    pieces: pl.DataFrame,
    path: str | Path,
    *,
    day: dt.date,
    tz: str,
    title: str,
    max_agents: int = 40,
) -> Path:
    """Draw scheduled vs actual bars per agent for one local day and save a PNG.

    Args:
        pieces: a timeline (wfm.adherence.engine.timeline), already filtered to the agents
            wanted; rows of `day` are drawn.
        path: PNG file to write.
        day: the local (shift) day.
        tz: the center's time zone name (the x axis is local time).
        title: figure title.
        max_agents: at most this many agents, those with the most counted deviation first.

    Returns:
        The path written.
    """
    path = Path(path)
    rows = pieces.filter(pl.col("date") == day)
    worst = (
        rows.group_by("agent_id")
        .agg(pl.col("dur_s").filter(pl.col("counted")).sum().alias("out_s"))
        .sort(["out_s", "agent_id"], descending=[True, False])
        .head(max_agents)
        .get_column("agent_id")
        .to_list()
    )
    local = rows.filter(pl.col("agent_id").is_in(worst)).with_columns(
        pl.col("start").dt.convert_time_zone(tz).dt.replace_time_zone(None).alias("_x0"),
        pl.col("end").dt.convert_time_zone(tz).dt.replace_time_zone(None).alias("_x1"),
    )
    height = max(2.5, 0.45 * len(worst) + 1.5)
    fig, ax = plt.subplots(figsize=(14, height))
    for y, agent in enumerate(reversed(worst)):
        mine = local.filter(pl.col("agent_id") == agent)
        for column, offset in (("activity", 0.18), ("family", -0.18)):
            for name, part in mine.group_by(column):
                key = name[0]
                if key == "off":
                    continue
                spans = _spans(part)
                ax.broken_barh(spans, (y + offset - 0.16, 0.32), facecolors=COLORS.get(key, "#777"))
        out = mine.filter(pl.col("counted"))
        if out.height:
            ax.broken_barh(_spans(out), (y - 0.04, 0.08), facecolors=_DEVIATION)
    ax.set_yticks(range(len(worst)), list(reversed(worst)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
    ax.set_xlabel(f"local time ({tz}); upper bar scheduled, lower bar actual, red = counted")
    ax.set_title(title)
    handles = [Patch(color=c, label=k) for k, c in COLORS.items() if k != "off"]
    handles.append(Patch(color=_DEVIATION, label="out of adherence"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _spans(part: pl.DataFrame) -> list[tuple[float, float]]:
    x0 = mdates.date2num(part.get_column("_x0").to_list())
    x1 = mdates.date2num(part.get_column("_x1").to_list())
    return [(float(a), float(b - a)) for a, b in zip(x0, x1, strict=True)]

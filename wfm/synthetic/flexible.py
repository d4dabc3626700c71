"""A flexible variant of a center's contracts and roster, for the plan-quality bench.

The sample's contracts fix most of the paid hours (full-time minimums of 30-32 hours a
week), so two plans of the same roster pay about the same whatever their requirements. The
flexible variant lowers every contract's weekly minimum to one short shift, so the scheduler
may pay only the hours the requirements call for; and it hires, as a center short of
capacity does: each skill set's agents get copies (same team, skills and contract), so
headcount never caps the hours a plan may schedule.
"""

from __future__ import annotations

import math

import polars as pl

from wfm.center import Center

__all__ = ["flexible_contracts", "flexible_roster"]


def flexible_contracts(center: Center, *, weekly_hours_min: float = 4.0) -> Center:
    """The center with every contract's weekly minimum lowered to `weekly_hours_min` hours
    (never raised), maxima and shift templates unchanged."""
    contracts = tuple(
        c.model_copy(update={"weekly_hours_min": min(c.weekly_hours_min, weekly_hours_min)})
        for c in center.contracts
    )
    return center.model_copy(update={"contracts": contracts})


def flexible_roster(roster: pl.DataFrame, *, hire_frac: float = 0.25) -> pl.DataFrame:
    """The loaded roster with hires: per set of skills, ceil(`hire_frac` x its agents) new
    agents, copies of its first agents (ids `H001`, ... ; no preferences)."""
    key = roster["skills"].list.eval(pl.element().struct.field("queue_id")).list.sort()
    keyed = roster.with_columns(key.list.join(",").alias("_set"))
    hires = []
    for (_,), group in keyed.group_by("_set", maintain_order=True):
        hires.append(group.head(math.ceil(hire_frac * group.height)))
    if not hires:
        return roster
    new = pl.concat(hires).drop("_set")
    ids = [f"H{k + 1:03d}" for k in range(new.height)]
    new = new.with_columns(
        pl.Series("agent_id", ids),
        pl.Series("name", [f"Hire {i}" for i in ids]),
        pl.lit(None, dtype=pl.String).alias("preferred_start"),
        pl.lit([], dtype=pl.List(pl.String)).alias("preferred_days_off"),
    )
    return pl.concat([roster, new.select(roster.columns)])

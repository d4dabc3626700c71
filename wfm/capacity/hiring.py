"""Suggested hiring classes that close a group's FTE gap within the recruiting lead time.

Per group, walking forward through the weeks: at the first week where the FTE to meet (the
forecast, or the band's upper edge with `meet: upper`) exceeds the FTE available by more
than `min_gap_fte`, the latest class start that still has the class fully productive that
week is `first short week - training weeks - ramp weeks`. A class may start no earlier than
`recruiting_lead_weeks` after the plan's first week; when the latest start is earlier than
that, the class starts as early as it can and is flagged late (the weeks before it is
productive stay short); a run of short weeks that ends before any class could be productive
gets a row of size 0 (overtime or outsourcing, not hiring). The class is sized to cover
the largest gap of the run of short weeks
from the first one at full productivity, attrition included, and the walk goes on with the
class counted.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from wfm.capacity.plan import CapacityPlan, HiringClass
from wfm.capacity.supply import class_fte, class_hours, weekly_survival
from wfm.center import Center

__all__ = ["SUGGESTION_COLUMNS", "suggest_classes"]

SUGGESTION_COLUMNS: dict[str, pl.DataType] = {
    "group": pl.String(),
    "team": pl.String(),
    "first_short_week": pl.Date(),
    "peak": pl.String(),
    "gap_fte": pl.Float64(),
    "latest_start": pl.Date(),
    "recruit_by": pl.Date(),
    "start": pl.Date(),
    "size": pl.Int64(),
    "on_time": pl.Boolean(),
    "productive_from": pl.Date(),
}


def suggest_classes(
    need: np.ndarray,
    available: np.ndarray,
    *,
    group: str,
    team: str,
    center: Center,
    plan: CapacityPlan,
    start: dt.date,
    peaks: list[str] | None = None,
) -> tuple[list[HiringClass], pl.DataFrame]:
    """Classes for one group: the classes and a table of why each one (SUGGESTION_COLUMNS).

    Args:
        need: FTE to meet per plan week.
        available: FTE available per plan week without the suggestions.
        group: the group's id (for the table).
        team: the team the classes join.
        center: the center (the hire contract's hours).
        plan: hire defaults, attrition, recruiting lead time, min_gap_fte.
        start: the plan's first Monday.
        peaks: per week, the names of the events it holds ("" for none).
    """
    hire = plan.hire
    n = need.size
    survival = weekly_survival(plan.attrition_by_team.get(team, plan.attrition_frac_per_month))
    fte_each = class_hours(hire, center, plan.fte_hours)
    onboarding = hire.training_weeks + hire.ramp_weeks
    earliest = plan.recruiting_lead_weeks
    supply = available.astype(float).copy()
    classes, rows = [], []
    k = 0
    while k < n:
        gap = need - supply
        if gap[k] <= plan.min_gap_fte:
            k += 1
            continue
        latest = k - onboarding
        begin = max(latest, earliest)
        full_from = begin + onboarding
        run_end = k
        while run_end + 1 < n and gap[run_end + 1] > plan.min_gap_fte:
            run_end += 1
        sized = list(range(max(k, full_from), run_end + 1))
        latest_day = start + dt.timedelta(weeks=latest)
        why = {
            "group": group,
            "team": team,
            "first_short_week": start + dt.timedelta(weeks=k),
            "peak": (peaks[k] if peaks else "") or "",
            "gap_fte": float(gap[k : run_end + 1].max()),
            "latest_start": latest_day,
            "recruit_by": latest_day - dt.timedelta(weeks=plan.recruiting_lead_weeks),
        }
        if not sized:
            # The run is over before any class could be productive: overtime, not hiring.
            rows.append(why | {"size": 0, "on_time": False})
            k = run_end + 1
            continue
        per_head = fte_each * survival ** (np.asarray(sized) - begin)
        size = math.ceil(float(np.max(gap[sized] / per_head)) - 1e-9)
        productive, _paid = class_fte(n, begin, size, hire, survival=survival, fte_each=fte_each)
        supply += productive
        day = start + dt.timedelta(weeks=begin)
        classes.append(HiringClass(team=team, start=day, size=size))
        rows.append(
            why
            | {
                "start": day,
                "size": size,
                "on_time": begin == latest,
                "productive_from": start + dt.timedelta(weeks=full_from),
            }
        )
        k = max(k, full_from)
    return classes, pl.DataFrame(rows, schema=SUGGESTION_COLUMNS)

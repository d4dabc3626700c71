"""FTE available per team and week: the roster's contracts, attrition, hiring classes, transfers.

An agent counts `weekly_hours_max` of its contract / `fte_hours` FTE. Attrition is a monthly
rate turned into a weekly survival factor, applied to the roster from the plan's first week
and to each class and transfer from its own start. A class is paid from its start, not
productive while in training, then ramps up linearly from `ramp_start_frac` to full
productivity over `ramp_weeks`. A transfer moves trained FTE at once.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.capacity.plan import CapacityPlan, HireDefaults, HiringClass
from wfm.center import Center

__all__ = [
    "SUPPLY_COLUMNS",
    "class_fte",
    "class_hours",
    "productivity",
    "roster_fte",
    "weekly_supply",
    "weekly_survival",
]

WEEKS_PER_MONTH = 52 / 12
SUPPLY_COLUMNS: dict[str, pl.DataType] = {
    "team": pl.String(),
    "week": pl.Date(),
    "fte_roster": pl.Float64(),
    "fte_transfers": pl.Float64(),
    "fte_classes": pl.Float64(),
    "fte_onboarding": pl.Float64(),
    "fte_available": pl.Float64(),
    "fte_paid": pl.Float64(),
}


def weekly_survival(attrition_frac_per_month: float) -> float:
    """The share of FTE still there a week later."""
    return (1.0 - attrition_frac_per_month) ** (1.0 / WEEKS_PER_MONTH)


def roster_fte(roster: pl.DataFrame, center: Center, *, fte_hours: float) -> dict[str, float]:
    """FTE per team: each agent's contracted weekly hours (max) / fte_hours."""
    hours = {c.id: c.weekly_hours_max for c in center.contracts}
    per_team = roster.group_by("team").agg(
        (
            pl.col("contract").replace_strict(hours, default=fte_hours, return_dtype=pl.Float64)
            / fte_hours
        )
        .sum()
        .alias("fte")
    )
    return dict(per_team.iter_rows())


def productivity(weeks_since_start: np.ndarray, hire: HireDefaults) -> np.ndarray:
    """Productive share of a new hire per week since the class start (0 before it)."""
    k = np.asarray(weeks_since_start, dtype=float)
    ramp = k - hire.training_weeks  # 0 = first week after training
    if hire.ramp_weeks:
        share = hire.ramp_start_frac + (1 - hire.ramp_start_frac) * ramp / hire.ramp_weeks
    else:
        share = np.ones_like(k)
    return np.where(ramp < 0, 0.0, np.clip(share, 0.0, 1.0))


def class_hours(hire: HireDefaults, center: Center, fte_hours: float) -> float:
    """FTE of one hire: the class contract's weekly hours / fte_hours (one FTE without one)."""
    if hire.contract is None:
        return 1.0
    return center.contract(hire.contract).weekly_hours_max / fte_hours


def class_fte(
    n_weeks: int,
    start_index: int,
    size: float,
    hire: HireDefaults,
    *,
    survival: float,
    fte_each: float,
) -> tuple[np.ndarray, np.ndarray]:
    """A class's (productive, paid) FTE per plan week, starting at plan week `start_index`."""
    since = np.arange(n_weeks) - start_index
    there = np.where(since >= 0, size * fte_each * survival ** np.maximum(since, 0), 0.0)
    return there * productivity(since, hire), there


def _week_index(day: dt.date, start: dt.date) -> int:
    return (day - start).days // 7


def weekly_supply(
    roster: pl.DataFrame,
    center: Center,
    plan: CapacityPlan,
    *,
    start: dt.date,
    n_weeks: int,
    classes: list[HiringClass] | None = None,
) -> pl.DataFrame:
    """FTE per team and plan week (the Monday `start` + 7 k).

    Args:
        roster: the loaded roster.
        center: the center (contracts).
        plan: attrition, transfers, classes and hire defaults.
        start: the plan's first Monday.
        n_weeks: weeks to plan.
        classes: the classes to count (default the plan's).

    Returns:
        team, week, fte_roster, fte_transfers (net in or out), fte_classes (productive),
        fte_onboarding (paid, not productive: training and the rest of the ramp),
        fte_available (roster + transfers + classes), fte_paid (everyone paid, for the cost).
    """
    fte0 = roster_fte(roster, center, fte_hours=plan.fte_hours)
    counted = plan.classes if classes is None else classes
    teams = sorted(fte0 | {c.team: 0.0 for c in counted} | {t.to_team: 0.0 for t in plan.transfers})
    k = np.arange(n_weeks)
    columns: dict[str, dict[str, np.ndarray]] = {}
    for team in teams:
        survival = weekly_survival(plan.attrition_by_team.get(team, plan.attrition_frac_per_month))
        base = fte0.get(team, 0.0) * survival**k
        moved = np.zeros(n_weeks)
        for t in plan.transfers:
            if team not in (t.from_team, t.to_team):
                continue
            since = k - _week_index(t.start, start)
            step = np.where(since >= 0, t.fte * survival ** np.maximum(since, 0), 0.0)
            moved += step if team == t.to_team else -step
        productive, paid = np.zeros(n_weeks), np.zeros(n_weeks)
        for c in counted:
            if c.team != team:
                continue
            hire = c.with_defaults(plan.hire)
            p, q = class_fte(
                n_weeks,
                _week_index(c.start, start),
                c.size,
                hire,
                survival=survival,
                fte_each=class_hours(hire, center, plan.fte_hours),
            )
            productive += p
            paid += q
        columns[team] = {
            "fte_roster": base,
            "fte_transfers": moved,
            "fte_classes": productive,
            "fte_onboarding": paid - productive,
            "fte_available": base + moved + productive,
            "fte_paid": base + moved + paid,
        }
    weeks = [start + dt.timedelta(weeks=int(i)) for i in k]
    frames = [
        pl.DataFrame({"team": [team] * n_weeks, "week": weeks, **cols}, schema=SUPPLY_COLUMNS)
        for team, cols in columns.items()
    ]
    return pl.concat(frames) if frames else pl.DataFrame(schema=SUPPLY_COLUMNS)

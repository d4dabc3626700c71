"""`plan_capacity`: the base case and every scenario, FTE required against FTE available per
group and week, with suggested hiring classes and the cost of over- and under-staffing.

Frames in, frames out. The interval forecast and its band come from the caller (the use case
runs the forecast and calibrates the band, `forecasting.horizon`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.capacity.demand import net_weekly, to_fte, week_shrinkage
from wfm.capacity.groups import derive_groups, group_of_queue, group_of_team
from wfm.capacity.hiring import SUGGESTION_COLUMNS, suggest_classes
from wfm.capacity.plan import CapacityPlan, Group
from wfm.capacity.scenarios import (
    BASE,
    Scenario,
    apply_to_center,
    apply_to_intervals,
    apply_to_plan,
)
from wfm.capacity.supply import weekly_supply
from wfm.center import Center
from wfm.errors import StaffingError
from wfm.grid import not_week_start

__all__ = ["PEAK_KINDS", "CapacityResult", "plan_capacity", "week_peaks"]

PEAK_KINDS = ("flu_season", "open_enrollment", "campaign")


@dataclass(frozen=True)
class CapacityResult:
    """The plan's tables (README, `wfm capacity`).

    Attributes:
        summary: one row per case (base first, then the scenarios).
        groups: per case, group and week: required (with band), available, suggested
            hiring, gaps and costs.
        queues: per case, queue and week: volume (with band), AHT, shrinkage, FTE required.
        hiring: the suggested classes per case and group, with the peak each one meets.
        groups_used: the groups of teams and queues compared.
    """

    summary: pl.DataFrame
    groups: pl.DataFrame
    queues: pl.DataFrame
    hiring: pl.DataFrame
    groups_used: list[Group]


def week_peaks(events: pl.DataFrame | None, center: Center, weeks: list[dt.date]) -> list[str]:
    """Per week, the names of the flu seasons, open enrollments and campaigns it overlaps."""
    if events is None or events.height == 0:
        return [""] * len(weeks)
    spans = events.filter(pl.col("kind").is_in(PEAK_KINDS)).select(
        "name",
        pl.col("start").dt.convert_time_zone(center.timezone).dt.date().alias("first"),
        (pl.col("end") - pl.duration(microseconds=1))
        .dt.convert_time_zone(center.timezone)
        .dt.date()
        .alias("last"),
    )
    out = []
    for week in weeks:
        end = week + dt.timedelta(days=6)
        hit = spans.filter((pl.col("first") <= end) & (pl.col("last") >= week))
        out.append(", ".join(dict.fromkeys(hit["name"].to_list())))
    return out


def _groups_for(groups: list[Group], scenario: Scenario | None) -> list[Group]:
    """The groups with a scenario's new queues added to the group of their model queue."""
    if scenario is None or not scenario.new_queues:
        return groups
    owner = group_of_queue(groups)
    extra: dict[str, list[str]] = {}
    for new in scenario.new_queues:
        extra.setdefault(owner[new.like], []).append(new.id)
    return [g.model_copy(update={"queues": [*g.queues, *extra.get(g.id, [])]}) for g in groups]


def _case(
    name: str,
    scenario: Scenario | None,
    *,
    intervals: pl.DataFrame,
    base_net: pl.DataFrame,
    center: Center,
    roster: pl.DataFrame,
    plan: CapacityPlan,
    groups: list[Group],
    band: pl.DataFrame,
    start: dt.date,
    n_weeks: int,
    peaks: list[str],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """One case's queue table, group table and suggested classes."""
    if scenario is None:
        net, case_center, case_plan, shrink = base_net, center, plan, 0.0
    else:
        case_center = apply_to_center(center, scenario)
        case_plan = apply_to_plan(plan, scenario)
        shrink = scenario.shrinkage_change_frac
        touched = scenario.touched_queues(center)
        changed = apply_to_intervals(intervals, case_center, scenario).filter(
            pl.col("queue_id").is_in(touched)
        )
        kept = base_net.filter(~pl.col("queue_id").is_in(touched))
        net = (
            pl.concat([kept, net_weekly(changed, case_center, start=start, band=band)])
            if changed.height
            else kept
        )
    weeks = [start + dt.timedelta(weeks=k) for k in range(n_weeks)]
    queues = to_fte(
        net,
        case_center,
        shrinkage=week_shrinkage(weeks, case_plan.vacation_frac_by_month, shrink),
        fte_hours=case_plan.fte_hours,
    )
    case_groups = _groups_for(groups, scenario)
    q_owner, t_owner = group_of_queue(case_groups), group_of_team(case_groups)
    required = (
        queues.with_columns(pl.col("queue_id").replace_strict(q_owner, default=None).alias("group"))
        .drop_nulls("group")
        .group_by("group", "week")
        .agg(pl.col("fte_required", "fte_required_lo", "fte_required_hi").sum())
    )
    supply = (
        weekly_supply(roster, case_center, case_plan, start=start, n_weeks=n_weeks)
        .with_columns(pl.col("team").replace_strict(t_owner, default=None).alias("group"))
        .drop_nulls("group")
        .group_by("group", "week")
        .agg(pl.col("fte_available", "fte_onboarding", "fte_paid").sum())
    )
    skeleton = pl.DataFrame({"group": [g.id for g in case_groups]}).join(
        pl.DataFrame({"week": weeks}), how="cross"
    )
    table = (
        skeleton.join(required, on=["group", "week"], how="left")
        .join(supply, on=["group", "week"], how="left")
        .fill_null(0.0)
        .sort("group", "week")
    )
    fte0 = dict(
        weekly_supply(roster, case_center, case_plan, start=start, n_weeks=1)
        .select("team", "fte_available")
        .iter_rows()
    )
    suggested_cols, suggestions = [], []
    for g in case_groups:
        part = table.filter(pl.col("group") == g.id)
        need = part["fte_required_hi" if case_plan.meet == "upper" else "fte_required"].to_numpy()
        available = part["fte_available"].to_numpy()
        added = np.zeros(n_weeks)
        paid_added = np.zeros(n_weeks)
        if g.teams:
            team = max(g.teams, key=lambda t: fte0.get(t, 0.0))
            classes, why = suggest_classes(
                need,
                available,
                group=g.id,
                team=team,
                center=case_center,
                plan=case_plan,
                start=start,
                peaks=peaks,
            )
            suggestions.append(why)
            if classes:
                hired = weekly_supply(
                    roster.clear(),
                    case_center,
                    case_plan,
                    start=start,
                    n_weeks=n_weeks,
                    classes=classes,
                ).filter(pl.col("team") == team)
                added = hired["fte_classes"].to_numpy()
                paid_added = hired["fte_paid"].to_numpy()
        suggested_cols.append(
            pl.DataFrame(
                {
                    "group": [g.id] * n_weeks,
                    "week": weeks,
                    "fte_suggested": added,
                    "fte_paid_suggested": paid_added,
                }
            )
        )
    hours, cost = case_plan.fte_hours, case_plan.hourly_cost
    with_hiring = pl.col("fte_available") + pl.col("fte_suggested")
    short = pl.col("fte_required") - with_hiring
    groups_table = (
        table.join(pl.concat(suggested_cols), on=["group", "week"])
        .with_columns(
            pl.lit(name).alias("scenario"),
            ((pl.col("week") - pl.lit(start)).dt.total_days() // 7 + 1).alias("weeks_ahead"),
            with_hiring.alias("fte_available_with_hiring"),
            (pl.col("fte_required") - pl.col("fte_available")).alias("gap_fte"),
            short.alias("gap_after_hiring_fte"),
            (pl.col("fte_paid") + pl.col("fte_paid_suggested")).alias("fte_paid"),
            pl.col("week")
            .replace_strict(dict(zip(weeks, peaks, strict=True)), return_dtype=pl.String)
            .alias("peak"),
        )
        .with_columns(
            ((-short).clip(lower_bound=0) * hours * cost).alias("over_cost"),
            (short.clip(lower_bound=0) * hours * cost * case_plan.under_cost_factor).alias(
                "under_cost"
            ),
            ((pl.col("fte_paid") - with_hiring).clip(lower_bound=0) * hours * cost).alias(
                "onboarding_cost"
            ),
        )
        .select(
            "scenario",
            "group",
            "week",
            "weeks_ahead",
            "peak",
            "fte_required",
            "fte_required_lo",
            "fte_required_hi",
            "fte_available",
            "fte_suggested",
            "fte_available_with_hiring",
            "gap_fte",
            "gap_after_hiring_fte",
            "fte_onboarding",
            "fte_paid",
            "over_cost",
            "under_cost",
            "onboarding_cost",
        )
    )
    hiring = (
        pl.concat(suggestions) if suggestions else pl.DataFrame(schema=SUGGESTION_COLUMNS)
    ).select(pl.lit(name).alias("scenario"), pl.all())
    return queues.select(pl.lit(name).alias("scenario"), pl.all()), groups_table, hiring


def _summary(groups: pl.DataFrame, hiring: pl.DataFrame, scenarios: list[Scenario]) -> pl.DataFrame:
    described = {BASE: "the forecast and the plan file as given"} | {
        s.name: s.description for s in scenarios
    }
    total = groups.group_by("scenario", "week").agg(
        pl.col("fte_required", "fte_available", "fte_available_with_hiring").sum()
    )
    rows = []
    for name, text in described.items():
        part = total.filter(pl.col("scenario") == name).sort("week")
        cases = groups.filter(pl.col("scenario") == name)
        peak = part.row(int(part["fte_required"].arg_max() or 0), named=True)
        hires = hiring.filter(pl.col("scenario") == name)
        rows.append(
            {
                "scenario": name,
                "description": text,
                "peak_week": peak["week"],
                "peak_fte_required": peak["fte_required"],
                "mean_fte_required": part["fte_required"].mean(),
                "mean_fte_available": part["fte_available"].mean(),
                "short_group_weeks": cases.filter(pl.col("gap_fte") > 0.5).height,
                "suggested_classes": hires.height,
                "suggested_hires": int(hires["size"].sum()),
                "short_after_hiring_group_weeks": cases.filter(
                    pl.col("gap_after_hiring_fte") > 0.5
                ).height,
                "over_cost": cases["over_cost"].sum(),
                "under_cost": cases["under_cost"].sum(),
                "onboarding_cost": cases["onboarding_cost"].sum(),
            }
        )
    return pl.DataFrame(rows)


def plan_capacity(
    intervals: pl.DataFrame,
    center: Center,
    roster: pl.DataFrame,
    plan: CapacityPlan,
    *,
    start: dt.date,
    n_weeks: int,
    band: pl.DataFrame,
    scenarios: list[Scenario] | None = None,
    events: pl.DataFrame | None = None,
) -> CapacityResult:
    """FTE required against available per group and week, for the base case and scenarios.

    Args:
        intervals: the interval forecast (queue_id, interval_start, volume, aht_s) of the
            weeks `start` .. `start + n_weeks`.
        center: the center.
        roster: the loaded roster (team, contract, skills).
        plan: the checked plan (`check_plan`).
        start: the plan's first Monday.
        n_weeks: weeks to plan.
        band: week, lo_ratio, hi_ratio: the volume band per week.
        scenarios: checked scenarios (`check_scenarios`).
        events: the events calendar (marks the peaks), or None.

    Raises:
        StaffingError: the staffing engine rejects an input.
    """
    problem = not_week_start(start, center.week_start)
    if problem is not None:
        raise StaffingError(f"a capacity plan starts a week: {problem}")
    scenarios = scenarios or []
    groups = plan.groups or derive_groups(roster, center)
    weeks = [start + dt.timedelta(weeks=k) for k in range(n_weeks)]
    peaks = week_peaks(events, center, weeks)
    base_net = net_weekly(intervals, center, start=start, band=band)
    common = {
        "intervals": intervals,
        "base_net": base_net,
        "center": center,
        "roster": roster,
        "plan": plan,
        "groups": groups,
        "band": band,
        "start": start,
        "n_weeks": n_weeks,
        "peaks": peaks,
    }
    parts = [_case(BASE, None, **common)]  # type: ignore[arg-type]
    parts += [_case(s.name, s, **common) for s in scenarios]  # type: ignore[arg-type]
    queues = pl.concat([p[0] for p in parts])
    groups_table = pl.concat([p[1] for p in parts])
    hiring = pl.concat([p[2] for p in parts])
    return CapacityResult(
        summary=_summary(groups_table, hiring, scenarios),
        groups=groups_table,
        queues=queues,
        hiring=hiring,
        groups_used=groups,
    )

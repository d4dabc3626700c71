"""The capacity plan file (README, `wfm capacity`): the supply assumptions of a plan.

What the roster does not say: paid hours of one FTE, attrition per month, planned hiring
classes (start, size, training weeks, ramp-up), transfers between teams, planned vacation
by month on top of the center's shrinkage, the recruiting lead time, the groups of teams and
queues that share work, and the hourly cost of paid time. Unknown fields are refused; an
error names the file and the field path. `check_plan` then checks the references (teams,
contracts, queues) and dates against the center, the roster and the plan's first week.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from wfm.center import Center
from wfm.errors import ConfigError
from wfm.yamlfile import load_yaml_model

__all__ = [
    "MONTHS",
    "CapacityPlan",
    "Group",
    "HireDefaults",
    "HiringClass",
    "Transfer",
    "check_plan",
    "load_plan",
    "reference_errors",
]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
Month = Literal["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HireDefaults(_Strict):
    """How a new hire becomes productive (the defaults of every class, planned or suggested).

    Attributes:
        contract: the contract new hires get (its `weekly_hours_max` are paid); None = one
            FTE each.
        training_weeks: weeks in training: paid, not productive.
        ramp_weeks: weeks after training in which productivity grows linearly from
            `ramp_start_frac` to 1.
        ramp_start_frac: productivity in the first week after training.
    """

    contract: str | None = None
    training_weeks: int = Field(default=4, ge=0, le=52)
    ramp_weeks: int = Field(default=4, ge=0, le=52)
    ramp_start_frac: float = Field(default=0.5, ge=0.0, le=1.0)


class HiringClass(_Strict):
    """A planned class: `size` hires join `team` on `start`; unset fields take the plan's
    `hire` defaults."""

    team: str
    start: dt.date
    size: int = Field(gt=0, le=1000)
    contract: str | None = None
    training_weeks: int | None = Field(default=None, ge=0, le=52)
    ramp_weeks: int | None = Field(default=None, ge=0, le=52)
    ramp_start_frac: float | None = Field(default=None, ge=0.0, le=1.0)

    def with_defaults(self, hire: HireDefaults) -> HireDefaults:
        """The class's own onboarding, its unset fields taken from `hire`."""
        return HireDefaults(
            contract=self.contract if self.contract is not None else hire.contract,
            training_weeks=(
                self.training_weeks if self.training_weeks is not None else hire.training_weeks
            ),
            ramp_weeks=self.ramp_weeks if self.ramp_weeks is not None else hire.ramp_weeks,
            ramp_start_frac=(
                self.ramp_start_frac if self.ramp_start_frac is not None else hire.ramp_start_frac
            ),
        )


class Transfer(_Strict):
    """`fte` move from `from_team` to `to_team` on `start` (already trained: productive at once)."""

    from_team: str
    to_team: str
    start: dt.date
    fte: float = Field(gt=0.0, le=1000.0)


class Group(_Strict):
    """Teams that share the work of some queues: their FTE is compared with those queues'."""

    id: str = Field(min_length=1, max_length=64)
    teams: list[str] = Field(default_factory=list)  # none: a queue nobody staffs yet
    queues: list[str] = Field(min_length=1)


class CapacityPlan(_Strict):
    """The supply assumptions of a capacity plan (every field has a default).

    Attributes:
        fte_hours: paid hours of one FTE per week.
        attrition_frac_per_month: share of FTE leaving per month (roster and hires).
        attrition_by_team: per-team rates that replace it.
        recruiting_lead_weeks: weeks from the plan's first week to the first class start a
            suggestion may use (sourcing, offers, notice periods).
        hire: onboarding of new hires (training, ramp-up, contract).
        vacation_frac_by_month: planned vacation (share of paid time) per month, added to
            the center's shrinkage.
        classes: planned hiring classes.
        transfers: planned moves between teams.
        groups: teams and the queues they serve; empty = derived from the roster's skills.
        hourly_cost: cost of one paid hour (over-staffing is paid idle time).
        under_cost_factor: hours short cost this many paid hours (overtime, outsourcing).
        meet: the required FTE a suggestion must cover: "mean" (the forecast) or "upper"
            (the band's upper edge).
        min_gap_fte: gaps up to this are left to overtime rather than a class.
    """

    fte_hours: float = Field(default=40.0, gt=0.0, le=80.0)
    attrition_frac_per_month: Fraction = 0.015
    attrition_by_team: dict[str, Fraction] = Field(default_factory=dict)
    recruiting_lead_weeks: int = Field(default=6, ge=0, le=104)
    hire: HireDefaults = HireDefaults()
    vacation_frac_by_month: dict[Month, Annotated[float, Field(ge=0.0, le=0.5)]] = Field(
        default_factory=dict
    )
    classes: list[HiringClass] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    hourly_cost: float = Field(default=30.0, ge=0.0)
    under_cost_factor: float = Field(default=1.5, ge=0.0)
    meet: Literal["mean", "upper"] = "mean"
    min_gap_fte: float = Field(default=0.5, ge=0.0)


def load_plan(path: str | Path) -> CapacityPlan:
    """Read a capacity plan file (YAML).

    Raises:
        ConfigError: the file is missing, not YAML, or has an unknown or invalid field.
    """
    return load_yaml_model(path, CapacityPlan)


def reference_errors(
    *,
    teams: Iterable[tuple[str, str]] = (),
    queues: Iterable[tuple[str, str]] = (),
    contracts: Iterable[tuple[str, str | None]] = (),
    dates: Iterable[tuple[str, dt.date]] = (),
    center: Center,
    roster_teams: set[str],
    start: dt.date,
) -> list[str]:
    """`field: message` for each (field path, value) that names an unknown team, queue or
    contract, or a date before the plan's first week `start`."""
    known_queues = set(center.queue_ids)
    known_contracts = {c.id for c in center.contracts}
    lines = [
        f"{where}: unknown team {team!r}; the roster has {', '.join(sorted(roster_teams))}"
        for where, team in teams
        if team not in roster_teams
    ]
    lines += [
        f"{where}: unknown queue {queue!r}; the center has {', '.join(center.queue_ids)}"
        for where, queue in queues
        if queue not in known_queues
    ]
    lines += [
        f"{where}: unknown contract {contract!r}; the center has {', '.join(known_contracts)}"
        for where, contract in contracts
        if contract is not None and contract not in known_contracts
    ]
    lines += [
        f"{where}: {day} is in the past: the plan starts {start}"
        for where, day in dates
        if day < start
    ]
    return lines


def check_plan(
    plan: CapacityPlan,
    center: Center,
    *,
    roster_teams: set[str],
    start: dt.date,
    source: str = "capacity plan",
) -> None:
    """Check the plan's teams, queues, contracts and dates against the center, the roster's
    teams and the plan's first week.

    Raises:
        ConfigError: one line per problem, "source: field.path: message".
    """
    lines = reference_errors(
        teams=[
            *((f"classes[{i}].team", c.team) for i, c in enumerate(plan.classes)),
            *((f"transfers[{i}].from_team", t.from_team) for i, t in enumerate(plan.transfers)),
            *((f"transfers[{i}].to_team", t.to_team) for i, t in enumerate(plan.transfers)),
            *((f"attrition_by_team.{team}", team) for team in plan.attrition_by_team),
            *((f"groups[{g.id}].teams", team) for g in plan.groups for team in g.teams),
        ],
        queues=[(f"groups[{g.id}].queues", q) for g in plan.groups for q in g.queues],
        contracts=[
            ("hire.contract", plan.hire.contract),
            *((f"classes[{i}].contract", c.contract) for i, c in enumerate(plan.classes)),
        ],
        dates=[
            *((f"classes[{i}].start", c.start) for i, c in enumerate(plan.classes)),
            *((f"transfers[{i}].start", t.start) for i, t in enumerate(plan.transfers)),
        ],
        center=center,
        roster_teams=roster_teams,
        start=start,
    )
    for kind in ("teams", "queues"):
        seen: dict[str, str] = {}
        for g in plan.groups:
            for item in getattr(g, kind):
                if item in seen:
                    lines.append(f"groups[{g.id}].{kind}: {item} is also in group {seen[item]}")
                seen.setdefault(item, g.id)
    if lines:
        raise ConfigError("\n".join(f"{source}: {line}" for line in lines))

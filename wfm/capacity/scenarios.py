"""Named what-if scenarios (README, `wfm capacity`): the file, its checks, and how a scenario
changes the plan's inputs.

A scenario changes the interval forecast (volume or AHT of some queues over a period, a new
queue shaped like an existing one, a queue closed from a day on), the center (service
targets) and the supply assumptions (shrinkage, attrition, extra classes). Every change runs
through the same staffing engine as the base case, so +10 % volume raises the FTE by what
the Erlang math says, not by 10 %. Unknown fields are refused; errors name the file and the
field path (`scenarios.yaml: scenarios[flu_plus_20].volume[0].queues: unknown queue ...`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Self

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from wfm.capacity.plan import CapacityPlan, HiringClass, reference_errors
from wfm.center import Center, Queue, ServiceTarget
from wfm.errors import ConfigError
from wfm.yamlfile import load_yaml_model

__all__ = [
    "BASE",
    "AhtChange",
    "CloseQueue",
    "NewQueue",
    "Scenario",
    "ScenarioFile",
    "TargetChange",
    "VolumeChange",
    "apply_to_center",
    "apply_to_intervals",
    "apply_to_plan",
    "check_scenarios",
    "load_scenarios",
]

BASE = "base"
Change = Annotated[float, Field(gt=-1.0, le=10.0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Period(_Strict):
    start: dt.date | None = None
    end: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class VolumeChange(_Period):
    """Volume x (1 + change_frac) on `queues` (empty = every queue), local days start..end
    (inclusive; open-ended where unset)."""

    queues: list[str] = Field(default_factory=list)
    change_frac: Change


class AhtChange(_Period):
    """AHT x (1 + change_frac) on `queues` (empty = every queue) over the period."""

    queues: list[str] = Field(default_factory=list)
    change_frac: Change


class TargetChange(_Strict):
    """New service-target fields for `queues` (the others keep their values)."""

    queues: list[str] = Field(min_length=1)
    service_level_frac: float | None = Field(default=None, gt=0.0, lt=1.0)
    answer_within_s: float | None = Field(default=None, gt=0.0)
    max_asa_s: float | None = Field(default=None, gt=0.0)
    max_abandon_frac: float | None = Field(default=None, gt=0.0, lt=1.0)

    def changes(self) -> dict[str, float]:
        return self.model_dump(exclude={"queues"}, exclude_none=True)


class NewQueue(_Strict):
    """A queue that opens on `start`, configured and shaped like `like`, with `volume_frac`
    of its volume; its work goes to the group of `like`."""

    id: str = Field(min_length=1, max_length=64)
    like: str
    volume_frac: float = Field(gt=0.0, le=10.0)
    start: dt.date | None = None


class CloseQueue(_Strict):
    """`queue` takes no more contacts from `start` on."""

    queue: str
    start: dt.date


class Scenario(_Strict):
    """One named what-if, run beside the base case."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=31)
    description: str = ""
    volume: list[VolumeChange] = Field(default_factory=list)
    aht: list[AhtChange] = Field(default_factory=list)
    targets: list[TargetChange] = Field(default_factory=list)
    shrinkage_change_frac: float = Field(default=0.0, ge=-0.5, le=0.5)
    attrition_frac_per_month: float | None = Field(default=None, ge=0.0, le=1.0)
    new_queues: list[NewQueue] = Field(default_factory=list)
    close_queues: list[CloseQueue] = Field(default_factory=list)
    classes: list[HiringClass] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_base(self) -> Self:
        if self.name == BASE:
            raise ValueError(f"{BASE!r} is the name of the base case; choose another")
        return self

    def touched_queues(self, center: Center) -> set[str]:
        """Queues whose staffing this scenario changes (the others reuse the base case's)."""
        every = set(center.queue_ids)
        touched: set[str] = set()
        for change in (*self.volume, *self.aht):
            touched |= set(change.queues) or every
        for target in self.targets:
            touched |= set(target.queues)
        touched |= {q.id for q in self.new_queues} | {c.queue for c in self.close_queues}
        return touched


class ScenarioFile(_Strict):
    """The scenario file: `scenarios: [...]`, names unique."""

    scenarios: list[Scenario] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Self:
        names = [s.name for s in self.scenarios]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"scenario name(s) {', '.join(dupes)} appear more than once")
        return self


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenario file (YAML).

    Raises:
        ConfigError: the file is missing, not YAML, or has an unknown or invalid field.
    """
    return load_yaml_model(path, ScenarioFile).scenarios


def check_scenarios(
    scenarios: list[Scenario],
    center: Center,
    *,
    roster_teams: set[str],
    start: dt.date,
    source: str = "scenarios",
) -> None:
    """Check each scenario's queues, teams, contracts and dates, and that its target changes
    give valid targets.

    Raises:
        ConfigError: one line per problem, "source: scenarios[name].field: message".
    """
    lines = []
    for s in scenarios:
        at = f"scenarios[{s.name}]"
        new_ids = {q.id for q in s.new_queues}
        lines += reference_errors(
            teams=[(f"{at}.classes[{i}].team", c.team) for i, c in enumerate(s.classes)],
            queues=[
                *(
                    (f"{at}.volume[{i}].queues", q)
                    for i, c in enumerate(s.volume)
                    for q in c.queues
                ),
                *((f"{at}.aht[{i}].queues", q) for i, c in enumerate(s.aht) for q in c.queues),
                *(
                    (f"{at}.targets[{i}].queues", q)
                    for i, c in enumerate(s.targets)
                    for q in c.queues
                    if q not in new_ids
                ),
                *((f"{at}.new_queues[{q.id}].like", q.like) for q in s.new_queues),
                *((f"{at}.close_queues[{i}].queue", c.queue) for i, c in enumerate(s.close_queues)),
            ],
            contracts=[
                (f"{at}.classes[{i}].contract", c.contract) for i, c in enumerate(s.classes)
            ],
            dates=[(f"{at}.classes[{i}].start", c.start) for i, c in enumerate(s.classes)],
            center=center,
            roster_teams=roster_teams,
            start=start,
        )
        lines += [
            f"{at}.new_queues[{q.id}].id: queue {q.id} already exists"
            for q in s.new_queues
            if q.id in center.queue_ids
        ]
        for i, change in enumerate(s.targets):
            for qid in change.queues:
                if qid not in center.queue_ids:
                    continue
                try:
                    _retarget(center.queue(qid), change)
                except ValidationError as exc:
                    reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
                    lines.append(f"{at}.targets[{i}]: queue {qid}: {reason}")
    if lines:
        raise ConfigError("\n".join(f"{source}: {line}" for line in lines))


def _retarget(queue: Queue, change: TargetChange) -> Queue:
    target = ServiceTarget.model_validate({**queue.target.model_dump(), **change.changes()})
    return queue.model_copy(update={"target": target})


def apply_to_center(center: Center, scenario: Scenario) -> Center:
    """The center with the scenario's new queues and service targets."""
    queues = {q.id: q for q in center.queues}
    for new in scenario.new_queues:
        queues[new.id] = queues[new.like].model_copy(update={"id": new.id, "name": new.id})
    for change in scenario.targets:
        for qid in change.queues:
            queues[qid] = _retarget(queues[qid], change)
    return center.model_copy(update={"queues": list(queues.values())})


def _in_period(change: _Period, day: pl.Expr) -> pl.Expr:
    inside = pl.lit(True)
    if change.start is not None:
        inside &= day >= change.start
    if change.end is not None:
        inside &= day <= change.end
    return inside


def apply_to_intervals(intervals: pl.DataFrame, center: Center, scenario: Scenario) -> pl.DataFrame:
    """The interval forecast (queue_id, interval_start, volume, aht_s, ...) under the scenario.

    Volume and AHT changes multiply; a new queue copies its model queue's rows from its
    start day scaled by `volume_frac`; a closed queue has zero volume from its start day.
    """
    day = pl.col("interval_start").dt.convert_time_zone(center.timezone).dt.date()
    out = intervals
    for new in scenario.new_queues:
        rows = out.filter(pl.col("queue_id") == new.like).with_columns(
            pl.lit(new.id).alias("queue_id"),
            (
                pl.col("volume")
                * pl.when(_in_period(_Period(start=new.start), day))
                .then(new.volume_frac)
                .otherwise(0.0)
            ).alias("volume"),
        )
        out = pl.concat([out, rows])
    for column, changes in (("volume", scenario.volume), ("aht_s", scenario.aht)):
        for change in changes:
            hit = _in_period(change, day)
            if change.queues:
                hit &= pl.col("queue_id").is_in(change.queues)
            out = out.with_columns(
                pl.when(hit).then(pl.col(column) * (1 + change.change_frac)).otherwise(column)
            )
    for close in scenario.close_queues:
        hit = (pl.col("queue_id") == close.queue) & (day >= close.start)
        out = out.with_columns(pl.when(hit).then(0.0).otherwise("volume").alias("volume"))
    return out


def apply_to_plan(plan: CapacityPlan, scenario: Scenario) -> CapacityPlan:
    """The supply assumptions under the scenario (attrition, extra classes)."""
    update: dict[str, object] = {"classes": [*plan.classes, *scenario.classes]}
    if scenario.attrition_frac_per_month is not None:
        update["attrition_frac_per_month"] = scenario.attrition_frac_per_month
        update["attrition_by_team"] = {}
    return plan.model_copy(update=update)

"""The scheduling problem in integer slots: the only place datetimes become slot indices.

A slot is one interval of the center's grid (`center.interval_min`). Slot 0 is local midnight
of the Monday that starts the week; the horizon covers the 7 local days of the week plus the
spill-over of night shifts started on Sunday past the last midnight. Slots follow the real
(UTC) clock, so a daylight-saving day has 92 or 100 quarter-hour slots and a shift's length
in slots is its elapsed time.

Rolling weeks: every slot of the horizon is covered, the spill-over too, so the week's last
night shifts are valued for the hours they cover of the next Monday (its requirement from the
requirements table when it has those rows, else the week's own Monday at the same local
times: the week treated as repeating). A published previous week (`scheduling.previous`)
carries its Sunday-night shifts in: their agents are busy, and on the phones they count as
coverage, until those shifts end; no new shift starts within the minimum rest after an
agent's last previous shift; its worked days count toward the consecutive-days rule.

Coverage target: each queue x slot asks for ceil(agents_gross) agents. Breaks and lunches are
placed explicitly by the model, while shrinkage in agents_gross covers absence, training and
meetings, so gross is the head count that must be on the schedule (README, The center
configuration: breaks are not shrinkage too).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from scheduling.previous import Carry, PreviousWeek, carry_over
from wfm.center import MINUTES_PER_DAY, WEEKDAYS, Center, ShiftTemplate
from wfm.errors import DataError, DataIssue, ScheduleError
from wfm.grid import grid, not_week_start

__all__ = [
    "AgentSpec",
    "BreakSpec",
    "ScheduleProblem",
    "ShiftOption",
    "agent_types",
    "aggregate_agents",
    "clock_distance_min",
    "from_frames",
]

_EPS = 1e-6


@dataclass(frozen=True)
class BreakSpec:
    """One break or lunch of a template, in slots after shift start."""

    kind: str
    duration_slot: int
    earliest_offset_slot: int
    latest_offset_slot: int
    paid: bool


@dataclass(frozen=True)
class ShiftOption:
    """One possible shift: a template started at one slot of one day.

    Attributes:
        option_id: index into ScheduleProblem.options.
        day: day of the week 0..6 (Monday = 0) the shift starts on (and belongs to).
        template_id: the center's shift template.
        start_slot: first slot worked; end_slot: first slot after the shift.
        start_local_min: local clock minute of the start (for preferences and stability).
        paid_min: paid minutes (length minus unpaid breaks).
        is_night: the shift runs past local midnight.
    """

    option_id: int
    day: int
    template_id: str
    start_slot: int
    end_slot: int
    start_local_min: int
    paid_min: int
    is_night: bool


@dataclass(frozen=True)
class AgentSpec:
    """An agent as the model sees it.

    Attributes:
        agent_id: roster id. team, contract_id: roster values.
        skill_queues: indices into ScheduleProblem.queue_ids the agent may serve.
        min_paid_min / max_paid_min: weekly paid minutes from the contract.
        max_days: working days per week from the contract.
        options: per day (0..6) the option ids the agent may work: the contract's templates,
            the template's weekdays and the agent's availability already applied.
        availability: merged availability as (start_min, end_min) in minutes after the
            week's Monday 00:00 local; empty tuple = always available.
        preferred_start_min: preferred local start minute, or None.
        preferred_days_off: weekdays (0 = Monday) the agent prefers off.
        count: identical agents this spec stands for: 1, except in the aggregated
            relaxation that `aggregate_agents` builds for a lower bound.
        carried_on_slots: slots on the phones in a shift of the previous week.
        carried_busy_slots: every slot a shift of the previous week occupies.
        prev_worked_days: the run of days worked up to the Sunday before (-k..-1): the only
            previous days the consecutive-days rule can see.
        rest_blocked_options: option ids the contract and availability allow but the minimum
            rest after the previous week's last shift rules out.
    """

    agent_id: str
    team: str
    contract_id: str
    skill_queues: tuple[int, ...]
    min_paid_min: int
    max_paid_min: int
    max_days: int
    options: tuple[tuple[int, ...], ...]
    availability: tuple[tuple[int, int], ...]
    preferred_start_min: int | None
    preferred_days_off: tuple[int, ...]
    count: int = 1
    carried_on_slots: tuple[int, ...] = ()
    carried_busy_slots: tuple[int, ...] = ()
    prev_worked_days: tuple[int, ...] = ()
    rest_blocked_options: tuple[int, ...] = ()

    @property
    def type_key(self) -> tuple:
        """What the warm start's shift counts tell apart: skills, contract, shift options,
        the previous week's shift still running and the run of days worked up to it (when
        it binds the consecutive-days rule). With the run in the key, the aggregated model
        keeps every per-agent rule but the preferences and hours, so a type's counts can be
        rostered: with runs merged, the counts of a type of agents who must rest early in
        the week and agents who need not were out of reach for its roster."""
        return (
            self.skill_queues,
            self.contract_id,
            self.options,
            self.carried_on_slots,
            self.carried_busy_slots,
            self.prev_worked_days,
        )

    @property
    def twin_key(self) -> tuple:
        """What the model cannot tell apart: the type and the preferences and hours."""
        return (
            *self.type_key,
            self.preferred_start_min,
            self.preferred_days_off,
            self.min_paid_min,
            self.max_paid_min,
        )


@dataclass(frozen=True)
class ScheduleProblem:
    """Everything the model needs, as integers. Build it with `from_frames`.

    Attributes:
        center: the center configuration.
        week_start: the local day the week starts on (a Monday, or the center's week_start).
        slot_min: minutes per slot (the center's interval).
        slot_starts_at: UTC start of every slot of the horizon (length n_slots).
        n_week_slots: slots of the 7 local days; slots after it are night-shift spill-over.
        day_start_slot: first slot of each local day 0..7 (7 = end of the week).
        queue_ids: queue order used by `required`.
        required: int array (n_queues, n_slots), agents to cover per queue x slot.
        agents_gross: float array (n_queues, n_slots), the unrounded requirement.
        agents: the agents, in roster order.
        options: every shift option of the week.
        breaks: per template id, its breaks and lunches.
        min_rest_slot: minimum rest between two shifts, in slots.
        max_consecutive_days: most working days in a row.
        previous_given: the published previous week was given (its carry is in `agents`).
        spill_required_from: where the spill-over's requirement came from: "requirements"
            (rows for the next Monday), "cyclic" (the week's own Monday) or "none" (no
            spill-over).
    """

    center: Center
    week_start: dt.date
    slot_min: int
    slot_starts_at: tuple[dt.datetime, ...]
    n_week_slots: int
    day_start_slot: tuple[int, ...]
    queue_ids: tuple[str, ...]
    required: np.ndarray
    agents_gross: np.ndarray
    agents: tuple[AgentSpec, ...]
    options: tuple[ShiftOption, ...]
    breaks: dict[str, tuple[BreakSpec, ...]]
    min_rest_slot: int
    max_consecutive_days: int
    previous_given: bool = False
    spill_required_from: str = "none"

    @property
    def n_slots(self) -> int:
        return len(self.slot_starts_at)

    @property
    def tz(self) -> ZoneInfo:
        return self.center.tz

    def slot_at(self, slot: int) -> dt.datetime:
        """UTC start of `slot`; slot == n_slots gives the end of the horizon."""
        if slot == self.n_slots:
            return self.slot_starts_at[-1] + dt.timedelta(minutes=self.slot_min)
        return self.slot_starts_at[slot]

    def template_days(self, template: ShiftTemplate) -> set[int]:
        return day_indices(template.days, self.week_start)


def _slot_of(local: dt.datetime, index: dict[dt.datetime, int]) -> int | None:
    """Slot index of a local wall-clock time, None where the time does not exist (DST gap)."""
    at = local.astimezone(dt.UTC)
    if at.astimezone(local.tzinfo).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return index.get(at)


def _break_specs(template: ShiftTemplate, slot_min: int) -> tuple[BreakSpec, ...]:
    specs = []
    for rule in template.breaks:
        specs.append(
            BreakSpec(
                kind=rule.kind,
                duration_slot=math.ceil(rule.duration_min / slot_min),
                earliest_offset_slot=math.ceil(rule.earliest_after_start_min / slot_min),
                latest_offset_slot=rule.latest_after_start_min // slot_min,
                paid=rule.paid,
            )
        )
    return tuple(specs)


def day_indices(weekdays: Iterable[str], week_start: dt.date) -> set[int]:
    """Weekday names (mon..sun) as days of the week that starts on `week_start` (0 = its
    first day): the same numbers as weekdays for a Monday week."""
    return {(WEEKDAYS.index(d) - week_start.weekday()) % 7 for d in weekdays}


def _merge_availability(
    rows: list[dict] | None, week_start: dt.date
) -> tuple[tuple[int, int], ...]:
    """Weekly windows (minutes after the week's first local midnight), merged, with the wrap
    from the week's last night into its first morning."""
    if not rows:
        return ()
    offset = week_start.weekday()
    spans = sorted(
        (
            (int(r["weekday"]) - offset) % 7 * MINUTES_PER_DAY + int(r["start_min"]),
            (int(r["weekday"]) - offset) % 7 * MINUTES_PER_DAY + int(r["end_min"]),
        )
        for r in rows
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    week = 7 * MINUTES_PER_DAY
    # A first-morning window continues a last-night one: append it shifted by a week.
    if merged and merged[0][0] == 0:
        first = merged[0]
        if merged[-1][1] >= week:
            merged[-1][1] = max(merged[-1][1], week + first[1])
        else:
            merged.append([week, week + first[1]])
    return tuple((s, e) for s, e in merged)


def _available(avail: tuple[tuple[int, int], ...], start_min: int, end_min: int) -> bool:
    if not avail:
        return True
    return any(s <= start_min and end_min <= e for s, e in avail)


def _build_options(
    center: Center, week_start: dt.date, index: dict[dt.datetime, int], slot_min: int
) -> tuple[list[ShiftOption], dict[str, tuple[BreakSpec, ...]]]:
    tz = center.tz
    options: list[ShiftOption] = []
    breaks: dict[str, tuple[BreakSpec, ...]] = {}
    for template in center.shift_templates:
        if template.length_min % slot_min or template.start_step_min % slot_min:
            raise ScheduleError(
                f"shift template {template.id}: length and start step must be multiples of "
                f"the {slot_min}-minute interval"
            )
        breaks[template.id] = _break_specs(template, slot_min)
        spans = sorted(
            (b.earliest_offset_slot, b.latest_offset_slot + b.duration_slot)
            for b in breaks[template.id]
        )
        if any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans)):
            raise ScheduleError(
                f"shift template {template.id}: break/lunch windows overlap; give each its "
                "own window (earliest start of one after the latest end of the previous)"
            )
        length_slot = template.length_min // slot_min
        days = day_indices(template.days, week_start)
        unpaid = sum(b.duration_min for b in template.breaks if not b.paid)
        for day in range(7):
            if day not in days:
                continue
            date = week_start + dt.timedelta(days=day)
            for start_min in template.start_mins():
                if start_min % slot_min:
                    raise ScheduleError(
                        f"shift template {template.id}: start {start_min // 60:02d}:"
                        f"{start_min % 60:02d} is not on the {slot_min}-minute grid"
                    )
                local = dt.datetime.combine(date, dt.time()) + dt.timedelta(minutes=start_min)
                slot = _slot_of(local.replace(tzinfo=tz), index)
                if slot is None:
                    continue
                options.append(
                    ShiftOption(
                        option_id=len(options),
                        day=day,
                        template_id=template.id,
                        start_slot=slot,
                        end_slot=slot + length_slot,
                        start_local_min=start_min,
                        paid_min=template.length_min - unpaid,
                        is_night=start_min + template.length_min > MINUTES_PER_DAY,
                    )
                )
    return options, breaks


def _tail_run(carry: Carry | None, max_consecutive_days: int, max_days: int) -> tuple[int, ...]:
    """The previous week's worked days that bind the consecutive-days rule: the unbroken run
    that ends on the Sunday before (-k..-1, k at most the rule's limit). An earlier worked
    day, after a day off, cannot make a run reach into this week, and neither can a run that
    the contract's days per week keep within the limit (k + max_days <= the limit): keeping
    only a run that binds lets agents whose weeks ended alike share one type in the warm
    start's aggregation."""
    if carry is None:
        return ()
    worked = set(carry.worked_days)
    k = 0
    while k < max_consecutive_days and -(k + 1) in worked:
        k += 1
    if k + max_days <= max_consecutive_days:
        return ()
    return tuple(range(-k, 0))


def _rest_ok(
    option: ShiftOption, carry: Carry | None, starts_at: list[dt.datetime], min_rest_h: float
) -> bool:
    """The option starts at least the minimum rest after the previous week's last shift."""
    if carry is None:
        return True
    return starts_at[option.start_slot] >= carry.last_end_at + dt.timedelta(hours=min_rest_h)


def _agents(
    roster: pl.DataFrame,
    center: Center,
    options: list[ShiftOption],
    queue_ids: list[str],
    carries: dict[str, Carry],
    starts_at: list[dt.datetime],
) -> list[AgentSpec]:
    week_start = starts_at[0].astimezone(center.tz).date()
    issues: list[DataIssue] = []
    contracts = {c.id: c for c in center.contracts}
    agents: list[AgentSpec] = []
    columns = set(roster.columns)
    for row_no, row in enumerate(roster.iter_rows(named=True), start=1):
        contract = contracts.get(row["contract"])
        if contract is None:
            issues.append(DataIssue(row_no, "contract", f"unknown contract {row['contract']!r}"))
            continue
        skills = []
        for skill in row["skills"] or []:
            if skill["queue_id"] not in queue_ids:
                issues.append(DataIssue(row_no, "skills", f"unknown queue {skill['queue_id']!r}"))
            else:
                skills.append(queue_ids.index(skill["queue_id"]))
        avail = _merge_availability(row["availability"], week_start)
        allowed = set(contract.shift_templates)
        carry = carries.get(str(row["agent_id"]))
        min_rest_h = center.labor_rules.min_rest_h
        per_day: list[tuple[int, ...]] = []
        blocked: list[int] = []
        for day in range(7):
            allowed_today = [
                o
                for o in options
                if o.day == day
                and o.template_id in allowed
                and _available(
                    avail,
                    day * MINUTES_PER_DAY + o.start_local_min,
                    day * MINUTES_PER_DAY
                    + o.start_local_min
                    + center.template(o.template_id).length_min,
                )
            ]
            rested = [o for o in allowed_today if _rest_ok(o, carry, starts_at, min_rest_h)]
            blocked += [o.option_id for o in allowed_today if o not in rested]
            per_day.append(tuple(o.option_id for o in rested))
        pref = row.get("preferred_start") if "preferred_start" in columns else None
        pref_min = None
        if pref:
            hh, mm = str(pref).split(":")
            pref_min = int(hh) * 60 + int(mm)
        days_off = row.get("preferred_days_off") if "preferred_days_off" in columns else None
        agents.append(
            AgentSpec(
                agent_id=str(row["agent_id"]),
                team=str(row.get("team") or ""),
                contract_id=contract.id,
                skill_queues=tuple(sorted(set(skills))),
                min_paid_min=round(contract.weekly_hours_min * 60),
                max_paid_min=round(contract.weekly_hours_max * 60),
                max_days=contract.max_days_per_week,
                options=tuple(per_day),
                availability=avail,
                preferred_start_min=pref_min,
                preferred_days_off=tuple(
                    (WEEKDAYS.index(d) - week_start.weekday()) % 7 for d in days_off or []
                ),
                carried_on_slots=carry.on_slots if carry else (),
                carried_busy_slots=carry.busy_slots if carry else (),
                prev_worked_days=_tail_run(
                    carry, center.labor_rules.max_consecutive_days, contract.max_days_per_week
                ),
                rest_blocked_options=tuple(blocked),
            )
        )
    if issues:
        raise DataError("roster", issues)
    return agents


def _requirements(
    requirements: pl.DataFrame,
    queue_ids: list[str],
    index: dict[dt.datetime, int],
    n_week_slots: int,
    n_slots: int,
) -> tuple[np.ndarray, np.ndarray]:
    """agents_gross per queue x slot of the horizon, and which cells the table gave."""
    gross = np.zeros((len(queue_ids), n_slots))
    given = np.zeros((len(queue_ids), n_slots), dtype=bool)
    issues: list[DataIssue] = []
    frame = requirements.select("queue_id", "interval_start", "agents_gross").with_row_index("row")
    for row, queue_id, start, value in frame.iter_rows():
        if queue_id not in queue_ids:
            issues.append(DataIssue(row + 1, "queue_id", f"unknown queue {queue_id!r}"))
            continue
        slot = index.get(start)
        if slot is None or slot >= n_slots:
            # Another week's rows: a requirements file may span several weeks.
            continue
        if value is None or value < 0:
            issues.append(DataIssue(row + 1, "agents_gross", "must be a number >= 0"))
            continue
        q = queue_ids.index(queue_id)
        gross[q, slot] = value
        given[q, slot] = True
    if issues:
        raise DataError("requirements", issues[:20])
    return gross, given


def _fill_spill(
    gross: np.ndarray,
    given: np.ndarray,
    starts_at: list[dt.datetime],
    n_week_slots: int,
    tz: ZoneInfo,
) -> str:
    """Spill-over slots the table does not give take the week's own Monday at the same local
    time (the week treated as repeating). Returns where the spill-over's requirement came
    from."""
    n_slots = gross.shape[1]
    if n_slots == n_week_slots:
        return "none"
    spill = slice(n_week_slots, n_slots)
    if given[:, spill].any(axis=1).all():
        return "requirements"
    monday = {
        (at.astimezone(tz).hour, at.astimezone(tz).minute): t
        for t, at in enumerate(starts_at[:n_week_slots])
        if at.astimezone(tz).date() == starts_at[0].astimezone(tz).date()
    }
    for q in np.flatnonzero(~given[:, spill].any(axis=1)):
        for t in range(n_week_slots, n_slots):
            local = starts_at[t].astimezone(tz)
            same = monday.get((local.hour, local.minute))
            gross[q, t] = gross[q, same] if same is not None else 0.0
    return "cyclic" if not given[:, spill].any() else "requirements"


def from_frames(
    requirements: pl.DataFrame,
    roster: pl.DataFrame,
    center: Center,
    *,
    week_start: dt.date,
    previous: PreviousWeek | None = None,
) -> ScheduleProblem:
    """Build the integer problem for the week starting on local day `week_start`.

    Args:
        requirements: the requirements table (README, Tables); rows outside the week and its
            spill-over are ignored.
        roster: the roster table (README, Tables).
        center: the center configuration (templates, contracts, labor rules).
        week_start: a local date, the center's week start (Monday by default).
        previous: the published schedule of the week before (`scheduling.previous`), or
            None when the week is planned on its own.

    Returns:
        The frozen ScheduleProblem.

    Raises:
        ScheduleError: week_start is not the center's week start, or templates are off the
            interval grid.
        DataError: a roster or requirements row names an unknown contract or queue; a
            previous-week shift outside the week before.
    """
    problem = not_week_start(week_start, center.week_start)
    if problem is not None:
        raise ScheduleError(f"{problem} ({week_start:%A})")
    if not center.shift_templates or not center.contracts:
        raise ScheduleError("the center config has no shift_templates or no contracts")
    slot_min = center.interval_min
    tz = center.tz
    full = grid(week_start, week_start + dt.timedelta(days=8), tz, slot_min * 60).to_list()
    index = {at: i for i, at in enumerate(full)}
    day_starts = [
        index[
            grid(
                week_start + dt.timedelta(days=d),
                week_start + dt.timedelta(days=d + 1),
                tz,
                slot_min * 60,
            )[0]
        ]
        for d in range(7)
    ]
    n_week_slots = len(grid(week_start, week_start + dt.timedelta(days=7), tz, slot_min * 60))
    day_starts.append(n_week_slots)
    options, breaks = _build_options(center, week_start, index, slot_min)
    n_slots = max([n_week_slots] + [o.end_slot for o in options])
    queue_ids = center.queue_ids
    gross, given = _requirements(requirements, queue_ids, index, n_week_slots, n_slots)
    spill_from = _fill_spill(gross, given, full[:n_slots], n_week_slots, tz)
    required = np.ceil(gross - _EPS).clip(min=0).astype(np.int64)
    carries = (
        {}
        if previous is None
        else carry_over(
            previous.schedule,
            center,
            week_start=week_start,
            slot_starts_at=tuple(full[:n_slots]),
            source=previous.source,
        )
    )
    agents = _agents(roster, center, options, queue_ids, carries, full[:n_slots])
    return ScheduleProblem(
        center=center,
        week_start=week_start,
        slot_min=slot_min,
        slot_starts_at=tuple(full[:n_slots]),
        n_week_slots=n_week_slots,
        day_start_slot=tuple(day_starts),
        queue_ids=tuple(queue_ids),
        required=required,
        agents_gross=gross,
        agents=tuple(agents),
        options=tuple(options),
        breaks=breaks,
        min_rest_slot=math.ceil(center.labor_rules.min_rest_h * 60 / slot_min),
        max_consecutive_days=center.labor_rules.max_consecutive_days,
        previous_given=previous is not None,
        spill_required_from=spill_from,
    )


def clock_distance_min(a_min: int, b_min: int) -> int:
    """Minutes between two times of day, the short way round midnight (23:00 and 01:00 are
    two hours apart)."""
    away = abs(a_min - b_min) % MINUTES_PER_DAY
    return min(away, MINUTES_PER_DAY - away)


def agent_types(problem: ScheduleProblem) -> list[list[int]]:
    """Agents the shift counts cannot tell apart (same skills, contract, shift options and
    previous-week carry), as lists of agent indices in roster order; preferences are
    ignored."""
    merged: dict[tuple, list[int]] = {}
    for a, agent in enumerate(problem.agents):
        merged.setdefault(agent.type_key, []).append(a)
    return list(merged.values())


def aggregate_agents(problem: ScheduleProblem) -> ScheduleProblem:
    """The problem with the agents of each of `agent_types` merged into one spec with a count
    (preferences dropped): a relaxation of the same coverage problem, much smaller. Spec i
    stands for the agents of type i."""
    agents = tuple(
        dataclasses.replace(
            problem.agents[members[0]],
            agent_id=f"type-{i}",
            preferred_start_min=None,
            preferred_days_off=(),
            count=sum(problem.agents[a].count for a in members),
        )
        for i, members in enumerate(agent_types(problem))
    )
    return dataclasses.replace(problem, agents=agents)

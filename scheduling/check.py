"""An independent checker: every hard rule, verified on a schedule table.

It reads the schedule rows (UTC datetimes), not solver values, and re-derives shifts,
templates, breaks and hours from the center configuration in minutes, so a bug in the
model's slot arithmetic shows up here as a violation.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import polars as pl

from scheduling.previous import shifts_of
from scheduling.problem import ScheduleProblem
from wfm.center import MINUTES_PER_DAY, WEEKDAYS, ShiftTemplate

__all__ = ["Violation", "check_schedule"]


@dataclass(frozen=True)
class Violation:
    """A broken hard rule: the agent, the rule's name and what is wrong."""

    agent_id: str
    rule: str
    message: str


def _minutes(delta: dt.timedelta) -> int:
    return round(delta.total_seconds() / 60)


def _match_template(
    templates: list[ShiftTemplate], weekday: int, start_min: int, length_min: int
) -> ShiftTemplate | None:
    for template in templates:
        if (
            WEEKDAYS[weekday] in template.days
            and template.length_min == length_min
            and start_min in template.start_mins()
        ):
            return template
    return None


def _check_breaks(template: ShiftTemplate, start: dt.datetime, block: list[dict]) -> list[str]:
    taken = sorted(
        (_minutes(r["start"] - start), _minutes(r["end"] - r["start"]), r["activity"])
        for r in block
        if r["activity"] in ("break", "lunch")
    )
    rules = sorted(template.breaks, key=lambda b: b.earliest_after_start_min)
    if len(taken) != len(rules):
        return [f"{len(taken)} breaks/lunches taken, template {template.id} has {len(rules)}"]
    problems = []
    for (offset, dur, kind), rule in zip(taken, rules, strict=True):
        if (
            kind != rule.kind
            or dur < rule.duration_min
            or not (rule.earliest_after_start_min <= offset <= rule.latest_after_start_min)
        ):
            problems.append(
                f"{kind} {dur} min at {offset} min after start; template {template.id} asks "
                f"{rule.kind} {rule.duration_min} min between {rule.earliest_after_start_min} "
                f"and {rule.latest_after_start_min} min"
            )
    return problems


def _previous_shifts(
    previous: pl.DataFrame | None, week_start: dt.date, tz: ZoneInfo
) -> dict[str, tuple[list[int], list[tuple[dt.datetime, dt.datetime]]]]:
    """Per agent, the previous week's worked days (-1 = the Sunday before) and shift spans."""
    out: dict[str, tuple[list[int], list[tuple[dt.datetime, dt.datetime]]]] = {}
    if previous is None:
        return out
    for (agent_id,), rows in previous.sort("start").group_by(["agent_id"], maintain_order=True):
        days, spans = out.setdefault(str(agent_id), ([], []))
        for block in shifts_of(rows.to_dicts()):
            days.append((block[0]["start"].astimezone(tz).date() - week_start).days)
            spans.append((block[0]["start"], block[-1]["end"]))
    return out


def check_schedule(
    problem: ScheduleProblem, schedule: pl.DataFrame, *, previous: pl.DataFrame | None = None
) -> list[Violation]:
    """Every hard rule broken by `schedule` (README, Tables: schedule).

    Rules: activities of one agent never overlap; a shift is a known template of the
    agent's contract, started on an allowed weekday and start time; inside the agent's
    availability; its breaks and lunches inside their windows; one shift per local day;
    weekly paid hours within the contract; contract days per week; consecutive days; rest
    between shifts; work only on skilled queues. With `previous` (the published week
    before), the first shifts neither overlap the previous week's last ones nor start
    within the minimum rest after them, and consecutive days count across the boundary.

    Returns:
        The violations; empty when the schedule keeps every hard rule.
    """
    center = problem.center
    tz = center.tz
    out: list[Violation] = []
    by_agent = {a.agent_id: a for a in problem.agents}
    previous_by_agent = _previous_shifts(previous, problem.week_start, tz)
    for (agent_id,), rows_df in schedule.sort("start").group_by(["agent_id"], maintain_order=True):
        agent = by_agent.get(agent_id)
        if agent is None:
            out.append(Violation(str(agent_id), "roster", "agent not on the roster"))
            continue
        rows = rows_df.to_dicts()
        contract = center.contract(agent.contract_id)
        skills = {problem.queue_ids[q] for q in agent.skill_queues}

        def bad(rule: str, message: str, agent_id: str = agent.agent_id) -> None:
            out.append(Violation(agent_id, rule, message))

        for before, after in itertools.pairwise(rows):
            if after["start"] < before["end"]:
                bad("overlap", f"activities overlap at {after['start']:%Y-%m-%d %H:%M} UTC")
        for row in rows:
            if (
                row["activity"] == "work"
                and row["queue_id"] is not None
                and (row["queue_id"] not in skills)
            ):
                bad("skills", f"works {row['queue_id']} without the skill")
        templates = [center.template(t) for t in contract.shift_templates]
        days: list[int] = []
        spans: list[tuple[dt.datetime, dt.datetime]] = []
        paid_min = 0
        for block in shifts_of(rows):
            start, end = block[0]["start"], block[-1]["end"]
            local = start.astimezone(tz)
            day = (local.date() - problem.week_start).days
            start_min = local.hour * 60 + local.minute
            length_min = _minutes(end - start)
            if not 0 <= day < 7:
                bad("week", f"shift starts outside the week on {local.date()}")
                continue
            template = _match_template(templates, local.weekday(), start_min, length_min)
            if template is None:
                bad(
                    "template",
                    f"shift {local:%a %H:%M} for {length_min} min matches no "
                    f"template of contract {contract.id}",
                )
                continue
            week_min = day * MINUTES_PER_DAY + start_min
            if agent.availability and not any(
                s <= week_min and week_min + length_min <= e for s, e in agent.availability
            ):
                bad("availability", f"shift {local:%a %H:%M} is outside the availability")
            for message in _check_breaks(template, start, block):
                bad("breaks", f"shift {local:%a %H:%M}: {message}")
            days.append(day)
            spans.append((start, end))
            paid_min += template.paid_min
        if len(set(days)) != len(days):
            bad("one_shift_per_day", "two shifts start on the same day")
        if not contract.weekly_hours_min * 60 <= paid_min <= contract.weekly_hours_max * 60:
            bad(
                "weekly_hours",
                f"{paid_min / 60:g} paid h, contract {contract.id} allows "
                f"{contract.weekly_hours_min:g}-{contract.weekly_hours_max:g} h",
            )
        if len(set(days)) > contract.max_days_per_week:
            bad(
                "max_days",
                f"{len(set(days))} days worked, contract allows {contract.max_days_per_week}",
            )
        prev_days, prev_spans = previous_by_agent.get(agent.agent_id, ([], []))
        run = best = 0
        for d in range(-7, 7):
            run = run + 1 if d in days or d in prev_days else 0
            best = max(best, run)
        if best > center.labor_rules.max_consecutive_days:
            bad("max_consecutive", f"{best} consecutive days worked")
        if prev_spans and spans:
            last_end = max(end for _, end in prev_spans)
            if spans[0][0] < last_end:
                bad(
                    "overlap",
                    f"shift {spans[0][0].astimezone(tz):%a %H:%M} starts before the "
                    "previous week's last shift ends",
                )
            spans = [(last_end, last_end), *spans]
        for (_, end), (start, _) in itertools.pairwise(spans):
            if (start - end).total_seconds() < center.labor_rules.min_rest_h * 3600 - 1e-6:
                bad(
                    "min_rest",
                    f"{(start - end).total_seconds() / 3600:g} h rest before "
                    f"{start.astimezone(tz):%a %H:%M}",
                )
    worked = set(schedule["agent_id"].unique().to_list()) if schedule.height else set()
    for agent in problem.agents:
        if agent.agent_id not in worked and agent.min_paid_min > 0:
            out.append(
                Violation(
                    agent.agent_id,
                    "weekly_hours",
                    f"not scheduled, contract {agent.contract_id} asks "
                    f"{agent.min_paid_min / 60:g} h",
                )
            )
    return out

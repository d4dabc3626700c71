"""A published schedule for one week of the sample center, built by a simple fixed rule.

This is sample data, not the scheduler: each agent works its contract's first template on its
working days, days off come from its preference or a team rotation, start times from its
preference or a team stagger that fits its availability; breaks sit inside their windows,
staggered across agents; each team has a 30-minute meeting once a week and a few agents a
one-hour training.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from wfm.center import WEEKDAYS, Center, ShiftTemplate, parse_clock_min
from wfm.synthetic.roster import AgentSpec

__all__ = ["ScheduledActivity", "build_schedule", "schedule_frame"]

ScheduledActivity = tuple[str, str, dt.datetime, dt.datetime]  # agent_id, activity, start, end

_DAYS_OFF_ROTATION = {
    "weekday_only": (("sat", "sun"),),
    "office": (("sat", "sun"), ("sat", "sun"), ("sat", "sun"), ("sun", "mon"), ("sun", "wed")),
    "seven_day": (
        ("sat", "sun"),
        ("sun", "mon"),
        ("tue", "wed"),
        ("thu", "fri"),
        ("fri", "sat"),
        ("mon", "tue"),
        ("wed", "thu"),
    ),
}
_TEAM_ROTATION = {
    "billing": "weekday_only",
    "digital": "weekday_only",
    "pharmacy": "seven_day",
    "triage_a": "seven_day",
    "triage_b": "seven_day",
}
# Start-time stagger per team (local "HH:MM"), cycled over the team's agents.
_TEAM_STARTS = {
    "triage_a": ("06:00", "07:00", "08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00"),
    "triage_b": ("22:00", "22:30", "23:00"),
    "sched_a": ("06:30", "07:00", "07:30", "08:00", "08:30", "09:00", "10:00", "10:30"),
    "sched_b": ("06:30", "07:00", "07:30", "08:00", "09:00", "09:30", "10:00", "10:30"),
    "digital": ("06:30", "07:30", "08:30", "09:30", "10:30"),
    "billing": ("07:30", "08:00", "08:30", "09:00", "09:30"),
    "pharmacy": ("07:30", "08:00", "09:00", "10:00", "11:00", "11:30"),
    "outreach": ("07:30", "08:30", "09:30", "10:30", "11:30"),
}
_MEETING_DAY = {
    "triage_a": 1,
    "sched_a": 2,
    "sched_b": 3,
    "digital": 2,
    "billing": 1,
    "pharmacy": 3,
    "outreach": 4,
}


def _template_and_days(center: Center, agent: AgentSpec) -> tuple[ShiftTemplate, int]:
    """The contract's template and day count that give the most paid hours within its limits
    (first template on a tie)."""
    contract = center.contract(agent.contract)
    best: tuple[float, ShiftTemplate, int] | None = None
    for template_id in contract.shift_templates:
        template = center.template(template_id)
        n_days = min(
            contract.max_days_per_week, int(contract.weekly_hours_max * 60 // template.paid_min)
        )
        hours = n_days * template.paid_min / 60
        if best is None or hours > best[0]:
            best = (hours, template, n_days)
    assert best is not None
    return best[1], best[2]


def _working_days(agent: AgentSpec, index: int, n_days: int) -> list[int]:
    rotation = _DAYS_OFF_ROTATION[_TEAM_ROTATION.get(agent.team, "office")]
    off = agent.preferred_days_off or rotation[index % len(rotation)]
    avail_days = {d for d, _, _ in agent.availability}
    days = [d for d in range(7) if WEEKDAYS[d] not in off and (not avail_days or d in avail_days)]
    while len(days) > n_days:
        days.pop((index + len(days)) % len(days))
    return days


def _start_min(agent: AgentSpec, index: int, template: ShiftTemplate, weekday: int) -> int:
    options = template.start_mins()
    wanted = _TEAM_STARTS.get(agent.team, ("08:00",))[
        index % len(_TEAM_STARTS.get(agent.team, ("08:00",)))
    ]
    if agent.preferred_start is not None:
        wanted = agent.preferred_start
    target = parse_clock_min(wanted)
    windows = [(lo, hi) for d, lo, hi in agent.availability if d == weekday]
    fits = [
        s
        for s in options
        if not windows or any(lo <= s and s + template.length_min <= hi for lo, hi in windows)
    ]
    pool = fits or options
    return min(pool, key=lambda s: (abs(s - target), s))


def build_schedule(
    center: Center, agents: list[AgentSpec], week_start: dt.date
) -> list[ScheduledActivity]:
    """Activities (work, break, lunch, meeting, training) for the week from `week_start`.

    Work rows fill the shift around the other activities, so a shift's rows tile it exactly.
    """
    rows: list[ScheduledActivity] = []
    team_index: dict[str, int] = {}
    for agent in agents:
        index = team_index.get(agent.team, 0)
        team_index[agent.team] = index + 1
        template, n_days = _template_and_days(center, agent)
        for weekday in _working_days(agent, index, n_days):
            day = week_start + dt.timedelta(days=weekday)
            start = _start_min(agent, index, template, weekday)
            inserts: list[tuple[str, int, int]] = []
            for k, rule in enumerate(template.breaks):
                span = rule.latest_after_start_min - rule.earliest_after_start_min
                steps = span // 15 + 1
                offset = rule.earliest_after_start_min + 15 * ((index + k + steps // 2) % steps)
                inserts.append((rule.kind, offset, offset + rule.duration_min))
            if weekday == _MEETING_DAY.get(agent.team, -1):
                inserts += _fit("meeting", 30, inserts, template.length_min)
            if index % 11 == 3 and weekday == 3:
                inserts += _fit("training", 60, inserts, template.length_min)
            rows += _tile(agent.agent_id, day, start, template.length_min, inserts, center)
    return rows


def _fit(
    activity: str, length_min: int, taken: list[tuple[str, int, int]], shift_min: int
) -> list[tuple[str, int, int]]:
    """Place `activity` in the first free stretch long enough, 30 min after the last break."""
    edges = [0, *sorted(x for _, a, b in taken for x in (a, b)), shift_min]
    for lo, hi in zip(edges[::2], edges[1::2], strict=False):
        if hi - lo >= length_min + 60:
            return [(activity, lo + 30, lo + 30 + length_min)]
    return []


def _tile(
    agent_id: str,
    day: dt.date,
    start_min: int,
    length_min: int,
    inserts: list[tuple[str, int, int]],
    center: Center,
) -> list[ScheduledActivity]:
    origin = (
        (dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=start_min))
        .replace(tzinfo=center.tz)
        .astimezone(dt.UTC)
    )

    def at(offset_min: int) -> dt.datetime:
        return origin + dt.timedelta(minutes=offset_min)

    rows: list[ScheduledActivity] = []
    cursor = 0
    for activity, lo, hi in sorted(inserts, key=lambda x: x[1]):
        if lo > cursor:
            rows.append((agent_id, "work", at(cursor), at(lo)))
        rows.append((agent_id, activity, at(lo), at(hi)))
        cursor = hi
    if cursor < length_min:
        rows.append((agent_id, "work", at(cursor), at(length_min)))
    return rows


def schedule_frame(rows: list[ScheduledActivity]) -> pl.DataFrame:
    """The schedule table (tables.md): queue_id null on work = all the agent's skills."""
    return pl.DataFrame(
        {
            "agent_id": [r[0] for r in rows],
            "activity": [r[1] for r in rows],
            "start": [r[2] for r in rows],
            "end": [r[3] for r in rows],
            "queue_id": [None] * len(rows),
        },
        schema={
            "agent_id": pl.Utf8,
            "activity": pl.Utf8,
            "start": pl.Datetime("us", "UTC"),
            "end": pl.Datetime("us", "UTC"),
            "queue_id": pl.Utf8,
        },
    ).sort("agent_id", "start")

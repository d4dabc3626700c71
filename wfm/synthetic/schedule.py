"""A published schedule for one week of the sample center, built by a simple fixed rule.

This is sample data, not the scheduler: each agent works its contract's first template on its
working days, days off come from its preference or a team rotation, start times from its
preference or a team stagger that fits its availability; breaks sit inside their windows,
staggered across agents; each team has a 30-minute meeting once a week and a few agents a
one-hour training.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from wfm.center import MINUTES_PER_DAY, WEEKDAYS, Center, ShiftTemplate, parse_clock_min
from wfm.grid import local_minute_utc
from wfm.synthetic.roster import SyntheticAgent
from wfm.synthetic.shifts import ScheduledActivity, ShiftPiece, shift_activities, tile_shift

__all__ = ["build_schedule"]

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
    "triage_a": ("06:00", "07:00", "08:00", "10:00", "11:00", "12:00", "13:00", "13:30", "14:00"),
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


def _template_and_days(center: Center, agent: SyntheticAgent) -> tuple[ShiftTemplate, int]:
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


def _open_minutes(center: Center, agent: SyntheticAgent, weekday: int) -> np.ndarray:
    """Minutes of `weekday` and the next day (0..2879) when one of the agent's queues is open."""
    is_open = np.zeros(2 * MINUTES_PER_DAY, dtype=bool)
    for queue_id, _ in agent.skills:
        queue = center.queue(queue_id)
        for offset, day in ((0, weekday), (MINUTES_PER_DAY, (weekday + 1) % 7)):
            for lo, hi in queue.open_minutes(day):
                is_open[offset + lo : offset + hi] = True
    return is_open


def _starts(
    center: Center, agent: SyntheticAgent, template: ShiftTemplate, weekday: int
) -> list[tuple[int, int]]:
    """(start_min, minutes inside open hours) for the template's starts that fit the
    agent's availability on `weekday`."""
    is_open = _open_minutes(center, agent, weekday)
    windows = [(lo, hi) for d, lo, hi in agent.availability if d == weekday]
    if agent.availability and not windows:
        return []
    return [
        (s, int(is_open[s : s + template.length_min].sum()))
        for s in template.start_mins()
        if not windows or any(lo <= s and s + template.length_min <= hi for lo, hi in windows)
    ]


def _working_days(
    center: Center, agent: SyntheticAgent, index: int, template: ShiftTemplate, n_days: int
) -> list[int]:
    """Up to `n_days` workable days: a start fits the agent's availability and keeps at least
    half the shift inside its queues' open hours. Days off come from the preference or the
    team rotation, as far as the contract's day count allows."""
    rotation = _DAYS_OFF_ROTATION[_TEAM_ROTATION.get(agent.team, "office")]
    off = agent.preferred_days_off or rotation[index % len(rotation)]
    days = [
        d
        for d in range(7)
        if any(
            2 * inside >= template.length_min for _, inside in _starts(center, agent, template, d)
        )
    ]
    for day_off in off:
        if len(days) > n_days and WEEKDAYS.index(day_off) in days:
            days.remove(WEEKDAYS.index(day_off))
    while len(days) > n_days:
        days.pop((index + len(days)) % len(days))
    return days


def _start_min(
    center: Center, agent: SyntheticAgent, index: int, template: ShiftTemplate, weekday: int
) -> int:
    """The start nearest the agent's preferred (or team-staggered) start among those that keep
    the shift within 30 minutes of its best fit to open hours."""
    stagger = _TEAM_STARTS.get(agent.team, ("08:00",))
    wanted = agent.preferred_start or stagger[index % len(stagger)]
    target = parse_clock_min(wanted)
    starts = _starts(center, agent, template, weekday)
    best = max(inside for _, inside in starts)
    pool = [s for s, inside in starts if inside >= best - 30]
    return min(pool, key=lambda s: (abs(s - target), s))


def build_schedule(
    center: Center, agents: list[SyntheticAgent], week_start: dt.date
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
        for weekday in _working_days(center, agent, index, template, n_days):
            day = week_start + dt.timedelta(days=weekday)
            start = _start_min(center, agent, index, template, weekday)
            inserts: list[ShiftPiece] = []
            for k, rule in enumerate(template.breaks):
                span = rule.latest_after_start_min - rule.earliest_after_start_min
                steps = span // 15 + 1
                offset = rule.earliest_after_start_min + 15 * ((index + k + steps // 2) % steps)
                inserts.append((rule.kind, offset, offset + rule.duration_min))
            if weekday == _MEETING_DAY.get(agent.team, -1):
                inserts += _fit("meeting", 30, inserts, template.length_min)
            if index % 11 == 3 and weekday == 3:
                inserts += _fit("training", 60, inserts, template.length_min)
            pieces = tile_shift(template.length_min, inserts)
            rows += shift_activities(
                agent.agent_id, local_minute_utc(day, start, center.tz), pieces
            )
    return rows


def _fit(
    activity: str, length_min: int, taken: list[ShiftPiece], shift_min: int
) -> list[ShiftPiece]:
    """Place `activity` in the first free stretch long enough, 30 min after the last break."""
    edges = [0, *sorted(x for _, a, b in taken for x in (a, b)), shift_min]
    for lo, hi in zip(edges[::2], edges[1::2], strict=False):
        if hi - lo >= length_min + 60:
            return [(activity, lo + 30, lo + 30 + length_min)]
    return []

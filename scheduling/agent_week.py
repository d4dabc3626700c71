"""The agent week view of a solved center week: one row per agent, one column per weekday."""

from __future__ import annotations

import polars as pl

from scheduling.pooled import PooledSchedule
from wfm.center import WEEKDAYS

__all__ = ["agent_week"]


def _clock(local) -> str:
    return f"{local:%H:%M}"


def agent_week(week: PooledSchedule) -> pl.DataFrame:
    """Per-agent week view in local time: one row per agent, one column per weekday.

    A cell reads "07:00-15:30 L11:30" (shift, lunch start), empty on days off.
    """
    tz = week.center.tz
    rows = []
    by_agent = {aid: frame for (aid,), frame in week.schedule.group_by(["agent_id"])}
    for agent in week.agents:
        cells = dict.fromkeys(WEEKDAYS, "")
        frame = by_agent.get(agent.agent_id)
        paid_h = 0.0
        if frame is not None:
            acts = frame.sort("start").to_dicts()
            shift: list[dict] = []
            for act in [*acts, None]:
                if act is not None and shift and shift[-1]["end"] == act["start"]:
                    shift.append(act)
                    continue
                if shift:
                    start = shift[0]["start"].astimezone(tz)
                    end = shift[-1]["end"].astimezone(tz)
                    lunch = [a for a in shift if a["activity"] == "lunch"]
                    text = f"{_clock(start)}-{_clock(end)}"
                    if lunch:
                        text += f" L{_clock(lunch[0]['start'].astimezone(tz))}"
                    cells[WEEKDAYS[start.date().weekday()]] = text
                    unpaid = sum((a["end"] - a["start"]).total_seconds() for a in lunch)
                    paid_h += (
                        (shift[-1]["end"] - shift[0]["start"]).total_seconds() - unpaid
                    ) / 3600
                shift = [act] if act is not None else []
        rows.append(
            {
                "agent_id": agent.agent_id,
                "team": agent.team,
                "contract": agent.contract_id,
                **cells,
                "paid_h": paid_h,
            }
        )
    return pl.DataFrame(rows)

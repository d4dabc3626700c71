"""The schedule as the simulator sees it: when each agent is available, and for which queues.

Only `work` rows make an agent available; break, lunch, meeting, training and off rows (and
any time the schedule does not cover) take it away. A work row with a `queue_id` makes the
agent available for that queue only; a work row without one, for every queue of its roster
skills. Skill proficiency does not change handle times in the simulator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from numpy.typing import NDArray

from wfm.errors import DataError, DataIssue

__all__ = ["WorkSegments", "schedule_days", "work_segments"]


@dataclass(frozen=True)
class WorkSegments:
    """Available stretches of agents, sorted by start.

    Attributes:
        agent_ids: agent id per agent index.
        agent: agent index per segment.
        start_s, end_s: the stretch, seconds after the origin.
        queues: queue indices the agent serves during each segment.
    """

    agent_ids: tuple[str, ...]
    agent: NDArray[np.int64]
    start_s: NDArray[np.float64]
    end_s: NDArray[np.float64]
    queues: tuple[tuple[int, ...], ...]

    def __len__(self) -> int:
        return len(self.agent)


def schedule_days(schedule: pl.DataFrame, tz: ZoneInfo) -> tuple[dt.date, dt.date]:
    """Local days on which the schedule's work starts: (first day, the day after the last).

    Raises:
        DataError: the schedule has no work rows.
    """
    work = schedule.filter(pl.col("activity") == "work")
    if work.height == 0:
        raise DataError("schedule", [DataIssue(None, "activity", "the schedule has no work rows")])
    local = work["start"].dt.convert_time_zone(str(tz)).dt.date()
    return local.min(), local.max() + dt.timedelta(days=1)


def work_segments(
    schedule: pl.DataFrame,
    queue_ids: tuple[str, ...],
    *,
    origin: dt.datetime,
    roster: pl.DataFrame | None = None,
    source: str = "schedule",
) -> WorkSegments:
    """Turn a loaded schedule (and roster, for skills) into the simulator's work segments.

    Args:
        schedule: a frame as `wfm.loaders.load_schedule` returns it.
        queue_ids: the queues in simulation order.
        origin: UTC instant of second 0.
        roster: a frame as `wfm.loaders.load_roster` returns it; needed when work rows have
            no queue_id.
        source: the name used in errors.

    Raises:
        DataError: a work row without queue_id whose agent has no roster skills among the
            queues, or no roster at all.
    """
    index = {q: i for i, q in enumerate(queue_ids)}
    skills: dict[str, tuple[int, ...]] = {}
    if roster is not None:
        for agent_id, agent_skills in roster.select("agent_id", "skills").iter_rows():
            skills[agent_id] = tuple(
                sorted(index[s["queue_id"]] for s in agent_skills if s["queue_id"] in index)
            )
    work = schedule.filter(pl.col("activity") == "work").sort("start", "agent_id")
    agent_ids = tuple(sorted(set(schedule["agent_id"].to_list())))
    agent_index = {a: i for i, a in enumerate(agent_ids)}
    origin_us = int(origin.timestamp() * 1_000_000)
    start_s = ((work["start"].dt.epoch("us") - origin_us) / 1_000_000).to_numpy()
    end_s = ((work["end"].dt.epoch("us") - origin_us) / 1_000_000).to_numpy()
    queues: list[tuple[int, ...]] = []
    issues: list[DataIssue] = []
    for agent_id, queue_id in work.select("agent_id", "queue_id").iter_rows():
        if queue_id is not None:
            queues.append((index[queue_id],))
            continue
        serves = skills.get(agent_id, ())
        if not serves and len(issues) < 20:
            why = "no roster given" if roster is None else f"agent {agent_id} has no skills"
            issues.append(
                DataIssue(None, "queue_id", f"work of agent {agent_id} has no queue_id ({why})")
            )
        queues.append(serves)
    if issues:
        raise DataError(source, issues)
    return WorkSegments(
        agent_ids=agent_ids,
        agent=np.array([agent_index[a] for a in work["agent_id"]], dtype=np.int64),
        start_s=start_s.astype(np.float64),
        end_s=end_s.astype(np.float64),
        queues=tuple(queues),
    )

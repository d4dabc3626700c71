"""A synthetic week for the simulator's bench and demos: volumes, roster and schedule.

Volumes follow each queue's open hours with a midday hump and a Monday peak, scaled to a
chosen weekly total. Agents are split over skill groups in proportion to each group's
workload; each works five shifts of 8.5 h (break at +2 h, lunch at +4 h, break at +6.5 h)
starting at a random half hour inside its group's open hours (nights for 24/7 queues too).
Handle times are the queues' planning AHTs scaled by one factor so that the week's workload
is `load_frac` of the agents' working time (100,000 contacts at the sample center's AHTs would
need about twice 120 agents). It is a load test, not a plan: the staffing does not try to
meet targets, so some queues do well and some poorly.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.grid import grid, local_minute_utc, open_mask
from wfm.synthetic.roster import SyntheticAgent, roster_to_disk, skill_groups
from wfm.synthetic.shifts import activities_frame, eight_and_a_half_hour_shift, shift_activities

__all__ = ["SyntheticWeek", "synthetic_week"]

_SHIFT = eight_and_a_half_hour_shift(lunch_after_min=240)


@dataclass(frozen=True)
class SyntheticWeek:
    """Forecast-like volumes (no interval columns) and a schedule as the loaders return them;
    the roster as a file holds it (skills as text: pass it through `load_roster`), every agent
    in the center's first team and contract, always available."""

    volumes: pl.DataFrame
    roster: pl.DataFrame
    schedule: pl.DataFrame


def synthetic_week(
    center: Center,
    *,
    start: dt.date,
    n_agents: int = 120,
    weekly_contacts: float = 100_000.0,
    load_frac: float = 0.8,
    seed: int = 0,
) -> SyntheticWeek:
    """Build a week (7 local days from `start`) of volumes, roster and schedule.

    Args:
        center: the center (queues, open hours, planning AHTs).
        start: the first local day (a Monday reads best).
        n_agents: agents in the roster, each with 5 shifts.
        weekly_contacts: expected contacts over the week, all queues.
        load_frac: workload / agents' working time over the week, after scaling AHTs.
        seed: random seed for shift starts and days off.
    """
    rng = np.random.default_rng(seed)
    starts = grid(start, start + dt.timedelta(days=7), center.tz, center.interval_s)
    frames = []
    for q in center.queues:
        is_open = open_mask(q, starts, center.tz)
        local = starts.dt.convert_time_zone(center.timezone)
        hour = (
            local.dt.hour().cast(pl.Float64) + local.dt.minute().cast(pl.Float64) / 60
        ).to_numpy()
        monday = (local.dt.weekday() == 1).to_numpy()
        shape = (1.0 + 0.8 * np.sin(np.clip((hour - 7.0) / 12.0, 0.0, 1.0) * math.pi)) * (
            1.0 + 0.3 * monday
        )
        frames.append(
            pl.DataFrame(
                {"queue_id": q.id, "interval_start": starts, "weight": shape * is_open.to_numpy()}
            ).with_columns(aht_s=pl.lit(float(q.aht_s or 300.0)))
        )
    volumes = pl.concat(frames).filter(pl.col("weight") > 0)
    volumes = volumes.with_columns(
        volume=pl.col("weight") * weekly_contacts / pl.col("weight").sum()
    ).drop("weight")

    groups = list(skill_groups(center).values())
    work_by_group = np.array(
        [
            volumes.filter(pl.col("queue_id").is_in(list(g)))
            .select((pl.col("volume") * pl.col("aht_s")).sum())
            .item()
            for g in groups
        ]
    )
    shares = np.maximum(1, np.round(work_by_group / work_by_group.sum() * n_agents)).astype(int)
    shares[np.argmax(shares)] += n_agents - shares.sum()
    agents: list[SyntheticAgent] = []
    rows = []
    team, contract = center.teams[0], center.contracts[0].id
    for g, n_group in zip(groups, shares.tolist(), strict=True):
        queues = [center.queue(qid) for qid in g]
        for _ in range(n_group):
            agent_id = f"s{len(agents):04d}"
            agents.append(
                SyntheticAgent(
                    agent_id=agent_id,
                    name=f"Agent {len(agents)}",
                    team=team.id,
                    supervisor=team.supervisor,
                    skills=tuple((qid, 1.0) for qid in g),
                    contract=contract,
                )
            )
            first_off = int(rng.integers(0, 7))
            days_on = [d for d in range(7) if d not in (first_off, (first_off + 1) % 7)]
            night = any(qq.is_24_7 for qq in queues) and rng.random() < 0.25
            for d in days_on:
                day = start + dt.timedelta(days=d)
                windows = [w for qq in queues for w in qq.open_minutes(day.weekday())]
                if not windows:
                    continue
                lo = min(w[0] for w in windows)
                hi = max(lo, max(w[1] for w in windows) - _SHIFT.length_min)
                start_min = (
                    22 * 60 if night else lo + 30 * int(rng.integers(0, hi // 30 - lo // 30 + 1))
                )
                shift_start = local_minute_utc(day, start_min, center.tz)
                rows += shift_activities(agent_id, shift_start, _SHIFT.pieces)
    n_shifts = len(rows) // len(_SHIFT.pieces)
    work_s = _SHIFT.work_min * 60.0 * n_shifts
    workload_s = volumes.select((pl.col("volume") * pl.col("aht_s")).sum()).item()
    volumes = volumes.with_columns(pl.col("aht_s") * (load_frac * work_s / workload_s))
    schedule = activities_frame(rows)
    roster = roster_to_disk(agents)
    return SyntheticWeek(volumes=volumes, roster=roster, schedule=schedule)

"""A seeded roster and week of requirements of any size, for the scheduling bench and tests.

Agents are drawn per skill in proportion to each skill's share of the workload, so the
requirements stay in reach of the roster at every size (50 to 600 agents). Requirements
follow a double-peaked office day (10:00 and 14:00), lower weekends and a low night for
24/7 queues, scaled to `load_frac` of the roster's on-phone capacity.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from wfm.center import MINUTES_PER_DAY, Center
from wfm.grid import grid, open_mask, with_local_columns
from wfm.loaders import SCHEMAS
from wfm.synthetic.roster import SyntheticAgent, roster_frame, skill_groups

__all__ = ["synthetic_requirements", "synthetic_roster"]

# Rough on-phone agent-slots per agent and week (36 paid hours less breaks), in hours.
_ON_PHONE_H_PER_AGENT = 34.0
_DAYS_OFF = (("sat", "sun"), ("sun",), ("wed",))


def _skill_weights(center: Center) -> dict[str, float]:
    """Share of the workload per skill: a fixed weight per queue, open hours counted."""
    weights: dict[str, float] = {}
    for q in center.queues:
        open_h = sum(e - s for d in range(7) for s, e in q.open_minutes(d)) / 60
        weights[q.skill] = weights.get(q.skill, 0.0) + open_h * (0.6 if q.is_deferred else 1.0)
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}


def synthetic_roster(center: Center, n_agents: int, *, seed: int = 0) -> pl.DataFrame:
    """A roster of `n_agents` for `center`, as `load_roster` returns it (README, Tables).

    Args:
        center: the center (queues, teams, contracts).
        n_agents: agents to draw.
        seed: random seed.
    """
    rng = np.random.default_rng(seed)
    weights = _skill_weights(center)
    skills = sorted(weights)
    by_skill = skill_groups(center)
    night_skills = {q.skill for q in center.queues if q.is_24_7}
    night_templates = {
        t.id
        for t in center.shift_templates
        if t.earliest_start_min + t.length_min > MINUTES_PER_DAY
    }
    night_contracts = [c.id for c in center.contracts if set(c.shift_templates) & night_templates]
    day_contracts = [c.id for c in center.contracts if c.id not in night_contracts]
    teams = [t.id for t in center.teams] or ["team"]
    counts = np.maximum(1, np.round(np.array([weights[s] for s in skills]) * n_agents)).astype(int)
    while counts.sum() > n_agents:
        counts[counts.argmax()] -= 1
    while counts.sum() < n_agents:
        counts[counts.argmin()] += 1
    agents: list[SyntheticAgent] = []
    for skill, count in zip(skills, counts, strict=True):
        team_pool = [t for t in teams if skill[:4] in t] or teams
        for i in range(count):
            own = [(q, 1.0) for q in by_skill[skill]]
            if rng.random() < 0.2 and len(skills) > 1:
                other = skills[
                    (skills.index(skill) + 1 + rng.integers(len(skills) - 1)) % len(skills)
                ]
                own += [(q, 0.8) for q in by_skill[other]]
            if skill in night_skills and night_contracts and i % 4 == 0:
                contract = night_contracts[0]
            else:
                contract = str(rng.choice(day_contracts, p=_contract_mix(day_contracts)))
            availability: tuple[tuple[int, int, int], ...] = ()
            if center.contract(contract).weekly_hours_max <= 24 and rng.random() < 0.5:
                availability = tuple((d, 7 * 60, 17 * 60) for d in range(5))
            pref = None
            if rng.random() < 0.3:
                pref = f"{int(rng.choice([7, 8, 9, 10])):02d}:00"
            days_off = _DAYS_OFF[rng.integers(len(_DAYS_OFF))] if rng.random() < 0.3 else ()
            agent_no = len(agents) + 1
            agents.append(
                SyntheticAgent(
                    agent_id=f"A{agent_no:04d}",
                    name=f"Agent {agent_no}",
                    team=team_pool[i % len(team_pool)],
                    supervisor="Supervisor",
                    skills=tuple(own),
                    contract=contract,
                    availability=availability,
                    preferred_start=pref,
                    preferred_days_off=days_off,
                )
            )
    return roster_frame(agents)


def _contract_mix(contracts: list[str]) -> list[float]:
    weights = np.array([0.2 if "pt" in c else (0.15 if "4x10" in c else 0.65) for c in contracts])
    return list(weights / weights.sum())


def synthetic_requirements(
    center: Center,
    week_start: dt.date,
    n_agents: int,
    *,
    load_frac: float = 0.85,
    seed: int = 0,
) -> pl.DataFrame:
    """Requirements for the week (the requirements table, README, Tables), sized for
    `n_agents`.

    Args:
        center: the center.
        week_start: local Monday.
        n_agents: roster size the requirement is scaled to.
        load_frac: required on-phone hours / the roster's on-phone capacity.
        seed: random seed (noise on the curve).
    """
    rng = np.random.default_rng(seed)
    starts = grid(week_start, week_start + dt.timedelta(days=7), center.tz, center.interval_s)
    local = with_local_columns(pl.DataFrame({"interval_start": starts}), center.tz)
    assert isinstance(local, pl.DataFrame)
    hour = local["minute_of_day"].to_numpy() / 60
    weekday = local["weekday"].to_numpy()
    day_shape = 0.35 + np.exp(-((hour - 10.0) ** 2) / 6) + 0.8 * np.exp(-((hour - 14.5) ** 2) / 8)
    day_shape *= np.where(weekday >= 5, 0.6, 1.0) * np.where(weekday == 0, 1.15, 1.0)
    skill_w = _skill_weights(center)
    slot_h = center.interval_min / 60
    frames = []
    for q in center.queues:
        is_open = open_mask(q, starts, center.tz).to_numpy()
        shape = day_shape * is_open * rng.uniform(0.9, 1.1, len(starts))
        n_same_skill = sum(1 for x in center.queues if x.skill == q.skill)
        target_h = n_agents * _ON_PHONE_H_PER_AGENT * load_frac * skill_w[q.skill] / n_same_skill
        gross = shape / max(shape.sum() * slot_h, 1e-9) * target_h
        no_figure = [None] * len(starts)
        frames.append(
            pl.DataFrame(
                {
                    "queue_id": q.id,
                    "interval_start": starts,
                    "volume": gross * 4.0,
                    "aht_s": float(q.aht_s or 300.0),
                    "workload_erl": gross * 0.7,
                    "agents_net": np.floor(gross * (1 - center.shrinkage_for(q.id))).astype(
                        np.int64
                    ),
                    "agents_gross": gross,
                    "service_level": no_figure,
                    "asa_s": no_figure,
                    "abandon_rate": no_figure,
                    "occupancy": no_figure,
                },
                schema=SCHEMAS["requirements"].dtypes,
            )
        )
    return pl.concat(frames)

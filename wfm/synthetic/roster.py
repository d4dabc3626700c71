"""The sample roster: agents in the center's teams with skills, contracts and availability.

Team sizes come from the staffing the center needs (agents per team, computed by the caller
from requirements); each team gets mostly full-time agents and about a fifth
part-timers. Skills follow the team (triage nurses only triage; scheduling agents also take
some chat/SMS; digital agents some phone; billing takes phone and email), plus a few
multi-skilled floaters. Names come from fixed lists, so the roster is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from wfm.center import Center
from wfm.loaders import ROSTER_DTYPES, roster_text_frame

__all__ = [
    "TEAM_SKILLS",
    "SyntheticAgent",
    "build_roster",
    "roster_frame",
    "roster_to_disk",
    "skill_groups",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST = _words(
    """
    Aaliyah Aaron Abigail Adrian Aisha Alan Alicia Amir Ana Andre Angela Anthony Ava Ben Bianca
    Brandon Brenda Caleb Carla Carlos Carmen Chloe Chris Claire Daniel Danielle Darius Deborah
    Derek Diana Diego Eleanor Elijah Emily Eric Esther Ethan Fatima Felix Fiona Gabriel Gloria
    Hannah Hector Imani Irene Isaac Jada Jamal Janet Jasmine Jason Javier Jenna Joan Jorge
    Joseph Julia Karen Keisha Kevin Laura Leon Linda Lucas Lucia Malik Maria Mark Maya Megan
    Miguel Monica Nadia Nathan Nicole Noah Olivia Omar Patricia Paul Rachel Raj Rebecca Ricardo
    Rosa Ryan Samir Sandra Sara Sean Sofia Stephen Tanya Teresa Tyler Valerie Victor Wendy
    Xavier Yolanda Yusuf Zoe
"""
)
_LAST = _words(
    """
    Abbott Adams Alvarez Anderson Baker Banerjee Bennett Brooks Bryant Campbell Carter Castillo
    Chen Clark Coleman Collins Cooper Cruz Davis Diaz Edwards Evans Fischer Flores Foster Garcia
    Gomez Gonzalez Gray Green Hall Harris Hayes Henderson Hernandez Hill Howard Hughes Jackson
    James Jenkins Johnson Jones Kelly Kim Lee Lewis Lopez Martin Martinez Mendoza Miller
    Mitchell Moore Morgan Murphy Nguyen Nelson Ortiz Owens Parker Patel Perez Perry Peterson
    Phillips Powell Price Ramirez Reed Reyes Richardson Rivera Roberts Robinson Rodriguez Rogers
    Ross Russell Sanchez Sanders Scott Shah Singh Smith Stewart Sullivan Taylor Thomas Thompson
    Torres Turner Walker Ward Washington Watson White Williams Wilson Wood Wright Young
"""
)

# Primary skills per team of the sample center, and optional secondary skills with the
# share of the team that has them.
TEAM_SKILLS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, float], ...]]] = {
    "triage_a": (("triage_voice",), ()),
    "triage_b": (("triage_voice",), ()),
    "sched_a": (("sched_voice",), (("sched_chat", 0.4), ("sched_sms", 0.3))),
    "sched_b": (("sched_voice",), (("sched_chat", 0.35), ("sched_sms", 0.35))),
    "digital": (("sched_chat", "sched_sms"), (("sched_voice", 0.4),)),
    "billing": (("billing_voice",), (("billing_email", 0.85),)),
    "pharmacy": (("pharmacy_voice",), (("sched_voice", 0.15),)),
    "outreach": (("outreach_voice",), (("pharmacy_voice", 0.2),)),
}
_FLOATER_SKILLS = ("sched_voice", "billing_voice", "pharmacy_voice", "outreach_voice", "sched_chat")
_FLOATER_TEAM = "sched_b"
_PART_TIME_WINDOWS = (
    ((0, 5), 7 * 60, 15 * 60),
    ((0, 5), 11 * 60, 19 * 60),
    ((0, 5), 8 * 60, 14 * 60),
    ((0, 5), 12 * 60, 20 * 60),
)


@dataclass(frozen=True)
class SyntheticAgent:
    """One agent as a generator makes it (the roster row before encoding); the sample roster,
    the network's and the benches' rosters are lists of these. By default the agent is
    available at any time and has no preferences."""

    agent_id: str
    name: str
    team: str
    supervisor: str
    skills: tuple[tuple[str, float], ...]
    contract: str
    availability: tuple[tuple[int, int, int], ...] = ()  # (weekday, start_min, end_min)
    preferred_start: str | None = None
    preferred_days_off: tuple[str, ...] = ()


def skill_groups(center: Center) -> dict[str, tuple[str, ...]]:
    """The queue ids of each skill, in the center's queue order: an agent with a skill serves
    all its queues."""
    groups: dict[str, list[str]] = {}
    for queue in center.queues:
        groups.setdefault(queue.skill, []).append(queue.id)
    return {skill: tuple(ids) for skill, ids in groups.items()}


def _team_headcount(n_agents: float, team: str) -> tuple[int, int]:
    """(full-time, part-time) heads for a team of about `n_agents`; ~20 % part-timers."""
    total = max(1, round(n_agents))
    if team == "triage_b":
        return max(2, total), 0
    n_pt = round(0.2 * total) if total >= 4 else 0
    return total - n_pt, n_pt


def build_roster(
    center: Center, team_size: dict[str, float], *, seed: int, n_floaters: int = 4
) -> list[SyntheticAgent]:
    """Agents for each team of `center`, sized by `team_size` (agents per team).

    Args:
        center: the center; skills not among its queues are dropped.
        team_size: agents wanted per team id (missing teams get 1); the floaters count
            toward the scheduling team they join.
        seed: random seed (names, proficiencies, preferences).
        n_floaters: multi-skilled agents in scheduling team B.

    Returns:
        Agents ordered by id (A001, A002, ...), grouped by team.
    """
    rng = np.random.default_rng([seed, 0x7051])
    queue_ids = set(center.queue_ids)
    names = [f"{f} {last}" for f in _FIRST for last in _LAST]
    order = rng.permutation(len(names))
    agents: list[SyntheticAgent] = []

    def add(
        team: str,
        skills: list[tuple[str, float]],
        contract: str,
        availability: tuple[tuple[int, int, int], ...],
        preferred_start: str | None,
        days_off: tuple[str, ...],
    ) -> None:
        kept = tuple((q, p) for q, p in skills if q in queue_ids)
        supervisor = next(t.supervisor for t in center.teams if t.id == team)
        agents.append(
            SyntheticAgent(
                agent_id=f"A{len(agents) + 1:03d}",
                name=names[order[len(agents)]],
                team=team,
                supervisor=supervisor,
                skills=kept,
                contract=contract,
                availability=availability,
                preferred_start=preferred_start,
                preferred_days_off=days_off,
            )
        )

    contracts = {c.id for c in center.contracts}
    for team in center.teams:
        primary, secondary = TEAM_SKILLS.get(team.id, ((), ()))
        wanted = team_size.get(team.id, 1.0) - (n_floaters if team.id == _FLOATER_TEAM else 0)
        n_ft, n_pt = _team_headcount(wanted, team.id)
        for i in range(n_ft + n_pt):
            skills = [(q, round(float(rng.uniform(0.85, 1.0)), 2)) for q in primary]
            skills += [
                (q, round(float(rng.uniform(0.7, 0.9)), 2))
                for q, share in secondary
                if rng.random() < share
            ]
            part_time = i >= n_ft
            availability: tuple[tuple[int, int, int], ...] = ()
            preferred_start = None
            days_off: tuple[str, ...] = ()
            if part_time:
                contract = "pt24"
                days, lo, hi = _PART_TIME_WINDOWS[i % len(_PART_TIME_WINDOWS)]
                availability = tuple((d, lo, hi) for d in range(*days))
            elif team.id == "triage_b":
                contract = "ft40_night"
            elif team.id in ("sched_a", "sched_b", "billing", "triage_a") and i % 6 == 5:
                contract = "ft4x10"
            else:
                contract = "ft40"
            if contract not in contracts:
                contract = center.contracts[0].id
            if not part_time and rng.random() < 0.15 and team.id != "triage_b":
                availability = tuple((d, 7 * 60, 18 * 60 + 30) for d in range(5))
            if rng.random() < 0.25 and team.id != "triage_b":
                preferred_start = ("07:00", "07:30", "08:00", "08:30", "09:00")[
                    int(rng.integers(5))
                ]
            if rng.random() < 0.3:
                pairs = (("sat", "sun"), ("sun", "mon"), ("fri", "sat"))
                days_off = pairs[int(rng.integers(len(pairs)))]
            add(team.id, skills, contract, availability, preferred_start, days_off)

    has_floater_team = any(t.id == _FLOATER_TEAM for t in center.teams)
    sched_team = _FLOATER_TEAM if has_floater_team else center.teams[0].id
    for _ in range(n_floaters):
        skills = [(q, round(float(rng.uniform(0.75, 0.95)), 2)) for q in _FLOATER_SKILLS]
        add(
            sched_team,
            skills,
            "ft40" if "ft40" in contracts else center.contracts[0].id,
            (),
            None,
            (),
        )
    return agents


def roster_frame(agents: list[SyntheticAgent]) -> pl.DataFrame:
    """The roster table (README, Tables) as `load_roster` returns it: skills and availability
    as lists of structs."""
    return pl.DataFrame(
        {
            "agent_id": [a.agent_id for a in agents],
            "name": [a.name for a in agents],
            "team": [a.team for a in agents],
            "supervisor": [a.supervisor for a in agents],
            "skills": [[{"queue_id": q, "proficiency": p} for q, p in a.skills] for a in agents],
            "contract": [a.contract for a in agents],
            "availability": [
                [{"weekday": d, "start_min": lo, "end_min": hi} for d, lo, hi in a.availability]
                for a in agents
            ],
            "preferred_start": [a.preferred_start for a in agents],
            "preferred_days_off": [list(a.preferred_days_off) for a in agents],
        },
        schema=ROSTER_DTYPES,
    )


def roster_to_disk(agents: list[SyntheticAgent]) -> pl.DataFrame:
    """The roster as written to roster.csv: lists encoded as text (README, Tables)."""
    return roster_text_frame(
        {
            "agent_id": a.agent_id,
            "name": a.name,
            "team": a.team,
            "supervisor": a.supervisor,
            "skills": [{"queue_id": q, "proficiency": p} for q, p in a.skills],
            "contract": a.contract,
            "availability": [
                {"weekday": d, "start_min": lo, "end_min": hi} for d, lo, hi in a.availability
            ],
            "preferred_start": a.preferred_start,
            "preferred_days_off": a.preferred_days_off,
        }
        for a in agents
    )

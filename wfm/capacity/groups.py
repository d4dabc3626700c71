"""Groups of teams and the queues they serve: where required and available FTE meet.

A plan's `groups` are used as given. Otherwise a team serves the queues that at least half
its agents are skilled in, and teams that serve a common queue form one group (named by its
teams, e.g. "triage_a+triage_b"); a queue no team serves forms a group of its own, with no
supply.
"""

from __future__ import annotations

import polars as pl

from wfm.capacity.plan import Group
from wfm.center import Center

__all__ = ["derive_groups", "group_of_queue", "group_of_team"]


def derive_groups(roster: pl.DataFrame, center: Center, *, min_share: float = 0.5) -> list[Group]:
    """Groups from the roster's skills (the loaded roster: `skills` a list of structs)."""
    skills = (
        roster.select("agent_id", "team", "skills")
        .explode("skills")
        .drop_nulls("skills")
        .select("team", pl.col("skills").struct.field("queue_id").alias("queue_id"))
    )
    size = roster.group_by("team").len("n_agents")
    served = (
        skills.group_by("team", "queue_id")
        .len("n_skilled")
        .join(size, on="team")
        .filter(pl.col("n_skilled") >= min_share * pl.col("n_agents"))
    )
    queues_of: dict[str, set[str]] = {}
    for team, qid in served.select("team", "queue_id").iter_rows():
        queues_of.setdefault(team, set()).add(qid)
    for team in roster["team"].unique().to_list():
        queues_of.setdefault(team, set())
    # Union teams that share a queue (connected components of the team-queue graph).
    parent = {team: team for team in queues_of}

    def root(team: str) -> str:
        while parent[team] != team:
            team = parent[team]
        return team

    owner: dict[str, str] = {}
    for team in sorted(queues_of):
        for qid in sorted(queues_of[team]):
            if qid in owner:
                parent[root(team)] = root(owner[qid])
            else:
                owner[qid] = team
    members: dict[str, list[str]] = {}
    for team in sorted(queues_of):
        members.setdefault(root(team), []).append(team)
    order = {qid: i for i, qid in enumerate(center.queue_ids)}
    groups = []
    for teams in members.values():
        queues = sorted({q for t in teams for q in queues_of[t]}, key=order.__getitem__)
        if queues:
            groups.append(Group(id="+".join(teams), teams=teams, queues=queues))
    unserved = [q for q in center.queue_ids if q not in owner]
    groups += [Group(id=q, teams=[], queues=[q]) for q in unserved]
    return sorted(groups, key=lambda g: order[g.queues[0]])


def group_of_queue(groups: list[Group]) -> dict[str, str]:
    return {q: g.id for g in groups for q in g.queues}


def group_of_team(groups: list[Group]) -> dict[str, str]:
    return {t: g.id for g in groups for t in g.teams}

"""Agent pools: connected components of the agent-queue skill graph."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from wfm.center import load_center
from wfm.loaders import load_roster
from wfm.pools import agent_pools, pool_frames
from wfm.synthetic.network import generate_network


def _roster(rows: list[tuple[str, str, list[str]]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agent_id": [a for a, _, _ in rows],
            "team": [t for _, t, _ in rows],
            "skills": [[{"queue_id": q, "proficiency": 1.0} for q in qs] for _, _, qs in rows],
        }
    )


def test_agents_linked_through_a_chain_of_shared_queues_form_one_pool() -> None:
    roster = _roster(
        [
            ("A4", "t2", ["q4"]),
            ("A1", "t1", ["q1"]),
            ("A2", "t1", ["q1", "q2"]),
            ("A3", "t2", ["q2", "q3"]),  # q1 - A2 - q2 - A3 - q3: one pool across two teams
            ("A5", "t3", ["q5"]),
        ]
    )
    pools = agent_pools(roster, ["q1", "q2", "q3", "q4", "q5", "q6"])
    assert [(p.pool_id, p.agent_ids, p.queue_ids, p.teams) for p in pools] == [
        ("pool_01", ("A1", "A2", "A3"), ("q1", "q2", "q3"), ("t1", "t2")),
        ("pool_02", ("A4",), ("q4",), ("t2",)),
        ("pool_03", ("A5",), ("q5",), ("t3",)),
        ("pool_04", (), ("q6",), ()),  # nobody serves q6
    ]


def test_an_agent_without_skills_is_a_pool_of_its_own() -> None:
    roster = _roster([("A1", "t1", ["q1"]), ("A2", "t1", [])])
    pools = agent_pools(roster, ["q1"])
    assert [(p.agent_ids, p.queue_ids) for p in pools] == [(("A1",), ("q1",)), (("A2",), ())]


def test_every_site_of_the_network_is_one_pool(tmp_path: Path) -> None:
    generate_network(tmp_path, n_sites=4, queues_per_site=6, agents_per_site=10, n_days=7)
    center = load_center(tmp_path / "center.yaml")
    roster = load_roster(tmp_path / "roster.csv", center)
    pools = agent_pools(roster, center.queue_ids)
    assert [p.teams for p in pools] == [("s01",), ("s02",), ("s03",), ("s04",)]
    assert [p.n_agents for p in pools] == [10, 10, 10, 10]
    assert sorted(q for p in pools for q in p.queue_ids) == sorted(center.queue_ids)


def test_pool_frames_keep_only_the_pools_queues_and_agents() -> None:
    roster = _roster([("A1", "t1", ["q1"]), ("A2", "t2", ["q2"])])
    requirements = pl.DataFrame({"queue_id": ["q1", "q2", "q1"], "agents_net": [1, 2, 3]})
    first = agent_pools(roster, ["q1", "q2"])[0]
    req, agents = pool_frames(first, requirements, roster)
    assert req["agents_net"].to_list() == [1, 3]
    assert agents["agent_id"].to_list() == ["A1"]

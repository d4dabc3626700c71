"""Multi-skill requirements by simulation, validated against the Erlang A oracle.

On a single-skill queue the search must return Erlang A's requirement; on two fully
cross-trained queues (same handle time and patience), the pooled Erlang A requirement of
their summed volume. The cases are chosen where the decision is clear: Erlang A's service
level at the requirement N and at N - 1 lies at least 4.4 points from the 80 % target, and a
200-hour stationary run estimates a queue's service level with a standard deviation of 0.7
points (8 seeds each at 12 and 15 contacts per 15 minutes; means within 0.1 point of Erlang
A), about 1 point for each of two queues sharing that volume. Each comparison the search
makes is then more than 4 standard deviations from the wrong answer, so the tests fail for a
wrong search, not for bad luck.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from tests.wfm.simulation.conftest import T0, TS
from wfm.center import Center
from wfm.cli.main import app
from wfm.errors import StaffingError
from wfm.simulation.pooling import (
    IntervalLoad,
    PoolingSettings,
    pooled_requirements,
    skill_mix,
    smallest_pooled_agents,
)
from wfm.staffing import StaffingTarget, agents_required, erlang_a, requirements_from_frame

TARGET = StaffingTarget(service_level_frac=0.8, answer_within_s=30)
LONG = PoolingSettings(horizon_s=200 * 3600.0)


def _erlang_a_agents(contacts: float) -> int:
    fig = agents_required(
        np.array([contacts]), aht_s=300, interval_s=900, target=TARGET, patience_s=180
    )
    return int(fig.agents[0])


def _load(contacts: tuple[float, ...], mix) -> IntervalLoad:
    n = len(contacts)
    return IntervalLoad(
        contacts=contacts,
        aht_s=(300.0,) * n,
        patience_s=(180.0,) * n,
        targets=(TARGET,) * n,
        mix=mix,
        priority=(0,) * n,
        concurrency=(1,) * n,
        interval_s=900.0,
    )


@pytest.mark.parametrize("contacts", [12.0, 15.0])
def test_the_chosen_cases_are_clear_for_erlang_a(contacts: float) -> None:
    n = _erlang_a_agents(contacts)
    sl = erlang_a(
        contacts,
        aht_s=300,
        interval_s=900,
        n_agents=np.array([n - 1, n]),
        patience_s=180,
        answer_within_s=30,
    ).service_level
    assert sl[0] < 0.8 - 0.044 and sl[1] > 0.8 + 0.044


@pytest.mark.parametrize("contacts", [12.0, 15.0])
@pytest.mark.parametrize("offset", [-2, 0, 3])
def test_single_skill_queue_needs_what_erlang_a_says(contacts: float, offset: int) -> None:
    want = _erlang_a_agents(contacts)
    load = _load((contacts,), ((((0,), 1.0),),))
    got, slack = smallest_pooled_agents(
        load, [want + offset], settings=LONG, rng=np.random.default_rng(1)
    )
    assert got == [want]
    assert slack.min() >= 0


@pytest.mark.parametrize("total", [12.0, 15.0])
def test_two_cross_trained_queues_need_the_pooled_erlang_a_of_their_sum(total: float) -> None:
    pooled = _erlang_a_agents(total)
    apart = _erlang_a_agents(total / 2)
    assert 2 * apart > pooled  # pooling has something to save
    both = ((((0, 1), 1.0),), (((0, 1), 1.0),))
    got, _ = smallest_pooled_agents(
        _load((total / 2, total / 2), both),
        [apart, apart],
        settings=LONG,
        rng=np.random.default_rng(2),
    )
    assert sum(got) == pooled


def _center() -> Center:
    def queue(qid: str) -> dict:
        return {
            "id": qid,
            "channel": "voice",
            "skill": qid,
            "open_hours": "24/7",
            "target": {"service_level_frac": 0.8, "answer_within_s": 30},
            "patience_s": 180,
            "aht_s": 300,
        }

    return Center.model_validate(
        {
            "name": "test",
            "timezone": "UTC",
            "interval_min": 15,
            "shrinkage_frac": 0.2,
            "queues": [queue("a"), queue("b"), queue("solo")],
        }
    )


def _roster() -> pl.DataFrame:
    def skills(*queues: str) -> list[dict]:
        return [{"queue_id": q, "proficiency": 1.0 - 0.1 * k} for k, q in enumerate(queues)]

    return pl.DataFrame(
        {
            "agent_id": ["x1", "x2", "x3", "x4"],
            "skills": [skills("a", "b"), skills("b", "a"), skills("solo"), skills("a")],
        }
    )


def test_skill_mix_takes_each_queues_agents_by_best_skill() -> None:
    mix = skill_mix(_roster(), _center())
    assert mix["a"] == ((("a",), 0.5), (("a", "b"), 0.5))
    assert mix["b"] == ((("a", "b"), 1.0),)
    assert mix["solo"] == ((("solo",), 1.0),)


def _requirements(center: Center) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "queue_id": ["a", "a", "b", "b", "solo", "solo"],
            "interval_start": pl.Series([T0, T0.replace(minute=15)] * 3, dtype=TS),
            "volume": [6.0, 7.5, 6.0, 7.5, 6.0, 7.5],
            "aht_s": [300.0] * 6,
        }
    )
    return requirements_from_frame(frame, center)


def test_pooled_requirements_save_on_the_shared_pool_only() -> None:
    center = _center()
    requirements = _requirements(center)
    got = pooled_requirements(
        requirements, _roster(), center, settings=PoolingSettings(horizon_s=100 * 3600.0)
    )
    # One pool (a, b) simulated in the two intervals with volume; solo is served alone.
    assert got.n_simulated == 2
    solo = got.requirements.filter(pl.col("queue_id") == "solo")
    assert (
        solo["agents_net"].to_list()
        == requirements.filter(pl.col("queue_id") == "solo")["agents_net"].to_list()
    )
    saved = got.savings.filter(pl.col("queue_id").is_in(["a", "b"]))
    assert saved["saved_agent_h"].sum() > 0
    assert (saved.filter(pl.col("pool").is_not_null())["service_level_sim"] > 0.75).all()
    pooled = got.requirements.filter(pl.col("queue_id") == "a")
    assert np.allclose(pooled["agents_gross"], pooled["agents_net"] / 0.8)


def test_pooled_requirements_refuse_an_unknown_queue() -> None:
    center = _center()
    bad = _requirements(center).with_columns(pl.lit("zz").alias("queue_id"))
    with pytest.raises(StaffingError, match="unknown queue"):
        pooled_requirements(bad, _roster(), center)


def test_staff_pooling_needs_a_roster(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parents[3] / "data" / "sample"
    result = CliRunner().invoke(
        app,
        [
            "staff",
            "--input",
            str(sample / "history.parquet"),
            "--center",
            str(sample / "center.yaml"),
            "--last-week",
            "--pooling",
            "simulate",
            "--out",
            str(tmp_path / "req.csv"),
        ],
    )
    assert result.exit_code == 1
    assert "pooling by simulation needs the roster" in result.output

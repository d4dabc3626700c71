"""The synthetic network: many sites in one valid center, each site an independent pool."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from wfm.center import load_center
from wfm.loaders import load_history, load_roster
from wfm.synthetic.network import generate_network, network_center, site_histories

SMALL = {"n_sites": 3, "queues_per_site": 10, "agents_per_site": 12, "n_days": 14, "seed": 5}


@pytest.fixture(scope="module")
def network_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("network")
    generate_network(out, **SMALL)
    return out


def test_network_files_load_with_the_table_loaders(network_dir: Path) -> None:
    center = load_center(network_dir / "center.yaml")
    history = load_history(
        pl.read_parquet(network_dir / "history", hive_partitioning=False), center
    )
    roster = load_roster(network_dir / "roster.csv", center)
    assert len(center.queues) == 30
    assert center.interval_s == 1800
    assert [t.id for t in center.teams] == ["s01", "s02", "s03"]
    assert history["queue_id"].n_unique() == 30
    assert roster.height == 36


def test_every_agent_serves_only_its_own_sites_queues(network_dir: Path) -> None:
    center = load_center(network_dir / "center.yaml")
    roster = load_roster(network_dir / "roster.csv", center)
    skills = roster.explode("skills").select("team", pl.col("skills").struct.field("queue_id"))
    assert skills.height > roster.height  # some agents are multi-skilled
    assert (skills["queue_id"].str.slice(0, 3) == skills["team"]).all()
    covered = set(skills["queue_id"])
    assert covered == set(center.queue_ids)


def test_a_queues_history_does_not_depend_on_the_network_size() -> None:
    start = dt.date(2026, 1, 5)
    small = network_center(n_sites=1, queues_per_site=4)
    large = network_center(n_sites=2, queues_per_site=4)
    _, site_small = next(site_histories(small, start=start, n_days=7, seed=2))
    _, site_large = next(site_histories(large, start=start, n_days=7, seed=2))
    assert_frame_equal(site_small, site_large)


def test_the_same_seed_writes_the_same_network(network_dir: Path, tmp_path: Path) -> None:
    generate_network(tmp_path, **SMALL)
    for name in ("center.yaml", "roster.csv"):
        assert (tmp_path / name).read_text() == (network_dir / name).read_text()
    assert_frame_equal(
        pl.read_parquet(tmp_path / "history" / "site=s02" / "part.parquet"),
        pl.read_parquet(network_dir / "history" / "site=s02" / "part.parquet"),
    )

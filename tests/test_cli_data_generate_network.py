"""`wfm data generate-network`: a tiny network on disk that validates and splits into pools."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from wfm.cli.main import app
from wfm.pools import agent_pools
from wfm.validate import validate_dir

runner = CliRunner()


def _generate(out: Path, *extra: str):
    args = ["data", "generate-network", "--out", str(out), "--sites", "2", "--queues", "6"]
    args += ["--agents", "8", "--years", "0.1", "--seed", "3"]
    return runner.invoke(app, [*args, *extra])


def test_generate_network_writes_a_center_that_validates_with_one_pool_per_site(tmp_path):
    result = _generate(tmp_path)
    assert result.exit_code == 0, result.output
    assert "2 sites, 6 queues, 8 agents" in " ".join(result.output.split())
    assert sorted(p.name for p in (tmp_path / "history").iterdir()) == ["site=s01", "site=s02"]
    report = validate_dir(tmp_path)
    assert report.ok, report
    history = report.table("history")
    assert history is not None and history.path == tmp_path / "history"
    assert history.frame is not None and history.frame["queue_id"].n_unique() == 6
    days = history.frame["interval_start"].dt.date().n_unique()
    assert 36 <= days <= 38  # 0.1 year = 36.5 local days, seen as UTC dates
    roster = report.table("roster")
    assert roster is not None and roster.frame is not None
    pools = agent_pools(roster.frame, report.center.queue_ids)
    assert [(p.teams, p.n_agents, len(p.queue_ids)) for p in pools] == [
        (("s01",), 4, 3),
        (("s02",), 4, 3),
    ]


def test_generate_network_gives_the_same_files_for_the_same_seed(tmp_path):
    assert _generate(tmp_path / "a").exit_code == 0
    assert _generate(tmp_path / "b").exit_code == 0
    for name in ("center.yaml", "roster.csv", "history/site=s02/part.parquet"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_generate_network_refuses_queues_that_do_not_split_over_the_sites(tmp_path):
    result = _generate(tmp_path, "--queues", "7")
    assert result.exit_code == 2
    assert "7 does not split evenly over 2 sites" in result.output
    assert not (tmp_path / "center.yaml").exists()

"""`wfm data generate`: writes a valid center folder, the same bytes for the same seed."""

from __future__ import annotations

from typer.testing import CliRunner

from wfm.cli.main import app
from wfm.validate import validate_dir

runner = CliRunner()
FILES = {
    "center.yaml",
    "capacity.yaml",
    "scenarios.yaml",
    "history.parquet",
    "drivers.csv",
    "events.csv",
    "roster.csv",
    "schedule.parquet",
    "states.parquet",
}


def _generate(out, seed=3):
    return runner.invoke(
        app,
        [
            "data",
            "generate",
            "--seed",
            str(seed),
            "--out",
            str(out),
            "--start",
            "2026-11-02",
            "--days",
            "14",
        ],
    )


def test_generate_writes_every_table_and_they_validate(tmp_path):
    result = _generate(tmp_path / "a")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "a").iterdir()} == FILES
    assert "history.parquet" in result.output
    report = validate_dir(tmp_path / "a")
    assert report.ok, [(t.path.name, t.errors[:3]) for t in report.tables if t.errors]


def test_generate_twice_with_one_seed_gives_identical_bytes(tmp_path):
    assert _generate(tmp_path / "a").exit_code == 0
    assert _generate(tmp_path / "b").exit_code == 0
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_generate_rejects_a_bad_start_date(tmp_path):
    result = runner.invoke(app, ["data", "generate", "--out", str(tmp_path), "--start", "11/02"])
    assert result.exit_code == 2
    assert "expected YYYY-MM-DD" in result.output

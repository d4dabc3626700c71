"""`wfm forecast --cluster` and `--workers` write the same table as the in-process run."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from tests.conftest import SAMPLE_CENTER_YAML
from wfm.cli.main import app

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path, short_history: pl.DataFrame) -> dict[str, Path]:
    shutil.copy(SAMPLE_CENTER_YAML, tmp_path / "center.yaml")
    short_history.write_parquet(tmp_path / "history.parquet")
    return {"center": tmp_path / "center.yaml", "history": tmp_path / "history.parquet"}


def _forecast(files: dict[str, Path], out: Path, *extra: str) -> pl.DataFrame:
    args = ["forecast", "--history", str(files["history"]), "--center", str(files["center"])]
    args += ["--start", "2026-03-16", "--horizon", "1w", "--model", "ets", "--no-plot"]
    result = runner.invoke(app, [*args, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return pl.read_parquet(out)


@pytest.mark.parametrize("option", [["--cluster", "local:2"], ["--workers", "2"]])
def test_forecast_on_a_cluster_writes_the_in_process_table(
    files: dict[str, Path], tmp_path: Path, option: list[str]
) -> None:
    if option[0] == "--cluster":
        pytest.importorskip("distributed")
    expected = _forecast(files, tmp_path / "in_process.parquet")
    got = _forecast(files, tmp_path / "cluster.parquet", *option)
    assert expected["queue_id"].n_unique() == 2
    assert_frame_equal(got, expected)


def test_forecast_with_both_cluster_and_workers_is_an_error(
    files: dict[str, Path], tmp_path: Path
) -> None:
    args = ["forecast", "--history", str(files["history"]), "--center", str(files["center"])]
    args += ["--out", str(tmp_path / "fc.parquet"), "--cluster", "local:2", "--workers", "2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "give --cluster or --workers, not both" in result.output

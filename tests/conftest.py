"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import wfm
from wfm.center import Center, load_center

SAMPLE_CENTER_YAML = Path(wfm.__file__).parent / "synthetic" / "sample_center.yaml"


def with_cells(frame: pl.DataFrame, row: int, **values: object) -> pl.DataFrame:
    """`frame` with the cells of its row `row` (from 0) set: column=value."""
    at_row = pl.int_range(pl.len()) == row
    return frame.with_columns(
        pl.when(at_row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column)
        for column, value in values.items()
    )


REALDATA_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def center() -> Center:
    """The sample center's configuration (8 queues, 15-minute intervals, America/New_York)."""
    return load_center(SAMPLE_CENTER_YAML)


@pytest.fixture
def center_dir(tmp_path: Path) -> Path:
    """An empty center folder holding only the sample center.yaml."""
    (tmp_path / "center.yaml").write_text(SAMPLE_CENTER_YAML.read_text())
    return tmp_path

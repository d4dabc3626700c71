"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

import wfm
from wfm.center import Center, load_center

SAMPLE_CENTER_YAML = Path(wfm.__file__).parent / "synthetic" / "sample_center.yaml"
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

"""The package builds without a deprecation warning of ours (the licence, the metadata)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_builds_without_a_deprecation_warning(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), "."],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    output = result.stdout + result.stderr
    warnings = [ln for ln in output.splitlines() if "Warning" in ln and "deprecat" in ln.lower()]
    assert warnings == []
    assert list(tmp_path.glob("wfm-*.whl"))

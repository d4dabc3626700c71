"""What every bench script stamps on its figures: the commit, the machine, peak memory.

Bench scripts run as `python bench/<script>.py`, so this folder is on sys.path and they
import it as `common`.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
from pathlib import Path

__all__ = ["ROOT", "emit", "git_sha", "machine", "peak_rss_mb"]

ROOT = Path(__file__).resolve().parents[1]


def git_sha() -> str:
    """Short hash of the checked-out commit, or "unknown" outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, object]:
    """The machine a figure was measured on (shared machines are noisy: compare ratios)."""
    return {"machine": platform.node(), "cpus": os.cpu_count(), "python": platform.python_version()}


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(record: dict[str, object]) -> None:
    """Print one JSON line: the record plus commit and machine."""
    print(json.dumps({**record, "git_sha": git_sha(), **machine()}), flush=True)

"""A center folder: `center.yaml` and its tables by name (README, Tables).

A table `<kind>` is `<kind>.parquet`, `<kind>.csv` or a `<kind>/` folder of Parquet files
(a large history, one file per site), whichever exists first in that order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from wfm.center import Center, load_center
from wfm.errors import DataError, DataIssue
from wfm.loaders import load_table

__all__ = ["CenterFolder", "find_table", "open_folder"]


def find_table(directory: Path, kind: str) -> Path | None:
    """`<kind>.parquet`, `<kind>.csv` or a `<kind>/` folder of Parquet files in `directory`,
    whichever exists first in that order."""
    for suffix in (".parquet", ".csv"):
        candidate = directory / f"{kind}{suffix}"
        if candidate.exists():
            return candidate
    folder = directory / kind
    if folder.is_dir() and any(folder.rglob("*.parquet")):
        return folder
    return None


@dataclass(frozen=True)
class CenterFolder:
    """A center configuration and the folder its tables are read from.

    Attributes:
        center: the validated center configuration.
        center_path: the YAML file it was read from.
        directory: the folder holding the tables.
    """

    center: Center
    center_path: Path
    directory: Path

    def path(self, kind: str) -> Path | None:
        """Where table `kind` is, or None when the folder has none."""
        return find_table(self.directory, kind)

    def load(self, kind: str, *, agent_ids: set[str] | None = None) -> pl.DataFrame:
        """Load table `kind`.

        Raises:
            DataError: the folder has no such table, or the table is invalid.
        """
        path = self.path(kind)
        if path is None:
            missing = self.directory / f"{kind}.parquet"
            raise DataError(
                missing, [DataIssue(None, None, f"file not found (nor {kind}.csv, nor {kind}/)")]
            )
        return load_table(kind, path, self.center, agent_ids=agent_ids)

    def load_optional(self, kind: str, *, agent_ids: set[str] | None = None) -> pl.DataFrame | None:
        """Load table `kind` when the folder has it, else None."""
        if self.path(kind) is None:
            return None
        return self.load(kind, agent_ids=agent_ids)


def open_folder(center_path: str | Path, *, data_dir: str | Path | None = None) -> CenterFolder:
    """The center in `center_path`, its tables read from `data_dir` (default: the center file's
    folder).

    Raises:
        ConfigError: the center file is invalid.
    """
    center_path = Path(center_path)
    return CenterFolder(
        center=load_center(center_path),
        center_path=center_path,
        directory=Path(data_dir) if data_dir is not None else center_path.parent,
    )

"""Validate a center directory: the config and every table in it, collecting all problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from wfm.center import Center, load_center
from wfm.errors import ConfigError, DataError, DataIssue
from wfm.folder import find_table
from wfm.loaders import TABLE_KINDS, load_history_checked, load_table

__all__ = ["TableReport", "ValidationReport", "validate_dir"]


@dataclass(frozen=True)
class TableReport:
    kind: str
    path: Path
    n_rows: int
    errors: list[DataIssue]
    warnings: list[DataIssue]
    frame: pl.DataFrame | None


@dataclass
class ValidationReport:
    directory: Path
    center: Center | None
    config_error: str | None
    tables: list[TableReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config_error is None and not any(t.errors for t in self.tables)

    def table(self, kind: str) -> TableReport | None:
        return next((t for t in self.tables if t.kind == kind), None)


def validate_dir(directory: str | Path) -> ValidationReport:
    """Load `center.yaml` and every known table in `directory`; never raises for bad data.

    Schedules and states are checked against the roster's agent ids when a roster is present.
    """
    directory = Path(directory)
    try:
        center = load_center(directory / "center.yaml")
    except ConfigError as exc:
        return ValidationReport(directory, None, str(exc))
    report = ValidationReport(directory, center, None)
    agent_ids: set[str] | None = None
    for kind in TABLE_KINDS:
        path = find_table(directory, kind)
        if path is None:
            continue
        warnings: list[DataIssue] = []
        try:
            if kind == "history":
                result = load_history_checked(path, center)
                frame, warnings = result.frame, result.warnings
            else:
                frame = load_table(kind, path, center, agent_ids=agent_ids)
                if kind == "roster":
                    agent_ids = set(frame["agent_id"].to_list())
            report.tables.append(TableReport(kind, path, frame.height, [], warnings, frame))
        except DataError as exc:
            report.tables.append(TableReport(kind, path, 0, exc.issues, [], None))
    return report

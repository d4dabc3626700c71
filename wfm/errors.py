"""Errors raised by wfm. Library code raises only these; the CLI and the API translate them.

    WfmError
    ├── ConfigError       a center configuration file is invalid
    ├── DataError         a data table (CSV / Parquet) is invalid; holds DataIssue rows
    ├── ForecastError     a forecast cannot be produced
    ├── StaffingError     a staffing input or target is invalid
    ├── AdherenceError    adherence inputs cannot be reconciled
    ├── OutputError       an output cannot be written (unknown format, ...)
    ├── ServiceError      the wfm service refused or failed a request (client side)
    └── ScheduleError     a schedule cannot be built
        └── InfeasibleError   hard rules contradict each other

Messages name files, rows, columns and ids, never cell values of free-text fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "AdherenceError",
    "ConfigError",
    "DataError",
    "DataIssue",
    "ForecastError",
    "InfeasibleError",
    "OutputError",
    "ScheduleError",
    "ServiceError",
    "StaffingError",
    "WfmError",
]


class WfmError(Exception):
    """Base class of every error wfm raises on purpose."""


class ConfigError(WfmError):
    """A center configuration file is invalid; the message names the file and field path."""


@dataclass(frozen=True)
class DataIssue:
    """One problem in a table.

    Attributes:
        row: 1-based data row (the header is not a row), or None for a whole-file issue.
        column: column name, or None when the issue is about the row or the file.
        message: what is wrong and, where it helps, how to fix it.
        severity: "error" stops the load; "warning" is reported and the load goes on.
    """

    row: int | None
    column: str | None
    message: str
    severity: str = "error"

    def render(self, path: str | Path | None = None) -> str:
        parts = [Path(path).name] if path is not None else []
        if self.row is not None:
            # CSV users count lines in an editor: the header is line 1.
            is_csv = path is not None and str(path).endswith(".csv")
            parts.append(f"line {self.row + 1}" if is_csv else f"row {self.row}")
        where = " ".join(parts)
        if self.column is not None:
            where = f"{where}, column {self.column}" if where else f"column {self.column}"
        return f"{where}: {self.message}" if where else self.message


class DataError(WfmError):
    """A table is invalid. `issues` lists every problem found (up to a cap)."""

    def __init__(self, path: str | Path | None, issues: list[DataIssue]) -> None:
        self.path = path
        self.issues = issues
        lines = [issue.render(path) for issue in issues]
        super().__init__("\n".join(lines) if lines else f"{path}: invalid data")


class ForecastError(WfmError):
    """A forecast cannot be produced (no usable history, unknown model, ...)."""


class StaffingError(WfmError):
    """A staffing input or service target is invalid (negative contacts, SL outside (0, 1), ...)."""


class AdherenceError(WfmError):
    """Adherence inputs cannot be reconciled (unknown state mapping, ...)."""


class OutputError(WfmError):
    """An output cannot be written (a table name without .csv / .parquet, ...)."""


class ServiceError(WfmError):
    """The wfm service refused or failed a request (the CLI's side of the API).

    Attributes:
        status: the HTTP status code, or None when the service could not be reached.
    """

    def __init__(self, message: str, *, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


class ScheduleError(WfmError):
    """A schedule cannot be built from the inputs."""


class InfeasibleError(ScheduleError):
    """Hard rules contradict each other; `reasons` names the agents and rules involved."""

    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        self.reasons = reasons or []
        full = (
            message
            if not self.reasons
            else message + "\n" + "\n".join(f"  - {r}" for r in self.reasons)
        )
        super().__init__(full)

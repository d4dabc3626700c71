"""Call records in (`wfm data import-calls`): the history and arrivals tables written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from wfm.call_import import CallImport, count_calls, read_call_records
from wfm.call_mapping import load_call_mapping
from wfm.center import Center
from wfm.output import TableFormat, write_tables

__all__ = ["CallsImported", "import_calls"]


@dataclass(frozen=True)
class CallsImported:
    """The counts of an import and the files written."""

    result: CallImport
    files: list[Path]


def import_calls(
    records: str | Path,
    mapping: str | Path,
    center: Center,
    *,
    out_dir: str | Path,
    fmt: TableFormat = "both",
) -> CallsImported:
    """Read call records through a mapping file, count them per queue and interval, and write
    `history` (and `arrivals`, unless the records are counts) in `out_dir`.

    Raises:
        ConfigError: the mapping file is invalid.
        DataError: the records do not match the mapping (file, line and column named).
    """
    call_mapping = load_call_mapping(mapping, center)
    frame = read_call_records(records, call_mapping, center)
    result = count_calls(frame, call_mapping, center)
    tables = {"history": result.history}
    if result.arrivals is not None:
        tables["arrivals"] = result.arrivals
    return CallsImported(result, write_tables(tables, out_dir, fmt=fmt))

"""The one table writer: every command writes its tables through `write_table`.

One output convention for every command (README, Output files):
- a command that writes one table takes `--out FILE`, and the file's suffix (`.csv` or
  `.parquet`) decides the format;
- a command that writes a folder takes `--out DIR` and `--format csv|parquet|both` (default
  both: CSV for people, Parquet for the next stage), and writes each table as
  `<name>.csv` and/or `<name>.parquet` in the folder.

A table is written to a temporary file beside its target and then renamed over it, so a run
that fails half-way leaves the last good file in place, never a truncated one.
"""

from __future__ import annotations

import base64
import html
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import polars as pl
from openpyxl import Workbook

from wfm.errors import OutputError

__all__ = [
    "TABLE_SUFFIXES",
    "TableFormat",
    "json_records",
    "local_times",
    "replace_file",
    "write_page",
    "write_table",
    "write_tables",
    "write_workbook",
]

TableFormat = Literal["csv", "parquet", "both"]
TABLE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "csv": (".csv",),
    "parquet": (".parquet",),
    "both": (".csv", ".parquet"),
}


def replace_file(path: Path, write: object) -> Path:
    """Call `write(tmp_path)` for a temporary file beside `path`, then rename it over `path`.

    Args:
        path: the target file (its folder is created).
        write: a callable taking the temporary path and writing the whole file there.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))  # type: ignore[operator]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_table(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write one table; `.csv` or `.parquet` in the name decides the format.

    Raises:
        OutputError: the name ends in neither `.csv` nor `.parquet`.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return replace_file(path, frame.write_csv)
    if suffix == ".parquet":
        return replace_file(path, frame.write_parquet)
    raise OutputError(f"{path}: an output table must end in .csv or .parquet")


def write_tables(
    tables: Mapping[str, pl.DataFrame], out_dir: str | Path, *, fmt: TableFormat = "both"
) -> list[Path]:
    """Write each frame as `<name>.csv` and/or `<name>.parquet` in `out_dir`.

    Returns:
        The files written, in the order of `tables` (CSV before Parquet).

    Raises:
        OutputError: an unknown format.
    """
    if fmt not in TABLE_SUFFIXES:
        raise OutputError(f"unknown table format {fmt!r}; use csv, parquet or both")
    out = Path(out_dir)
    return [
        write_table(frame, out / f"{name}{suffix}")
        for name, frame in tables.items()
        for suffix in TABLE_SUFFIXES[fmt]
    ]


def json_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows: dates and timestamps as ISO text, NaN and infinities as null (JSON
    has none)."""
    rows = frame.to_dicts()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
            elif hasattr(value, "isoformat"):
                row[key] = value.isoformat()
    return rows


def local_times(frame: pl.DataFrame, timezone: str) -> pl.DataFrame:
    """Datetime columns as local wall-clock text ("2026-11-16 08:00"), for spreadsheets and
    people (a spreadsheet cell has no time zone)."""
    return frame.with_columns(
        pl.col(c).dt.convert_time_zone(timezone).dt.strftime("%Y-%m-%d %H:%M")
        for c, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime)
    )


def write_workbook(sheets: Mapping[str, pl.DataFrame], path: str | Path) -> Path:
    """Write an XLSX workbook, one sheet per frame (header row, then the rows as they are:
    convert datetimes with `local_times` first)."""
    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(list(row))
    return replace_file(Path(path), book.save)


def write_page(png: bytes, path: str | Path, *, title: str, alt: str) -> list[Path]:
    """Write a picture as `path` (.png) and a sibling .html page that embeds it under `title`
    (a page opens in any browser, with no network and no other file); `alt` describes it."""
    path = Path(path).with_suffix(".png")
    replace_file(path, lambda tmp: tmp.write_bytes(png))
    encoded = base64.b64encode(png).decode("ascii")
    page = (
        f"<!doctype html><meta charset=utf-8><title>{html.escape(title)}</title>"
        f"<h1>{html.escape(title)}</h1><img alt='{html.escape(alt)}' "
        f"src='data:image/png;base64,{encoded}'>\n"
    )
    html_path = path.with_suffix(".html")
    replace_file(html_path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return [path, html_path]

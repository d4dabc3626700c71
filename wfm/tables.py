"""Table schemas and the one generic reader behind every loader.

A file is read with every column as text (CSV) or as stored (Parquet), then each column is
parsed to its declared type. A cell that does not parse is reported with its row and column,
never coerced to null. Naive timestamps are local times in the center's zone: a time that does
not exist (the hour skipped in spring) is an error; an ambiguous one (the hour repeated in
autumn) is resolved by order of appearance within its key: the first is the earlier instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import polars as pl

from wfm.errors import DataError, DataIssue

__all__ = [
    "MAX_ISSUES",
    "ROW",
    "Column",
    "IssueLog",
    "TableSchema",
    "read_table",
]

MAX_ISSUES = 20
ROW = "__row"  # 1-based data row of the source file, carried until validation is done

Kind = Literal["str", "int", "float", "date", "datetime"]

_DTYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us", "UTC"),
}


@dataclass(frozen=True)
class Column:
    """A column of a table schema.

    Attributes:
        name: column name on disk and in memory.
        kind: declared type; datetimes end up UTC-aware.
        required: the file must have the column.
        nullable: the column may have empty cells.
        min_value: smallest allowed value for numbers.
        choices: allowed values for text.
    """

    name: str
    kind: Kind
    required: bool = True
    nullable: bool = False
    min_value: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSchema:
    """Columns, key and whether extra (driver-style numeric) columns are allowed."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    extra_numeric: bool = False

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def dtypes(self) -> dict[str, pl.DataType]:
        """The typed in-memory schema (what the loaders return), for building frames."""
        return {c.name: _DTYPES[c.kind] for c in self.columns}


@dataclass
class IssueLog:
    """Collects issues for one file and raises once the cap is reached or at the end."""

    path: Path
    issues: list[DataIssue] = field(default_factory=list)
    flagged: set[tuple[int | None, str | None]] = field(default_factory=set)

    @property
    def errors(self) -> list[DataIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[DataIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    def add(
        self, row: int | None, column: str | None, message: str, *, warning: bool = False
    ) -> None:
        self.issues.append(DataIssue(row, column, message, "warning" if warning else "error"))
        if not warning:
            self.flagged.add((row, column))
        if len(self.errors) >= MAX_ISSUES:
            raise DataError(
                self.path, [*self.errors, DataIssue(None, None, "(stopped after 20 errors)")]
            )

    def add_rows(
        self,
        frame: pl.DataFrame,
        mask: pl.Expr,
        column: str | None,
        message: str,
        *,
        warning: bool = False,
    ) -> None:
        """Add one issue per row of `frame` where `mask` holds, skipping cells already flagged
        (a cell that did not parse is not also reported as missing)."""
        for row in frame.filter(mask.fill_null(False)).get_column(ROW).head(MAX_ISSUES).to_list():
            if (row, column) not in self.flagged:
                self.add(row, column, message, warning=warning)

    def row_label(self, row: int) -> str:
        """How DataIssue renders a row of this file ("line 7" for CSV, "row 6" otherwise)."""
        return DataIssue(row, None, "").render(self.path).split(": ")[0].split(" ", 1)[1]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise DataError(self.path, self.errors)


def _read_raw(source: Path | pl.DataFrame, log: IssueLog) -> pl.DataFrame:
    if isinstance(source, pl.DataFrame):
        return source.with_row_index(ROW, offset=1)
    path = source
    if not path.exists():
        raise DataError(path, [DataIssue(None, None, "file not found")])
    suffix = path.suffix.lower()
    try:
        if path.is_dir():
            # A Parquet dataset folder (e.g. history/site=s01/part.parquet): the partition
            # keys are folder names, not table columns, so hive partitioning stays off.
            frame = pl.read_parquet(path / "**" / "*.parquet", hive_partitioning=False)
        elif suffix == ".csv":
            frame = pl.read_csv(path, infer_schema=False, null_values=[""])
        elif suffix in (".parquet", ".pq"):
            frame = pl.read_parquet(path)
        else:
            raise DataError(
                path, [DataIssue(None, None, "expected a .csv or .parquet file, or a folder")]
            )
    except (pl.exceptions.PolarsError, OSError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(path, [DataIssue(None, None, f"cannot be read: {first_line}")]) from None
    return frame.with_row_index(ROW, offset=1)


def _parse_number(frame: pl.DataFrame, col: Column, log: IssueLog) -> pl.Expr:
    target = _DTYPES[col.kind]
    raw = pl.col(col.name)
    source = raw.str.strip_chars() if frame.schema[col.name] == pl.String else raw
    parsed = source.cast(target, strict=False)
    if col.kind == "float":
        parsed = pl.when(parsed.is_finite()).then(parsed)
    bad = raw.is_not_null() & parsed.is_null()
    word = "a whole number" if col.kind == "int" else "a number"
    log.add_rows(frame, bad, col.name, f"not {word}")
    return parsed


def _parse_date(frame: pl.DataFrame, col: Column, log: IssueLog) -> pl.Expr:
    raw = pl.col(col.name)
    dtype = frame.schema[col.name]
    if dtype == pl.Date:
        return raw
    if isinstance(dtype, pl.Datetime):
        parsed = raw.dt.date()
    else:
        parsed = raw.cast(pl.String).str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
    log.add_rows(frame, raw.is_not_null() & parsed.is_null(), col.name, "not a date (YYYY-MM-DD)")
    return parsed


def _parse_datetime(
    frame: pl.DataFrame,
    col: Column,
    tz: ZoneInfo,
    group: Sequence[str],
    log: IssueLog,
    *,
    in_file_order: bool = False,
) -> pl.DataFrame:
    """Parse one datetime column in place (UTC-aware), reporting bad and nonexistent times.

    A repeated local time (autumn) is the earlier instant on its first appearance within its
    key group; with `in_file_order` (one row per event, e.g. calls in time order) every local
    time of a day after the clock went backwards in the file is the later one.
    """
    name, raw = col.name, pl.col(col.name)
    dtype = frame.schema[name]
    aware: pl.Expr
    naive: pl.Expr
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        aware, naive = raw.dt.convert_time_zone("UTC").dt.cast_time_unit("us"), pl.lit(None)
    elif isinstance(dtype, pl.Datetime):
        aware, naive = pl.lit(None), raw.dt.cast_time_unit("us")
    elif dtype == pl.Date:
        aware, naive = pl.lit(None), raw.cast(pl.Datetime("us"))
    else:
        text = (
            raw.cast(pl.String)
            .str.strip_chars()
            .str.replace(" ", "T", literal=True)
            .str.replace(r"Z$", "+00:00")
            .str.replace(r"^(\d{4}-\d\d-\d\d)$", "${1}T00:00:00")
            .str.replace(r"T(\d\d:\d\d)([+-]|$)", "T${1}:00${2}")
        )
        has_offset = text.str.contains(r"[+-]\d\d:?\d\d$")
        aware = pl.when(has_offset).then(
            text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%z", strict=False, time_unit="us")
        )
        naive = pl.when(~has_offset).then(
            text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
        )
    frame = frame.with_columns(
        aware.cast(pl.Datetime("us", "UTC")).alias("__aware"),
        naive.cast(pl.Datetime("us")).alias("__naive"),
    )
    if in_file_order:
        day = [*group, pl.col("__naive").dt.date()]
        back = pl.col("__naive") < pl.col("__naive").cum_max().shift(1).over(day)
        frame = frame.with_columns(back.fill_null(False).cast(pl.Int32).alias("__back"))
        later = pl.col("__back").cum_sum().over(day) > 0
        frame = frame.with_columns(later.alias("__later")).drop("__back")
        second = pl.col("__later")
    else:
        # The n-th appearance of the same naive time within a key group is its n-th instant.
        occurrence = pl.col("__naive").cum_count().over([*group, "__naive"]) if group else pl.lit(1)
        second = occurrence > 1
    localized = pl.col("__naive").dt.replace_time_zone(
        str(tz),
        ambiguous=pl.when(second).then(pl.lit("latest")).otherwise(pl.lit("earliest")),
        non_existent="null",
    )
    frame = frame.with_columns(
        pl.coalesce("__aware", localized.dt.convert_time_zone("UTC")).alias("__parsed")
    )
    log.add_rows(
        frame,
        raw.is_not_null() & pl.col("__aware").is_null() & pl.col("__naive").is_null(),
        name,
        "not a timestamp (use ISO 8601, e.g. 2026-11-16T08:00:00-05:00 or local 2026-11-16 08:00)",
    )
    log.add_rows(
        frame,
        pl.col("__naive").is_not_null() & pl.col("__parsed").is_null(),
        name,
        f"local time does not exist in {tz.key} (clocks jump forward that day)",
    )
    frame = frame.with_columns(pl.col("__parsed").alias(name))
    return frame.drop("__aware", "__naive", "__parsed", "__later", strict=False)


def read_table(
    source: str | Path | pl.DataFrame,
    schema: TableSchema,
    *,
    tz: ZoneInfo,
    log: IssueLog | None = None,
    in_file_order: bool = False,
) -> tuple[pl.DataFrame, IssueLog]:
    """Read a CSV or Parquet file (or check a frame built in memory) into a typed frame,
    checking columns, types, nulls and ranges. Issues about a frame name it `<schema> frame`.

    The returned frame keeps the `__row` column (1-based source row) so that table-specific
    checks can name rows; loaders drop it before returning. Cell-level issues are left in the
    returned log for the caller to add its own checks to and raise once. `in_file_order`
    reads repeated autumn local times by the file's order of events (`_parse_datetime`).

    Raises:
        DataError: the file cannot be read, or columns are missing or unknown.
    """
    label = Path(f"{schema.name} frame") if isinstance(source, pl.DataFrame) else Path(source)
    log = log or IssueLog(label)
    frame = _read_raw(source if isinstance(source, pl.DataFrame) else label, log)

    known = set(schema.names)
    present = [c for c in frame.columns if c != ROW]
    for name in present:
        if name not in known and not schema.extra_numeric:
            log.add(
                None, name, f"unknown column; {schema.name} columns are {', '.join(schema.names)}"
            )
    for col in schema.columns:
        if col.required and col.name not in present:
            log.add(None, col.name, "required column is missing")
    log.raise_if_errors()

    columns = [c for c in schema.columns if c.name in present]
    if schema.extra_numeric:
        columns += [Column(n, "float", min_value=0.0) for n in present if n not in known]
    group = [c for c in schema.key if c in present and c not in ("interval_start", "start", "ts")]

    parsed: list[pl.Expr] = []
    for col in columns:
        if col.kind in ("int", "float"):
            parsed.append(_parse_number(frame, col, log).alias(col.name))
        elif col.kind == "date":
            parsed.append(_parse_date(frame, col, log).alias(col.name))
        elif col.kind == "str":
            parsed.append(pl.col(col.name).cast(pl.String).str.strip_chars().alias(col.name))
    frame = frame.with_columns(parsed)
    for col in columns:
        if col.kind == "datetime":
            frame = _parse_datetime(frame, col, tz, group, log, in_file_order=in_file_order)

    for col in columns:
        name = pl.col(col.name)
        if not col.nullable:
            log.add_rows(frame, name.is_null(), col.name, "missing value")
        if col.min_value is not None:
            log.add_rows(frame, name < col.min_value, col.name, f"must be >= {col.min_value:g}")
        if col.choices is not None:
            log.add_rows(
                frame,
                name.is_not_null() & ~name.is_in(col.choices),
                col.name,
                f"must be one of {', '.join(col.choices)}",
            )
    key = [k for k in schema.key if k in frame.columns]
    if key:
        dupes = frame.filter(pl.struct(key).is_duplicated()).sort(ROW)
        first = dupes.group_by(key, maintain_order=True).agg(pl.col(ROW).first().alias("__first"))
        for row, first_row in (
            dupes.join(first, on=key)
            .filter(pl.col(ROW) != pl.col("__first"))
            .select(ROW, "__first")
            .head(MAX_ISSUES)
            .iter_rows()
        ):
            log.add(
                row,
                None,
                f"duplicate key ({', '.join(key)}), first seen at {log.row_label(first_row)}",
            )
    return frame, log

"""`wfm data import-calls`: per-call records into the history and arrivals tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wfm.center import load_center
from wfm.cli.data import data_app
from wfm.cli.options import CenterOpt, FormatOpt, OutDirOpt, console
from wfm.usecases.import_calls import import_calls

__all__: list[str] = []


@data_app.command("import-calls")
def import_calls_command(
    records: Annotated[
        Path, typer.Argument(help="Call records, one row per call (CSV or Parquet).")
    ],
    mapping: Annotated[
        Path, typer.Option("--mapping", help="Mapping file (YAML): columns, codes, time zone.")
    ],
    center: CenterOpt,
    out: OutDirOpt,
    fmt: FormatOpt = "both",
) -> None:
    """Count call records per queue and interval into the history table (offered, handled,
    abandoned, aht_s; service_level and asa_s when the records have wait times) and write the
    arrivals table for `wfm simulate`. Prints what was counted and what was dropped, per
    reason; days with no record at all are listed as data gaps (no rows, never zeros).

    Example:
        wfm data import-calls calls.csv --mapping mapping.yaml --center center.yaml --out mydata
    """
    cfg = load_center(center)
    done = import_calls(records, mapping, cfg, out_dir=out, fmt=fmt)
    result = done.result
    table = Table(title=f"Call records in {records.name}")
    table.add_column("")
    table.add_column("calls", justify="right")
    for what, n in result.tally:
        table.add_row(what, f"{n:,}")
    for queue_id, n in result.outside_open.items():
        table.add_row(f"of which outside open hours: {queue_id} (kept)", f"{n:,}")
    console.print(table)
    history = result.history
    console.print(
        f"history: {history.height:,} rows ({history['queue_id'].n_unique()} queue(s), "
        f"{cfg.interval_min}-minute intervals)"
        + ("" if result.arrivals is None else f"; arrivals: {result.arrivals.height:,} rows")
    )
    for first, last in result.gaps:
        span = (
            str(first) if first == last else f"{first} to {last} ({(last - first).days + 1} days)"
        )
        console.print(
            f"[yellow]data gap[/] {span}: no record although open; no rows written, "
            "forecasting leaves these days out"
        )
    for path in done.files:
        console.print(f"wrote {path}")

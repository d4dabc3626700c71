"""`wfm erlang` (an Erlang C / A calculator) and `wfm staff` (requirements per queue x interval)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from wfm.center import load_center
from wfm.cli.main import app
from wfm.cli.options import CenterOpt, OutFileOpt, console, day_option
from wfm.cli.tables import cell, new_table
from wfm.staffing.calculator import CalculatorResult, erlang_calculator, parse_duration_s
from wfm.usecases.staff import RequirementsRun, run_staff

BasisOpt = Annotated[
    str,
    typer.Option(
        "--sl-basis",
        help="Erlang A service level over 'offered' contacts, or over "
        "'answered_and_late_abandons' (hang-ups within the threshold left out).",
    ),
]


def _calculator_table(result: CalculatorResult) -> Table:
    model = "Erlang A (with abandonment)" if result.model == "erlang_a" else "Erlang C"
    table = Table(title=f"{model}: {result.traffic_erl:.2f} Erlangs")
    table.add_column("figure")
    table.add_column("value", justify="right")
    label = "agents needed" if result.mode == "target" else "agents"
    table.add_row(label, str(result.agents))
    if not result.stable:
        table.add_row("status", "unstable: the queue grows without bound (agents <= Erlangs)")
        return table
    table.add_row("service level", cell(result.service_level, ".1%"))
    table.add_row("ASA (s)", cell(result.asa_s, ".1f"))
    table.add_row("probability of waiting", cell(result.p_wait, ".1%"))
    table.add_row("occupancy", cell(result.occupancy, ".1%"))
    if result.abandon_rate is not None:
        table.add_row("abandonment", cell(result.abandon_rate, ".2%"))
    return table


@app.command("erlang")
def erlang_command(
    contacts: Annotated[float, typer.Option(help="Contacts arriving in the interval.")],
    aht: Annotated[float, typer.Option(help="Average handle time, seconds.")],
    interval: Annotated[str, typer.Option(help="Interval length: 15m, 30m, 1h, 900s.")] = "30m",
    answer_within: Annotated[float, typer.Option(help="Service-level threshold, seconds.")] = 20.0,
    patience: Annotated[
        float | None, typer.Option(help="Mean caller patience, seconds: switches to Erlang A.")
    ] = None,
    agents: Annotated[int | None, typer.Option(help="Agents on the queue: print figures.")] = None,
    service_level: Annotated[
        float | None, typer.Option(help="Target share answered within the threshold, e.g. 0.8.")
    ] = None,
    max_asa: Annotated[float | None, typer.Option(help="Target max ASA, seconds.")] = None,
    max_abandon: Annotated[
        float | None,
        typer.Option(help="Target max abandonment share, e.g. 0.05 (needs --patience)."),
    ] = None,
    max_occupancy: Annotated[float | None, typer.Option(help="Occupancy cap, e.g. 0.85.")] = None,
    concurrency: Annotated[int, typer.Option(help="Chats one agent works at once.")] = 1,
    sl_basis: BasisOpt = "offered",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Erlang calculator: what N agents achieve, or how many agents a target needs.

    Without --patience the model is Erlang C; with it, Erlang A (callers hang up).

    Example:
        wfm erlang --contacts 100 --aht 180 --interval 30m --agents 12 --answer-within 20 --json
        wfm erlang --contacts 100 --aht 180 --interval 30m --service-level 0.8 --answer-within 20
    """
    result = erlang_calculator(
        contacts,
        aht_s=aht,
        interval_s=parse_duration_s(interval),
        answer_within_s=answer_within,
        patience_s=patience,
        n_agents=agents,
        service_level_frac=service_level,
        max_asa_s=max_asa,
        max_abandon_frac=max_abandon,
        max_occupancy_frac=max_occupancy,
        concurrency=concurrency,
        service_level_basis=sl_basis,  # type: ignore[arg-type]
    )
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
    else:
        console.print(_calculator_table(result))


def _summary_table(run: RequirementsRun) -> Table:
    headers = (
        "queue",
        "date",
        "volume",
        "workload h",
        "agent h net",
        "agent h gross",
        "peak agents",
        "SL",
        "abandon",
    )
    table = new_table(
        headers,
        left={"queue", "date"},
        title=f"{run.center_name}: requirements from {run.kind}, "
        f"{run.first_day} to {run.last_day} (local days)",
    )
    for row in run.summary.iter_rows(named=True):
        table.add_row(
            row["queue_id"],
            row["date"].strftime("%a %Y-%m-%d"),
            f"{row['volume']:.0f}",
            f"{row['workload_h']:.1f}",
            f"{row['agent_h_net']:.1f}",
            f"{row['agent_h_gross']:.1f}",
            str(row["peak_agents_net"]),
            cell(row["service_level"], ".1%"),
            cell(row["abandon_rate"], ".1%"),
        )
    return table


def _pooling_table(run: RequirementsRun) -> Table:
    assert run.pooling is not None and run.pooled is not None
    headers = (
        "queue",
        "pool",
        "agent h Erlang",
        "agent h pooled",
        "saved",
        "SL",
        "target",
        "ASA s",
        "target",
        "abandon",
        "target",
    )
    table = new_table(
        headers,
        left={"queue", "pool"},
        title=f"Pooling by simulation: {run.pooled.n_simulated} pool x intervals simulated "
        "(figures at the pooled staffing, from fresh contacts)",
    )
    for row in run.pooling.iter_rows(named=True):
        table.add_row(
            row["queue_id"],
            row["pool"] or "-",
            f"{row['agent_h_erlang']:,.1f}",
            f"{row['agent_h_pooled']:,.1f}",
            f"{row['saved_agent_h']:,.1f} ({cell(row['saved_frac'], '.1%')})",
            cell(row["service_level_sim"], ".1%"),
            cell(row["target_service_level"], ".0%"),
            cell(row["asa_s_sim"], ".0f"),
            cell(row["target_asa_s"], ".0f"),
            cell(row["abandon_rate_sim"], ".1%"),
            cell(row["target_abandon_rate"], ".0%"),
        )
    total = run.pooling["saved_agent_h"].sum()
    table.caption = f"pooling saves {total:,.1f} agent-h net (before shrinkage)"
    return table


@app.command("staff")
def staff_command(
    input_path: Annotated[
        Path, typer.Option("--input", help="Forecast or history table (.csv or .parquet).")
    ],
    center: CenterOpt,
    out: OutFileOpt,
    last_week: Annotated[
        bool, typer.Option("--last-week", help="Only the last 7 local days of the input.")
    ] = False,
    start: Annotated[
        dt.date | None,
        day_option("First local day to staff."),
    ] = None,
    end: Annotated[
        dt.date | None,
        day_option("Last local day, inclusive."),
    ] = None,
    sl_basis: BasisOpt = "offered",
    pooling: Annotated[
        str,
        typer.Option(
            "--pooling",
            help="erlang: each queue staffed alone; simulate: multi-skilled agents pool, "
            "requirements found by simulation (needs --roster).",
        ),
    ] = "erlang",
    roster: Annotated[
        Path | None, typer.Option("--roster", help="Roster (skills), for --pooling simulate.")
    ] = None,
) -> None:
    """Agents needed per queue x interval from a forecast, or from history ("what would that
    volume have needed"), with a summary per queue and day.

    Example:
        wfm staff --input history.parquet --center center.yaml --last-week --out req.parquet
        wfm staff --input forecast.csv --center center.yaml --pooling simulate
        --roster roster.csv --out req.csv
    """
    if pooling not in ("erlang", "simulate"):
        raise typer.BadParameter("use erlang or simulate", param_hint="--pooling")
    if last_week and (start is not None or end is not None):
        raise typer.BadParameter("give either --last-week or --start/--end, not both")
    run = run_staff(
        input_path,
        load_center(center),
        out_path=out,
        start=start,
        end=end,
        only_last_week=last_week,
        service_level_basis=sl_basis,  # type: ignore[arg-type]
        pooling=pooling,  # type: ignore[arg-type]
        roster=roster,
        center_dir=Path(center).parent,
    )
    console.print(_summary_table(run))
    if run.allowance is not None:
        for setting, value in run.allowance.describe():
            console.print(f"{setting}: {value}")
    if run.pooling is not None:
        console.print(_pooling_table(run))
        console.print(f"Wrote the savings per queue x interval to {run.pooling_path}")
    console.print(f"Wrote {run.requirements.height} rows to {run.out_path}")

"""Write a solved center week (every pool joined) to disk: CSV and Parquet tables, an XLSX
workbook, a chart, the shortfall causes and one status row per pool."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from openpyxl import Workbook

from scheduling.plots import plot_coverage
from scheduling.pooled import PooledSchedule
from wfm.center import WEEKDAYS

__all__ = ["agent_week", "write_outputs"]


def _clock(local) -> str:
    return f"{local:%H:%M}"


def agent_week(week: PooledSchedule) -> pl.DataFrame:
    """Per-agent week view in local time: one row per agent, one column per weekday.

    A cell reads "07:00-15:30 L11:30" (shift, lunch start), empty on days off.
    """
    tz = week.center.tz
    rows = []
    by_agent = {aid: frame for (aid,), frame in week.schedule.group_by(["agent_id"])}
    for agent in week.agents:
        cells = dict.fromkeys(WEEKDAYS, "")
        frame = by_agent.get(agent.agent_id)
        paid_h = 0.0
        if frame is not None:
            acts = frame.sort("start").to_dicts()
            shift: list[dict] = []
            for act in [*acts, None]:
                if act is not None and shift and shift[-1]["end"] == act["start"]:
                    shift.append(act)
                    continue
                if shift:
                    start = shift[0]["start"].astimezone(tz)
                    end = shift[-1]["end"].astimezone(tz)
                    lunch = [a for a in shift if a["activity"] == "lunch"]
                    text = f"{_clock(start)}-{_clock(end)}"
                    if lunch:
                        text += f" L{_clock(lunch[0]['start'].astimezone(tz))}"
                    day = (start.date() - week.week_start).days
                    cells[WEEKDAYS[day]] = text
                    unpaid = sum((a["end"] - a["start"]).total_seconds() for a in lunch)
                    paid_h += (
                        (shift[-1]["end"] - shift[0]["start"]).total_seconds() - unpaid
                    ) / 3600
                shift = [act] if act is not None else []
        rows.append(
            {
                "agent_id": agent.agent_id,
                "team": agent.team,
                "contract": agent.contract_id,
                **cells,
                "paid_h": paid_h,
            }
        )
    return pl.DataFrame(rows)


def _local(frame: pl.DataFrame, timezone: str) -> pl.DataFrame:
    """Datetimes as local wall-clock strings, for spreadsheets (no time zones there)."""
    return frame.with_columns(
        pl.col(c).dt.convert_time_zone(timezone).dt.strftime("%Y-%m-%d %H:%M")
        for c, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime)
    )


def _sheet(book: Workbook, title: str, frame: pl.DataFrame) -> None:
    sheet = book.create_sheet(title)
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))


def write_outputs(week: PooledSchedule, out_dir: Path) -> list[Path]:
    """Write schedule, coverage and the agent week view as CSV + Parquet, a workbook
    (schedule.xlsx, local times), coverage.png, shortfall.txt (causes, then the pools'
    warnings) and pools.csv (one status row per pool).

    Returns:
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    timezone = week.center.timezone
    view = agent_week(week)
    paths = []
    for name, frame in (
        ("schedule", week.schedule),
        ("coverage", week.coverage),
        ("agent_week", view),
    ):
        frame.write_csv(out_dir / f"{name}.csv")
        frame.write_parquet(out_dir / f"{name}.parquet")
        paths += [out_dir / f"{name}.csv", out_dir / f"{name}.parquet"]
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "agent_week", view)
    _sheet(book, "schedule", _local(week.schedule, timezone))
    _sheet(book, "coverage", _local(week.coverage, timezone))
    book.save(out_dir / "schedule.xlsx")
    paths.append(out_dir / "schedule.xlsx")
    paths.append(plot_coverage(week.coverage, out_dir / "coverage.png", timezone=timezone))
    causes = out_dir / "shortfall.txt"
    lines = [*week.causes, *(f"warning: {w}" for w in week.warnings)]
    causes.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    paths.append(causes)
    week.pool_status().write_csv(out_dir / "pools.csv")
    paths.append(out_dir / "pools.csv")
    return paths

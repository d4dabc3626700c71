"""`wfm adherence` end to end on small files: exit codes, error text, files written."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import wfm.synthetic
from tests.wfm.adherence.conftest import schedule, states
from wfm.cli.main import app

CENTER = Path(wfm.synthetic.__file__).parent / "sample_center.yaml"
ROSTER = """agent_id,name,team,supervisor,skills,contract,availability,preferred_start,preferred_days_off
a1,Ann Lee,sched_a,Priya Raman,sched_voice:1.0,ft40,,,
a2,Bo Chen,sched_b,Tom Okafor,sched_voice:1.0,ft40,,,
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    plan = schedule(
        [
            ("a1", "work", "08:00", "10:00"),
            ("a1", "break", "10:00", "10:15"),
            ("a1", "work", "10:15", "12:00"),
            ("a2", "work", "08:00", "12:00"),
        ]
    )
    actual = states(
        [
            ("a1", "Available", "08:00", "10:00", "e1"),
            ("a1", "Break", "10:00", "10:40", "e2"),
            ("a1", "Available", "10:40", "12:00", "e3"),
            ("a2", "Available", "08:30", "12:00", "e4"),
        ]
    )
    paths = {
        "schedule": tmp_path / "schedule.parquet",
        "states": tmp_path / "states.csv",
        "roster": tmp_path / "roster.csv",
    }
    plan.write_parquet(paths["schedule"])
    actual.write_csv(paths["states"])
    paths["roster"].write_text(ROSTER)
    return paths


def _run(files: dict[str, Path], out: Path, *extra: str):
    args = [
        "adherence", "--schedule", str(files["schedule"]), "--states", str(files["states"]),
        "--center", str(CENTER), "--out", str(out), *extra,
    ]  # fmt: skip
    return CliRunner().invoke(app, args)


def test_the_command_writes_tables_and_a_timeline(files, tmp_path):
    out = tmp_path / "out"
    result = _run(files, out, "--roster", str(files["roster"]), "--date", "2026-11-10")
    assert result.exit_code == 0, result.output
    days = pl.read_csv(out / "adherence_agent_days.csv")
    assert days.sort("agent_id").get_column("adherence").to_list() == pytest.approx(
        [215 / 240, 210 / 240]
    )
    exc = pl.read_csv(out / "adherence_exceptions.csv")
    assert sorted(exc.get_column("kind").to_list()) == ["late_start", "long_break"]
    assert (out / "adherence_teams.csv").exists()
    assert (out / "adherence_timeline_2026-11-10.png").stat().st_size > 10_000
    # Worst first in the terminal table.
    assert result.output.index("a2") < result.output.index("a1")


def test_at_adds_a_realtime_snapshot_in_parquet(files, tmp_path):
    out = tmp_path / "out"
    result = _run(files, out, "--at", "2026-11-10T10:30", "--format", "parquet", "--no-plot")
    assert result.exit_code == 0, result.output
    live = pl.read_parquet(out / "adherence_realtime.parquet").sort("agent_id")
    assert live.get_column("actual_state").to_list() == ["Break", "Available"]
    assert live.get_column("out_of_adherence_s").to_list() == [900.0, 0.0]
    assert live.get_column("severity").to_list() == ["severe", "ok"]
    assert not list(out.glob("*.png"))


def test_a_team_filter_keeps_only_that_team(files, tmp_path):
    out = tmp_path / "out"
    result = _run(files, out, "--roster", str(files["roster"]), "--team", "sched_b")
    assert result.exit_code == 0, result.output
    days = pl.read_csv(out / "adherence_agent_days.csv")
    assert days.get_column("agent_id").to_list() == ["a2"]
    assert (out / "adherence_timeline_2026-11-10_sched_b.png").exists()


def test_a_team_filter_without_roster_is_a_clear_error(files, tmp_path):
    result = _run(files, tmp_path / "out", "--team", "sched_b")
    assert result.exit_code == 2
    assert "a team filter needs the roster (--roster)" in result.output


def test_an_unmapped_state_names_the_state_and_the_rules_file(files, tmp_path):
    files["states"].write_text(
        "agent_id,state,start,end\na1,Coffee,2026-11-10T13:00:00Z,2026-11-10T14:00:00Z\n"
    )
    result = _run(files, tmp_path / "out")
    assert result.exit_code == 1
    assert "states.csv line 2, column state: not in the adherence mapping: Coffee" in result.output


def test_a_state_of_an_agent_in_neither_roster_nor_schedule_names_the_row(files, tmp_path):
    text = files["states"].read_text().splitlines()
    text.append("a9,Available,2026-11-10T13:00:00Z,2026-11-10T14:00:00Z,e9")
    files["states"].write_text("\n".join(text) + "\n")
    result = _run(files, tmp_path / "out", "--roster", str(files["roster"]))
    assert result.exit_code == 1
    assert (
        "states.csv line 6, column agent_id: unknown agent 'a9' (not in the roster nor the "
        "schedule)" in result.output
    )


def test_a_rules_file_changes_the_grace(files, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("grace_s: 3600\nsevere_s: 7200\n")
    out = tmp_path / "out"
    result = _run(files, out, "--rules", str(rules), "--no-plot")
    assert result.exit_code == 0, result.output
    assert pl.read_csv(out / "adherence_exceptions.csv").height == 0


def test_a_bad_instant_is_a_clear_error(files, tmp_path):
    result = _run(files, tmp_path / "out", "--at", "tomorrow")
    assert result.exit_code == 2
    text = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--at': expected an ISO timestamp" in text


def test_an_approved_exception_file_removes_the_exception(files, tmp_path):
    approved = tmp_path / "approved.csv"
    approved.write_text(
        "agent_id,activity,start,end,queue_id\na1,break,2026-11-10T15:15:00Z,2026-11-10T15:40:00Z,\n"
    )
    out = tmp_path / "out"
    result = _run(files, out, "--approved", str(approved), "--no-plot")
    assert result.exit_code == 0, result.output
    kinds = pl.read_csv(out / "adherence_exceptions.csv").get_column("kind").to_list()
    assert kinds == ["late_start"]

"""`wfm data validate`: summary on a good folder, exit 1 with file/line/column on a bad one."""

from __future__ import annotations

from typer.testing import CliRunner

from wfm.cli.main import app

runner = CliRunner()


def test_validate_prints_summary_and_passes(center_dir):
    (center_dir / "drivers.csv").write_text("date,discharges\n2026-06-01,80\n")
    result = runner.invoke(app, ["data", "validate", str(center_dir)])
    assert result.exit_code == 0, result.output
    assert "triage_voice" in result.output
    assert "drivers.csv" in result.output
    assert "All files valid." in result.output


def test_validate_fails_naming_file_line_and_column(center_dir):
    (center_dir / "history.csv").write_text(
        "queue_id,interval_start,offered,handled,abandoned,aht_s\n"
        "triage_voice,2026-06-01T04:00:00Z,-1,0,0,\n"
    )
    result = runner.invoke(app, ["data", "validate", str(center_dir)])
    assert result.exit_code == 1
    assert "history.csv line 2, column offered: must be >= 0" in result.output
    assert "Validation failed." in result.output


def test_validate_reports_a_bad_center_file_as_an_error(center_dir):
    (center_dir / "center.yaml").write_text("name: x\ntimezone: Nowhere/Here\n")
    result = runner.invoke(app, ["data", "validate", str(center_dir)])
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "center.yaml: timezone: unknown IANA time zone" in result.output

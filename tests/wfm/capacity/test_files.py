"""The plan and scenario files: bad input gets an error naming the file and the field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.wfm.capacity.conftest import START
from wfm.capacity.plan import check_plan, load_plan
from wfm.capacity.scenarios import ScenarioFile, check_scenarios, load_scenarios
from wfm.center import Center
from wfm.errors import ConfigError
from wfm.yamlfile import validate_model

ROOT = Path(__file__).resolve().parents[3]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_class_in_the_past_names_file_and_field(tmp_path: Path, small_center: Center) -> None:
    plan = load_plan(
        _write(tmp_path, "capacity.yaml", "classes:\n  - {team: t1, start: 2026-12-28, size: 3}\n")
    )
    with pytest.raises(
        ConfigError, match=r"capacity.yaml: classes\[0\].start: 2026-12-28 is in the past"
    ):
        check_plan(plan, small_center, roster_teams={"t1"}, start=START, source="capacity.yaml")


def test_attrition_over_100_percent_and_unknown_fields(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError, match=r"capacity.yaml: attrition_frac_per_month: .*less than or equal to 1"
    ):
        load_plan(_write(tmp_path, "capacity.yaml", "attrition_frac_per_month: 1.5\n"))
    with pytest.raises(ConfigError, match=r"capacity.yaml: hire.trainig_weeks: Extra inputs"):
        load_plan(_write(tmp_path, "capacity.yaml", "hire: {trainig_weeks: 3}\n"))


def test_an_unknown_team_or_queue_in_a_scenario(tmp_path: Path, small_center: Center) -> None:
    text = (
        "scenarios:\n"
        "  - name: up\n"
        "    volume: [{queues: [voice, billing], change_frac: 0.1}]\n"
        "    classes: [{team: nights, start: 2027-02-01, size: 2}]\n"
    )
    scenarios = load_scenarios(_write(tmp_path, "scenarios.yaml", text))
    with pytest.raises(ConfigError) as err:
        check_scenarios(
            scenarios, small_center, roster_teams={"t1"}, start=START, source="scenarios.yaml"
        )
    message = str(err.value)
    assert "scenarios.yaml: scenarios[up].volume[0].queues: unknown queue 'billing'" in message
    assert "scenarios.yaml: scenarios[up].classes[0].team: unknown team 'nights'" in message


def test_list_items_are_named_by_their_name() -> None:
    raw = {"scenarios": [{"name": "x", "attrition_frac_per_month": 2}]}
    with pytest.raises(ConfigError, match=r"scenarios.yaml: scenarios\[x\].attrition_frac"):
        validate_model(raw, ScenarioFile, source="scenarios.yaml")


def test_the_sample_files_load_and_check(center: Center) -> None:
    plan = load_plan(ROOT / "data/sample/capacity.yaml")
    scenarios = load_scenarios(ROOT / "data/sample/scenarios.yaml")
    teams = {t.id for t in center.teams}
    start = dt.date(2026, 11, 16)
    check_plan(plan, center, roster_teams=teams, start=start)
    check_scenarios(scenarios, center, roster_teams=teams, start=start)
    assert len(scenarios) >= 6

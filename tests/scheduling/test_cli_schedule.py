"""`wfm schedule` through CliRunner: files written, contradictions explained."""

from __future__ import annotations

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from tests.scheduling.conftest import requirements, tiny_center, tiny_config
from wfm.cli.main import app

runner = CliRunner()
ROSTER_CSV = """agent_id,name,team,supervisor,skills,contract,availability,preferred_start,preferred_days_off
a1,Ann,t,Sam,office:1.0,flex,,09:00,
a2,Bo,t,Sam,office:1.0;triage:0.8,flex,mon-tue 00:00-24:00,,tue
"""


@pytest.fixture
def inputs(tmp_path):
    config = tiny_config(teams=[{"id": "t", "supervisor": "Sam"}])
    center = tiny_center(**config)
    (tmp_path / "center.yaml").write_text(yaml.safe_dump(config))
    need = {("office", 0, 8 * 60, 18 * 60): 1.5, ("triage", 1, 8 * 60, 12 * 60): 1}
    frame = requirements(center, need).with_columns(
        pl.lit(None, dtype=pl.Float64).alias(c)
        for c in ("service_level", "asa_s", "abandon_rate", "occupancy")
    )
    frame.write_parquet(tmp_path / "requirements.parquet")
    (tmp_path / "roster.csv").write_text(ROSTER_CSV)
    return tmp_path


def _args(d, **extra):
    args = [
        "schedule",
        "--requirements",
        str(d / "requirements.parquet"),
        "--roster",
        str(d / "roster.csv"),
        "--center",
        str(d / "center.yaml"),
        "--week",
        "2026-11-30",
        "--out",
        str(d / "out"),
        "--time-limit",
        "2",
        "--workers",
        "1",
    ]
    for key, value in extra.items():
        args[args.index(f"--{key}") + 1] = value
    return args


def test_schedule_writes_tables_workbook_and_chart(inputs):
    result = runner.invoke(app, _args(inputs))
    assert result.exit_code == 0, result.output
    for name in (
        "schedule.csv",
        "schedule.parquet",
        "coverage.csv",
        "coverage.parquet",
        "agent_week.csv",
        "schedule.xlsx",
        "coverage.png",
        "shortfall.txt",
        "pools.csv",
        "teams.csv",
    ):
        assert (inputs / "out" / name).stat().st_size > 0, name
    schedule = pl.read_parquet(inputs / "out" / "schedule.parquet")
    assert set(schedule["agent_id"]) == {"a1", "a2"}
    assert "shortfall" in result.output


def test_pools_csv_gives_the_shortfall_cost_of_the_published_coverage(inputs):
    result = runner.invoke(app, _args(inputs))
    assert result.exit_code == 0, result.output
    coverage = pl.read_csv(inputs / "out" / "coverage.csv")
    assert coverage["shortfall"].sum() > 0
    # The model's tiers, per queue x interval: 1000 for the first agent short, 1500 for the
    # second, 2500 for each further one (no shift of this week runs past its end).
    cost = sum(
        1000 * min(s, 1) + 1500 * min(max(s - 1, 0), 1) + 2500 * max(s - 2, 0)
        for s in coverage["shortfall"].to_list()
    )
    pools = pl.read_csv(inputs / "out" / "pools.csv")
    assert pools["shortfall_cost"].sum() == cost
    bound = pools["shortfall_bound"].sum()
    assert pools["shortfall_gap"].sum() == pytest.approx(abs(cost - bound) / max(1.0, cost))
    assert "queue switches" in result.output and "idle while short" in result.output


def test_teams_csv_gives_each_team_and_the_center_the_summary_figures(inputs):
    result = runner.invoke(app, _args(inputs))
    assert result.exit_code == 0, result.output
    teams = pl.read_csv(inputs / "out" / "teams.csv")
    assert teams["team"].to_list() == ["t", "all"]
    assert teams["n_agents"].to_list() == [2, 2]
    # a1 prefers 09:00 (every worked day offers it); a2 prefers Tuesday off.
    assert teams["preferred_start_feasible"][1] >= 1
    assert teams["preferred_day_off_feasible"][1] == 1
    center = teams.row(1, named=True)
    assert (
        f"{center['start_changes']} of {center['successive_shifts']} successive shifts"
        in result.output
    )
    assert f"{center['agents_days_off_split']} of 2 agents" in result.output


def test_schedule_explains_a_contract_the_availability_cannot_meet(inputs):
    roster = ROSTER_CSV.replace(
        "a1,Ann,t,Sam,office:1.0,flex,,09:00,",
        "a1,Ann,t,Sam,office:1.0,full,mon 08:00-12:00,09:00,",
    )
    (inputs / "roster.csv").write_text(roster)
    config = yaml.safe_load((inputs / "center.yaml").read_text())
    config["contracts"].append(
        {
            "id": "full",
            "weekly_hours_min": 8,
            "weekly_hours_max": 8,
            "shift_templates": ["day4"],
            "max_days_per_week": 2,
        }
    )
    (inputs / "center.yaml").write_text(yaml.safe_dump(config))
    result = runner.invoke(app, _args(inputs))
    assert result.exit_code == 1
    assert "Error:" in result.output and "agent a1" in result.output
    assert "Traceback" not in result.output


def test_schedule_refuses_a_week_that_does_not_start_on_monday(inputs):
    result = runner.invoke(app, _args(inputs, week="2026-12-01"))
    assert result.exit_code == 2
    assert "must start on a Monday" in result.output


def test_schedule_without_a_solver_schedule_shows_the_warm_start_status(inputs, stalled_cp_sat):
    result = runner.invoke(app, _args(inputs))
    assert result.exit_code == 0, result.output
    assert "WARM_START_ONLY" in result.output
    assert "none / " in result.output
    pools = pl.read_csv(inputs / "out" / "pools.csv")
    assert pools["status"].to_list() == ["WARM_START_ONLY"]
    assert pools["objective"].to_list() == [None]


PREVIOUS_CSV = """agent_id,activity,start,end,queue_id
a2,work,2026-11-29T22:00:00,2026-11-30T02:00:00,triage
{extra}"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "zz9,work,2026-11-29T08:00:00,2026-11-29T12:00:00,\n",
            "previous.csv line 3, column agent_id: unknown agent 'zz9' (not in the roster)",
        ),
        (
            "a2,work,2026-11-29T23:00:00,2026-11-30T01:00:00,triage\n",
            "previous.csv line 3, column start: overlaps the agent's previous activity",
        ),
        (
            "a1,work,2026-11-30T08:00:00,2026-11-30T12:00:00,\n",
            "previous.csv line 3, column start: agent a1: a shift starting 2026-11-30 is not "
            "in the week before 2026-11-30",
        ),
    ],
    ids=["unknown agent", "overlap", "not the week before"],
)
def test_a_previous_week_that_contradicts_the_roster_is_refused(inputs, extra, expected):
    (inputs / "previous.csv").write_text(PREVIOUS_CSV.format(extra=extra))
    result = runner.invoke(app, [*_args(inputs), "--previous", str(inputs / "previous.csv")])
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())
    assert not (inputs / "out").exists()


def test_the_previous_week_is_named_in_the_summary(inputs):
    (inputs / "previous.csv").write_text(PREVIOUS_CSV.format(extra=""))
    result = runner.invoke(app, [*_args(inputs), "--previous", str(inputs / "previous.csv")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "previous.csv (1 agent still on a shift at the start)" in text

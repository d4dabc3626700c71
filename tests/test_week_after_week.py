"""A center run week after week, against a real service (README, A week with wfm).

The service is started as `wfm service up` starts it (a uvicorn process in the background),
with the sample center loaded. Then, as the planner, the phone system and a supervisor:
plan week 1 with the service's published week before it, publish it, push its states, read
real-time adherence as a supervisor, plan week 2 with week 1 as its previous week, publish
it. An independent check, written from the README's rules rather than the scheduler's own
checker, reads the three published weeks back from the service and finds no rule broken
across the week boundaries, and the Monday-morning coverage of week 2 counts week 1's
Sunday-night shifts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from api.launcher import stop_background
from tests.api.helpers import free_port
from wfm.center import Center, load_center
from wfm.cli.main import app
from wfm.client import ServiceClient
from wfm.errors import ServiceError
from wfm.folder import open_folder
from wfm.grid import local_midnight_utc
from wfm.output import json_records
from wfm.settings import Settings
from wfm.usecases.bring_up import ServiceUp, bring_up, read_key
from wfm.usecases.service import push, schedule_weeks

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
WEEK_0, WEEK_1, WEEK_2 = dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)
runner = CliRunner()
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample center with its published week 0 and the last five weeks of history
    (seasonal naive forecasts; enough to plan with)."""
    out = tmp_path_factory.mktemp("center")
    for name in ("center.yaml", "roster.csv", "schedule.parquet"):
        shutil.copy(SAMPLE / name, out / name)
    center = load_center(SAMPLE / "center.yaml")
    history = pl.read_parquet(SAMPLE / "history.parquet")
    cut = local_midnight_utc(WEEK_1 - dt.timedelta(days=35), center.tz)
    history.filter(pl.col("interval_start") >= cut).write_parquet(out / "history.parquet")
    return out


@pytest.fixture(scope="module")
def service(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceUp]:
    data_dir = tmp_path_factory.mktemp("service")
    settings = Settings(data_dir=data_dir)
    up = bring_up(open_folder(folder / "center.yaml"), settings, port=free_port())
    try:
        yield up
    finally:
        stop_background(data_dir)


def _key(service: ServiceUp, user: str) -> str:
    return str(service.keys[user])


def _plan(folder: Path, service: ServiceUp, week: dt.date, out: Path) -> str:
    args = ["plan", "--center", str(folder / "center.yaml"), "--week", str(week)]
    args += ["--out", str(out), "--model", "seasonal_naive", "--time-limit", "10"]
    args += ["--from-service", "--publish", "--format", "parquet"]
    args += ["--url", service.url, "--key-file", _key(service, "wfm-planner")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


def _states_of(schedule: pl.DataFrame, prefix: str) -> pl.DataFrame:
    """Phone states that follow the schedule, one agent logging in 20 minutes late."""
    state = {"work": "Available", "break": "Break", "lunch": "Lunch", "meeting": "Meeting",
             "training": "Training"}  # fmt: skip
    rows = schedule.sort("agent_id", "start").to_dicts()
    late = rows[0]["agent_id"]
    out = []
    for i, row in enumerate(rows):
        start = row["start"]
        first = i == 0 or rows[i - 1]["agent_id"] != row["agent_id"]
        if row["agent_id"] == late and first and row["end"] - start > dt.timedelta(minutes=20):
            start += dt.timedelta(minutes=20)
        out.append(
            {"agent_id": row["agent_id"], "state": state[row["activity"]], "start": start,
             "end": row["end"], "event_id": f"{prefix}-{i:06d}"}
        )  # fmt: skip
    return pl.DataFrame(out)


def _published(client: ServiceClient, week: dt.date) -> pl.DataFrame:
    rows = client.read_schedule(week)
    assert rows is not None, f"week {week} is not published"
    frame = pl.DataFrame(rows).select("agent_id", "activity", "start", "end")
    return frame.with_columns(pl.col("start", "end").str.to_datetime(time_zone="UTC"))


def _independent_check(schedule: pl.DataFrame, center: Center) -> list[str]:
    """The README's rules across weeks: an agent's activities never overlap; at least
    min_rest_h between the end of a shift and the start of the next; at most
    max_consecutive_days working days in a row (a shift belongs to its start day)."""
    rules = center.labor_rules
    problems = []
    for (agent_id,), frame in schedule.sort("start").group_by(["agent_id"], maintain_order=True):
        rows = frame.to_dicts()
        shifts: list[list[dict]] = []
        for before, row in zip([None, *rows], rows, strict=False):
            if before is not None and row["start"] < before["end"]:
                problems.append(f"{agent_id}: activities overlap at {row['start']}")
            if shifts and shifts[-1][-1]["end"] == row["start"]:
                shifts[-1].append(row)
            else:
                shifts.append([row])
        for a, b in itertools.pairwise(shifts):
            rest_h = (b[0]["start"] - a[-1]["end"]).total_seconds() / 3600
            if rest_h < rules.min_rest_h:
                problems.append(f"{agent_id}: {rest_h:g} h rest before {b[0]['start']}")
        days = sorted({s[0]["start"].astimezone(center.tz).date() for s in shifts})
        run = 1
        for a, b in itertools.pairwise(days):
            run = run + 1 if (b - a).days == 1 else 1
            if run > rules.max_consecutive_days:
                problems.append(f"{agent_id}: {run} days in a row up to {b}")
    return problems


def test_two_weeks_in_a_row_through_the_service(folder: Path, service: ServiceUp, tmp_path):
    center = load_center(folder / "center.yaml")
    assert [w.week_start for w in service.published] == [WEEK_0]
    # Week 1: its previous week is the one the service has published.
    text = _plan(folder, service, WEEK_1, tmp_path / "week1")
    assert f"previous week {service.url} week {WEEK_0}" in text
    assert f"published week {WEEK_1} to {service.url}: version 1" in text
    # The phone system pushes week 1's states; the push is idempotent.
    week1 = pl.read_parquet(tmp_path / "week1" / "schedule.parquet")
    states_path = tmp_path / "states_week1.parquet"
    _states_of(week1, "w1").write_parquet(states_path)
    push = ["service", "push-states", str(states_path), "--center", str(folder / "center.yaml")]
    push += ["--url", service.url, "--key-file", _key(service, "wfm-ingest")]
    for expected in ("accepted", "duplicates (stored before)"):
        result = runner.invoke(app, push)
        assert result.exit_code == 0, result.output
        line = next(ln for ln in result.output.splitlines() if expected in ln)
        assert f"{len(week1):,}" in line
    # A supervisor reads real-time adherence for its own team only.
    at = "2026-11-17T10:00"
    result = runner.invoke(
        app,
        ["service", "realtime", "--url", service.url, "--at", at, "--top", "200",
         "--key-file", _key(service, "supervisor-triage_a")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    teams = {ln.split("│")[2].strip() for ln in result.output.splitlines() if ln.startswith("│ A")}
    assert teams == {"triage_a"}
    # Week 2: its previous week is week 1, from the service.
    text = _plan(folder, service, WEEK_2, tmp_path / "week2")
    assert f"previous week {service.url} week {WEEK_1}" in text
    assert f"published week {WEEK_2} to {service.url}: version 1" in text
    with ServiceClient(service.url, read_key(service.keys["wfm-admin"])) as admin:
        weeks = [_published(admin, w) for w in (WEEK_0, WEEK_1, WEEK_2)]
    assert _independent_check(pl.concat(weeks), center) == []
    # Week 1's Sunday-night shifts run into week 2's Monday and count as its coverage.
    monday = local_midnight_utc(WEEK_2, center.tz)
    on_monday = weeks[1].filter(
        (pl.col("activity") == "work") & (pl.col("start") <= monday) & (pl.col("end") > monday)
    )
    assert on_monday.height > 0
    coverage = pl.read_parquet(tmp_path / "week2" / "coverage.parquet")
    first = coverage.filter(
        (pl.col("interval_start") == monday) & (pl.col("queue_id") == "triage_voice")
    )
    assert first["scheduled"].item() >= min(on_monday.height, first["required"].item())
    # Each published week holds only the shifts that start in it.
    for week, frame in zip((WEEK_0, WEEK_1, WEEK_2), weeks, strict=True):
        assert list(schedule_weeks(frame, center)) == [week]


def test_a_refused_publish_leaves_the_published_version(folder: Path, service: ServiceUp):
    with ServiceClient(service.url, read_key(service.keys["wfm-planner"])) as planner:
        before = planner.read_schedule(WEEK_0)
        rows = pl.read_parquet(folder / "schedule.parquet").head(10)
        rows = rows.with_columns(pl.lit("ghost").alias("agent_id"))
        with pytest.raises(ServiceError, match="422") as error:
            planner.publish_schedule(WEEK_0, json_records(rows))
        assert error.value.status == 422
        assert planner.read_schedule(WEEK_0) == before


def test_an_interrupted_push_run_again_stores_every_state_once(
    folder: Path, service: ServiceUp, tmp_path: Path
):
    center = load_center(folder / "center.yaml")
    week0 = pl.read_parquet(folder / "schedule.parquet")
    path = tmp_path / "states.parquet"
    _states_of(week0, "rerun").write_parquet(path)
    checkpoint = tmp_path / ".states.parquet.pushed"

    def interrupt(done: int, _total: int) -> None:
        if done >= 1000:
            raise KeyboardInterrupt  # the operator's Ctrl-C after the first batch

    with ServiceClient(service.url, read_key(service.keys["wfm-ingest"])) as ingest:
        with pytest.raises(KeyboardInterrupt):
            push(ingest, "states", path, center, batch_size=1000, checkpoint=checkpoint,
                        progress=interrupt)  # fmt: skip
        assert checkpoint.exists()
        again = push(ingest, "states", path, center, batch_size=1000, checkpoint=checkpoint)
    assert again.skipped == 1000
    assert again.accepted + again.skipped == len(week0) and again.n_refused == 0
    assert not checkpoint.exists()
    data_dir = service.keys["wfm-admin"].parents[1]
    with sqlite3.connect(data_dir / "wfm.sqlite3") as db:
        stored = db.execute("select count(*) from agent_states where event_id like 'rerun-%'")
        assert stored.fetchone()[0] == len(week0)


def test_the_roster_went_through_the_api_with_its_skills(folder: Path, service: ServiceUp):
    roster = open_folder(folder / "center.yaml").load("roster")
    with ServiceClient(service.url, read_key(service.keys["wfm-admin"])) as admin:
        body = admin._call("GET", "/v1/roster").json()
    assert body["count"] == roster.height
    first = next(a for a in body["data"] if a["agent_id"] == roster["agent_id"][0])
    assert first["skills"] == roster["skills"][0].to_list()

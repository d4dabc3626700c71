"""The API's response schemas carry exactly the engines' columns, in the same order, and the
engines' frames on the sample week validate against them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import BaseModel

from api.schemas import (
    AgentDayPublic,
    ExceptionPublic,
    ForecastCreate,
    ForecastRowPublic,
    RealtimeRowPublic,
    ScheduleRowIn,
    ScheduleRowPublic,
    TeamDayPublic,
)
from forecasting.registry import MODEL_NAMES
from wfm.adherence import AGENT_DAY_COLUMNS, EXCEPTION_COLUMNS, REALTIME_COLUMNS, adherence
from wfm.adherence.realtime import realtime_snapshot
from wfm.center import load_center
from wfm.loaders import (
    ACTIVITIES,
    FORECAST_COLUMNS,
    SCHEMAS,
    load_roster,
    load_schedule,
    load_states,
)

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_adherence():
    center = load_center(SAMPLE / "center.yaml")
    schedule = load_schedule(SAMPLE / "schedule.parquet", center)
    states = load_states(SAMPLE / "states.parquet", center)
    roster = load_roster(SAMPLE / "roster.csv", center)
    at = dt.datetime(2026, 11, 12, 16, 0, tzinfo=dt.UTC)
    result = adherence(schedule, states, center, roster=roster, dates=[dt.date(2026, 11, 12)])
    snapshot = realtime_snapshot(schedule, states, center, at=at, roster=roster)
    return result, snapshot


@pytest.mark.parametrize(
    ("schema", "columns"),
    [
        (AgentDayPublic, AGENT_DAY_COLUMNS),
        (ExceptionPublic, EXCEPTION_COLUMNS),
        (RealtimeRowPublic, REALTIME_COLUMNS),
        (ForecastRowPublic, FORECAST_COLUMNS),
        (ScheduleRowPublic, tuple(SCHEMAS["schedule"].names)),
        (ScheduleRowIn, tuple(SCHEMAS["schedule"].names)),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_a_public_schema_has_the_engine_columns_in_order(
    schema: type[BaseModel], columns: tuple[str, ...]
) -> None:
    assert tuple(schema.model_fields) == columns


def test_engine_frames_validate_against_the_public_schemas(sample_adherence) -> None:
    result, snapshot = sample_adherence
    for frame, schema in (
        (result.agent_days, AgentDayPublic),
        (result.exceptions, ExceptionPublic),
        (result.teams, TeamDayPublic),
        (snapshot, RealtimeRowPublic),
    ):
        assert frame.height > 0
        assert tuple(schema.model_fields) == tuple(frame.columns)
        for row in frame.to_dicts():
            schema.model_validate(row)


def test_the_api_offers_every_model_and_activity() -> None:
    models = ForecastCreate.model_fields["model"].annotation.__args__
    assert models == ("auto", *MODEL_NAMES)
    assert ScheduleRowIn.model_fields["activity"].annotation.__args__ == ACTIVITIES

"""The intraday engine against hand computations: the shrunk ratio, Erlang C from its
textbook formula (a pure-Python Erlang B recursion, independent of wfm.staffing), attendance
and the moves it names."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import pytest
import yaml

import wfm.synthetic
from wfm.center import Center
from wfm.errors import ForecastError
from wfm.grid import day_grid, open_mask
from wfm.intraday import ReforecastRule, intraday, shrink_weight

DAY = dt.date(2026, 11, 18)  # a Wednesday; billing_voice opens 08:00-18:00 New York
TS = pl.Datetime("us", "UTC")
QUEUE = "billing_voice"
AHT_S = 420.0
N_AGENTS = 14
SHOWN = N_AGENTS - 1  # agents who logged in


@pytest.fixture(scope="module")
def center() -> Center:
    # billing_voice without patience and with only a service-level target: Erlang C.
    body = yaml.safe_load((Path(wfm.synthetic.__file__).parent / "sample_center.yaml").read_text())
    for queue in body["queues"]:
        if queue["id"] == QUEUE:
            queue.pop("patience_s")
            queue["target"] = {"service_level_frac": 0.8, "answer_within_s": 60}
    return Center.model_validate(body)


def local(center: Center, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 18, hh, mm, tzinfo=center.tz).astimezone(dt.UTC)


def open_starts(center: Center) -> list[dt.datetime]:
    starts = day_grid(DAY, center.tz, center.interval_s)
    return starts.filter(open_mask(center.queue(QUEUE), starts, center.tz)).to_list()


def forecast_volume(center: Center, start: dt.datetime) -> float:
    return 20.0 if start < local(center, 14) else 4.0


@pytest.fixture(scope="module")
def inputs(center: Center) -> dict[str, pl.DataFrame]:
    starts = open_starts(center)
    forecast = pl.DataFrame({
        "queue_id": QUEUE, "interval_start": starts,
        "volume": [forecast_volume(center, s) for s in starts],
        "volume_lo": 0.0, "volume_hi": 0.0, "aht_s": AHT_S, "model": "test",
    }, schema_overrides={"interval_start": TS})  # fmt: skip
    seen = [s for s in starts if s < local(center, 10)]  # 8 quarter-hours, 26 contacts each
    history = pl.DataFrame({
        "queue_id": QUEUE, "interval_start": seen, "offered": 26, "handled": 26,
        "abandoned": 0, "aht_s": AHT_S,
    }, schema_overrides={"interval_start": TS})  # fmt: skip
    agents = [f"b{i:02d}" for i in range(N_AGENTS)]
    schedule = pl.DataFrame({
        "agent_id": agents, "activity": "work", "start": local(center, 8),
        "end": local(center, 18), "queue_id": QUEUE,
    }, schema_overrides={"start": TS, "end": TS})  # fmt: skip
    # All but the last log in at 08:00; the last never comes.
    states = pl.DataFrame({
        "agent_id": agents[:-1], "state": "Available", "start": local(center, 8),
        "end": None, "event_id": [f"e{i}" for i in range(N_AGENTS - 1)],
    }, schema_overrides={"start": TS, "end": TS})  # fmt: skip
    return {"forecast": forecast, "history": history, "schedule": schedule, "states": states}


def erlang_c_sl(n: int, traffic: float, aht_s: float, within_s: float) -> float:
    """SL = 1 - C(N, A) exp(-(N - A) t / AHT), C from the Erlang B recursion."""
    if n <= traffic:
        return 0.0
    b = 1.0
    for k in range(1, n + 1):
        b = traffic * b / (k + traffic * b)
    c = n * b / (n - traffic * (1 - b))
    return 1 - c * math.exp(-(n - traffic) * within_s / aht_s)


def erlang_c_agents(volume: float, interval_s: int, aht_s: float) -> int:
    traffic = volume * aht_s / interval_s
    n = 1
    while not (erlang_c_sl(n, traffic, aht_s, 60) >= 0.8 and traffic / n <= 0.85):
        n += 1
    return n


def run(center: Center, inputs: dict[str, pl.DataFrame], **kwargs):
    return intraday(center, at=local(center, 10), queue_ids=[QUEUE], **inputs, **kwargs)


def test_the_rest_of_the_day_is_the_forecast_times_the_shrunk_ratio(center, inputs):
    result = run(center, inputs)
    q = result.queues.row(0, named=True)
    weight = 160 / (160 + 100)  # 8 intervals x 20 forecast contacts; k = 100
    factor = 1 + weight * (26 / 20 - 1)
    assert q["volume_forecast_so_far"] == 160 and q["volume_actual_so_far"] == 208
    assert q["ratio"] == pytest.approx(1.3)
    assert q["weight"] == pytest.approx(weight) and q["factor"] == pytest.approx(factor)
    rows = result.intervals.filter(pl.col("volume_forecast") > 0)
    noon = rows.filter(pl.col("interval_start") == local(center, 12)).row(0, named=True)
    assert noon["volume_reforecast"] == pytest.approx(20 * factor)
    assert noon["aht_reforecast_s"] == pytest.approx(AHT_S)  # the AHT ran as forecast
    nine = rows.filter(pl.col("interval_start") == local(center, 9)).row(0, named=True)
    assert nine["observed"] and nine["volume_reforecast"] == 26
    rest = 16 * 20 * factor + 16 * 4 * factor  # 10:00-14:00 and 14:00-18:00
    assert q["volume_rest_reforecast"] == pytest.approx(rest)
    assert q["volume_rest_forecast"] == pytest.approx(16 * 20 + 16 * 4)


@pytest.mark.parametrize(
    ("method", "expected"), [("morning", 0.0), ("ratio", 1.0), ("elapsed", 160 / 544)]
)
def test_each_method_weighs_the_ratio_as_documented(center, inputs, method, expected):
    q = run(center, inputs, rule=ReforecastRule(method=method)).queues.row(0, named=True)
    assert q["weight"] == pytest.approx(expected)
    assert q["factor"] == pytest.approx(1 + expected * 0.3)
    assert shrink_weight(ReforecastRule(method=method), 0.0, 544) == 0.0


def test_agents_required_and_the_service_level_to_expect_are_erlang_c(center, inputs):
    result = run(center, inputs)
    factor = result.queues.row(0, named=True)["factor"]
    rows = result.intervals.filter(pl.col("interval_start") == local(center, 12)).row(0, named=True)
    volume = 20 * factor
    required = erlang_c_agents(volume, center.interval_s, AHT_S)
    assert rows["agents_required"] == required
    assert rows["agents_scheduled"] == N_AGENTS
    # Attendance so far: 13 of the 14 scheduled agents work -> 13 expected.
    assert result.queues.row(0, named=True)["attendance_frac"] == pytest.approx(SHOWN / N_AGENTS)
    assert rows["agents_expected"] == pytest.approx(SHOWN)
    traffic = volume * AHT_S / center.interval_s
    assert traffic < SHOWN
    assert rows["service_level_expected"] == pytest.approx(
        erlang_c_sl(SHOWN, traffic, AHT_S, 60), rel=1e-9
    )
    past = result.intervals.filter(pl.col("interval_start") == local(center, 9)).row(0, named=True)
    assert past["agents_staffed"] == pytest.approx(SHOWN) and past["service_level_expected"] is None


def test_too_few_agents_for_erlang_c_expect_no_service_level(center, inputs):
    few = {**inputs, "schedule": inputs["schedule"].head(8), "states": inputs["states"].head(8)}
    result = run(center, few)
    noon = result.intervals.filter(pl.col("interval_start") == local(center, 12)).row(0, named=True)
    assert noon["agents_expected"] == pytest.approx(8.0)  # fewer than the ~10.7 Erlangs
    assert noon["service_level_expected"] == 0.0


def test_moves_name_overtime_where_short_and_time_off_where_agents_spare(center, inputs):
    result = run(center, inputs)
    factor = result.queues.row(0, named=True)["factor"]
    busy = erlang_c_agents(20 * factor, center.interval_s, AHT_S)
    quiet = erlang_c_agents(4 * factor, center.interval_s, AHT_S)
    moves = result.moves.to_dicts()
    assert [(m["kind"], m["start"], m["end"], m["n_agents"]) for m in moves] == [
        ("overtime", local(center, 10), local(center, 14), busy - SHOWN),
        ("voluntary_time_off", local(center, 14), local(center, 18), SHOWN - quiet),
    ]
    q = result.queues.row(0, named=True)
    assert q["short_agent_h_rest"] == pytest.approx((busy - SHOWN) * 4)


def test_a_break_in_a_short_interval_moves_next_to_spare_agents(center, inputs):
    # Two agents break 13:45-14:00, in the last short quarter-hour before the quiet
    # afternoon: with agents to spare within the hour, both breaks can move.
    rows = []
    for agent in ("b00", "b01"):
        for activity, a, b in (
            ("work", (8, 0), (13, 45)),
            ("break", (13, 45), (14, 0)),
            ("work", (14, 0), (18, 0)),
        ):
            rows.append({"agent_id": agent, "activity": activity, "start": local(center, *a),
                         "end": local(center, *b), "queue_id": QUEUE})  # fmt: skip
    split = pl.DataFrame(rows, schema=inputs["schedule"].schema)
    schedule = pl.concat(
        [inputs["schedule"].filter(~pl.col("agent_id").is_in(["b00", "b01"])), split]
    )
    result = run(center, {**inputs, "schedule": schedule})
    factor = result.queues.row(0, named=True)["factor"]
    busy = erlang_c_agents(20 * factor, center.interval_s, AHT_S)
    need = math.ceil(busy - (N_AGENTS - 2) * SHOWN / N_AGENTS)  # at 13:45
    assert need >= 2
    moves = result.moves.filter(pl.col("start") < local(center, 14)).sort("kind").to_dicts()
    assert (
        [(m["kind"], m["n_agents"]) for m in moves]
        == [
            ("move_break", 2),
            ("overtime", need - 2),
        ]
        if need > 2
        else [("move_break", 2)]
    )
    assert all(m["end"] == local(center, 14) for m in moves)


def test_a_forecast_without_the_day_is_an_error(center, inputs):
    other = inputs["forecast"].with_columns(pl.col("interval_start") + pl.duration(days=7))
    with pytest.raises(ForecastError, match="no interval on 2026-11-18"):
        intraday(center, forecast=other, history=inputs["history"], at=local(center, 10))

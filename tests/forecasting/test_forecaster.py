"""The Forecaster orchestrates per queue: output shape, closed hours, choice, fallback."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Self

import numpy as np
import polars as pl
import pytest

from forecasting.core import Forecaster
from forecasting.models import Model
from wfm.errors import ForecastError
from wfm.grid import open_mask

START = dt.date(2026, 3, 16)  # the Monday after the synthetic history


class Constant(Model):
    """Deterministic fake: every slot gets `value`, interval bands at +/- 1."""

    def __init__(self, value: float, *, alias: str) -> None:
        super().__init__(alias=alias)
        self.value = value

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Self:
        self.model_ = {"n": y.size}
        return self

    def predict(self, h, *, X=None, level=None):
        mean = np.full(h, self.value)
        out = {"mean": mean}
        for lv in level or ():
            out[f"lo-{lv}"], out[f"hi-{lv}"] = mean - 1, mean + 1
        return out


def test_forecast_table_has_the_contract_columns_and_zero_when_closed(center, short_history):
    fc = Forecaster([Constant(5.0, alias="five")], center=center)
    fc.fit(short_history, end_date=START + dt.timedelta(days=7))
    table = fc.predict(START, 7)
    assert table.columns == [
        "queue_id",
        "interval_start",
        "volume",
        "volume_lo",
        "volume_hi",
        "aht_s",
        "model",
    ]
    assert table.schema["interval_start"] == pl.Datetime("us", "UTC")
    assert set(table["model"]) == {"five"}
    sched = table.filter(pl.col("queue_id") == "sched_voice")
    is_open = open_mask(center.queue("sched_voice"), sched["interval_start"], center.tz)
    assert (sched.filter(~is_open)["volume"] == 0).all()
    assert (sched.filter(is_open)["volume"] == 5).all()
    assert sched.filter(~is_open).height > 0
    triage = table.filter(pl.col("queue_id") == "triage_voice")
    assert triage.height == 7 * 96 and (triage["volume"] == 5).all()


def test_automatic_choice_picks_the_model_with_lower_backtest_error(center, short_history):
    # The synthetic queues average ~8 contacts per open quarter-hour: 8 beats 50.
    fc = Forecaster(
        [Constant(50.0, alias="far"), Constant(8.0, alias="near")], center=center, max_combined=1
    )
    fc.fit(short_history, end_date=START + dt.timedelta(days=7))
    assert set(fc.predict(START, 7)["model"]) == {"near"}
    scores = pl.DataFrame(fc.scores_)
    assert scores.height == 4
    near = scores.filter(pl.col("model") == "near")["score"]
    far = scores.filter(pl.col("model") == "far")["score"]
    assert (near < far).all()


def test_a_combination_wins_when_models_err_in_opposite_directions(center, short_history):
    # Triage is open 24/7, so the combination's mean of 0 and 2x the level sits on the level.
    triage = short_history.filter(pl.col("queue_id") == "triage_voice")
    level = triage["offered"].mean()
    fc = Forecaster([Constant(0.0, alias="low"), Constant(2 * level, alias="high")], center=center)
    fc.fit(triage, end_date=START + dt.timedelta(days=7))
    table = fc.predict(START, 7)
    assert set(table["model"]) == {"mean(low+high)"} or set(table["model"]) == {"mean(high+low)"}
    np.testing.assert_allclose(table["volume"].to_numpy(), level)


def test_duplicate_model_names_ask_for_an_alias(center):
    with pytest.raises(ForecastError, match="alias"):
        Forecaster([Constant(1, alias="x"), Constant(2, alias="x")], center=center)


def test_start_inside_history_is_refused(center, short_history):
    fc = Forecaster([Constant(1.0, alias="one")], center=center)
    fc.fit(short_history, end_date=START)
    with pytest.raises(ForecastError, match="inside the history"):
        fc.predict(dt.date(2026, 2, 1), 7)


def test_short_history_falls_back_with_a_warning_naming_the_queue(center, short_history, caplog):
    from forecasting.adapters.statsmodels import SARIMAXRegression

    first_days = short_history.filter(
        pl.col("interval_start") < dt.datetime(2026, 1, 9, 5, tzinfo=dt.UTC)
    )
    fc = Forecaster([SARIMAXRegression()], center=center)
    with caplog.at_level(logging.WARNING, logger="forecasting.core"):
        fc.fit(first_days, end_date=dt.date(2026, 1, 16))
    table = fc.predict(dt.date(2026, 1, 9), 7)
    assert set(table["model"]) == {"recent_slot_avg"}
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("queue sched_voice" in m and "recent_slot_avg" in m for m in warned)
    assert any("needs at least 28 days" in m for m in warned)


def test_too_little_history_to_backtest_uses_the_weekly_average(center, short_history, caplog):
    three_weeks = short_history.filter(
        pl.col("interval_start") < dt.datetime(2026, 1, 26, 5, tzinfo=dt.UTC)
    )
    models = [Constant(1.0, alias="a"), Constant(2.0, alias="b")]
    fc = Forecaster(models, center=center)
    with caplog.at_level(logging.WARNING, logger="forecasting.core"):
        fc.fit(three_weeks, end_date=dt.date(2026, 2, 2))
    assert set(fc.predict(dt.date(2026, 1, 26), 7)["model"]) == {"weighted_avg"}
    assert any("too few to backtest" in r.getMessage() for r in caplog.records)


def test_auto_keeps_the_candidate_with_the_lowest_backtest_score(center, short_history):
    from forecasting.registry import make_models
    from forecasting.run import _candidates

    assert "avg_4w" in _candidates("auto", "interval")
    models = make_models(["seasonal_naive", "weighted_avg", "avg_4w"], center)
    fc = Forecaster(models, center=center)
    fc.fit(short_history, end_date=START + dt.timedelta(days=7))
    table = fc.predict(START, 7)
    scores = pl.DataFrame(fc.scores_)
    assert "avg_4w" in set(scores["model"])
    for qid, part in scores.group_by("queue_id"):
        best = part.sort("score")["model"][0]
        assert set(table.filter(pl.col("queue_id") == qid[0])["model"]) == {best}


class DailyConstant(Constant):
    """Deterministic daily fake: every day gets `value`; `reads_calendar` sets uses_exog."""

    granularity = "daily"

    def __init__(self, value: float, *, reads_calendar: bool, alias: str) -> None:
        super().__init__(value, alias=alias)
        self.uses_exog = reads_calendar  # type: ignore[misc]

    def predict(self, h, *, X=None, level=None):
        out = {"mean": np.full(h, self.value)}
        for lv in level or ():
            out[f"lo-{lv}"], out[f"hi-{lv}"] = out["mean"] * 0.9, out["mean"] * 1.1
        return out


@pytest.mark.parametrize("future_event", [False, True])
def test_an_event_no_backtest_week_saw_leaves_the_choice_to_calendar_readers(
    center, short_history, future_event
):
    from tests.forecasting.test_calendar import _event

    triage = short_history.filter(pl.col("queue_id") == "triage_voice")
    level = float(triage["offered"].sum()) / 70
    events = _event("c1", "campaign", (2026, 1, 12, 5), (2026, 1, 16, 5))
    if future_event:
        events = pl.concat([events, _event("c2", "campaign", (2026, 3, 17, 4), (2026, 3, 19, 4))])
    fc = Forecaster(
        [
            DailyConstant(level, reads_calendar=False, alias="blind"),
            DailyConstant(2 * level, reads_calendar=True, alias="reader"),
        ],
        center=center,
        max_combined=1,
    )
    fc.fit(triage, end_date=START + dt.timedelta(days=7), events=events)
    chosen = set(fc.predict(START, 7)["model"])
    # The campaign of January is in the training days, none in the four backtest weeks.
    assert chosen == ({"reader"} if future_event else {"blind"})

"""Staffing a forecast at a quantile of its own weekly error (README, `wfm staff`): the
oracles are the conformal order statistics computed here by hand, the plain requirement
with the setting off, and the share of new weeks from a known error distribution covered."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from forecasting.core import ratio_at_quantile
from tests.wfm.simulation.conftest import constant_volumes, one_queue_config
from wfm.center import Center
from wfm.errors import DataError, StaffingError
from wfm.staffing.frame import requirements_from_frame
from wfm.staffing.lived import at_forecast_quantile, forecast_quantile, lived_allowance
from wfm.usecases.lived import (
    built_for_life,
    forecast_requirements,
    read_weekly_errors,
    weekly_errors_path,
    write_weekly_errors,
)

# 13 backtest weeks of actual / forecast, sorted: 0.93 .. 1.09.
RATIOS = (1.02, 0.93, 1.09, 0.99, 1.01, 0.97, 1.05, 1.00, 0.98, 1.04, 1.03, 0.96, 1.07)


def _center(quantile: float | None) -> Center:
    life: dict[str, object] = {"staff_as_lived": True, "absence_frac": 0.05, "offphone_frac": 0.1}
    if quantile is not None:
        life["staff_forecast_quantile"] = quantile
    return Center.model_validate(one_queue_config(patience_s=200.0, life=life))


def _forecast() -> pl.DataFrame:
    return constant_volumes(0.0, 12).with_columns(
        pl.Series("volume", [4.0 * k for k in range(12)]),
    )


def _oracle(ratios: tuple[float, ...], quantile: float) -> float:
    """The k-th smallest of n with k = ceil((n + 1) q), floored by the ceil((n + 1)(2q - 1))-th
    smallest |log ratio| and by the point forecast."""
    n = len(ratios)
    upper = sorted(ratios)[min(math.ceil((n + 1) * quantile), n) - 1]
    logs = sorted(abs(math.log(r)) for r in ratios)
    spread = math.exp(logs[min(max(math.ceil((n + 1) * (2 * quantile - 1)), 1), n) - 1])
    return max(upper, spread, 1.0)


def test_off_the_requirements_are_the_point_forecasts() -> None:
    center = _center(None)
    assert forecast_quantile(center) is None
    allowance = lived_allowance(center, adherence_loss_frac=0.02, adherence_source="x")
    scaled, same = at_forecast_quantile(_forecast(), allowance, {"q": RATIOS})
    assert scaled.equals(_forecast()) and same == allowance
    required, _ = forecast_requirements(_forecast(), center, allowance, {"q": RATIOS})
    plain = built_for_life(requirements_from_frame(_forecast(), center), center, allowance)
    assert required.equals(plain)
    assert "point forecast" in dict(allowance.describe())["forecast error"]


@pytest.mark.parametrize(("quantile", "ratio"), [(0.9, 1.09), (0.75, 1.05)])
def test_on_the_staffed_volume_is_the_forecast_band_at_the_quantile(
    quantile: float, ratio: float
) -> None:
    # n = 13: q = 0.9 takes the 13th smallest (1.09), q = 0.75 the 11th (1.05); the |log|
    # floors (12th: log 1.07, 7th: about log 1.03) are lower.
    assert _oracle(RATIOS, quantile) == pytest.approx(ratio)
    assert ratio_at_quantile(RATIOS, quantile) == pytest.approx(ratio)
    center = _center(quantile)
    allowance = lived_allowance(center, adherence_loss_frac=0.02, adherence_source="x")
    required, applied = forecast_requirements(_forecast(), center, allowance, {"q": RATIOS})
    off = _center(None)
    at_point = lived_allowance(off, adherence_loss_frac=0.02, adherence_source="x")
    point, _ = forecast_requirements(_forecast(), off, at_point, {})
    # The requirements cover the whole day the forecast's 12 intervals start.
    assert point["volume"].head(12).to_list() == [4.0 * k for k in range(12)]
    assert required["volume"].to_list() == pytest.approx((point["volume"] * ratio).to_list())
    assert applied is not None and applied.forecast_ratio == {"q": pytest.approx(ratio)}
    assert (required["agents_gross"] >= point["agents_gross"]).all()
    assert required["agents_gross"].sum() > point["agents_gross"].sum()
    line = dict(applied.describe())["forecast error"]
    assert f"{quantile:.0%} quantile" in line and "13 weeks" in line and f"x{ratio:.3f}" in line


def test_a_one_sided_bias_still_gets_its_quantile() -> None:
    # Every backtest week over-forecast: the upper side rests on the typical miss, not on 1.
    low = tuple(0.9 + 0.005 * k for k in range(13))
    assert ratio_at_quantile(low, 0.9) == pytest.approx(_oracle(low, 0.9))
    assert ratio_at_quantile(low, 0.9) > 1.05


def test_weeks_from_a_known_distribution_are_covered_at_the_quantile() -> None:
    """Actual / forecast weekly totals lognormal (a bias of +2 %, sd 4 %): staffing at the
    ratio measured on 13 backtest weeks covers a new week at least as often as the quantile
    promises (split-conformal: >= q over the draws of the backtest), and not much more."""
    rng = np.random.default_rng(7)
    center = _center(0.9)
    allowance = lived_allowance(center, adherence_loss_frac=0.0, adherence_source="x")
    forecast = _forecast()
    point = float(forecast["volume"].sum())
    covered = []
    for _ in range(1500):
        backtest = tuple(np.exp(rng.normal(0.02, 0.04, 13)))
        staffed, _ = at_forecast_quantile(forecast, allowance, {"q": backtest})
        actual = point * float(np.exp(rng.normal(0.02, 0.04)))
        covered.append(float(staffed["volume"].sum()) >= actual)
    share = float(np.mean(covered))
    # Binomial sd of the share over 1500 weeks: 0.008. The exact coverage of the 13th of 13
    # is 13/14 = 0.929; the |log| floor adds a little.
    assert 0.9 - 0.02 <= share <= 0.97
    point_share = np.mean(np.exp(rng.normal(0.02, 0.04, 1500)) <= 1.0)
    assert point_share < 0.4  # the point forecast covers a biased week far less often


def test_weekly_errors_travel_beside_the_forecast_table(tmp_path: Path) -> None:
    center = _center(0.9)
    out = tmp_path / "forecast.csv"
    with pytest.raises(StaffingError, match="forecast_weekly_errors.csv: missing"):
        read_weekly_errors(out, center)
    path = write_weekly_errors({"q": RATIOS}, out)
    assert path == weekly_errors_path(out) == tmp_path / "forecast_weekly_errors.csv"
    assert sorted(read_weekly_errors(out, center)["q"]) == pytest.approx(sorted(RATIOS))
    path.write_text("queue_id,actual_over_forecast\nq,1.0\nq,-0.5\n")
    with pytest.raises(DataError, match="actual_over_forecast"):
        read_weekly_errors(out, center)


def test_a_queue_with_too_little_history_keeps_its_point_forecast_and_says_so() -> None:
    center = _center(0.9)
    allowance = lived_allowance(center, adherence_loss_frac=0.0, adherence_source="x")
    two = pl.concat([_forecast(), _forecast().with_columns(pl.lit("r").alias("queue_id"))])
    scaled, applied = at_forecast_quantile(two, allowance, {"q": RATIOS})
    assert scaled.filter(pl.col("queue_id") == "r").equals(
        _forecast().with_columns(pl.lit("r").alias("queue_id"))
    )
    assert scaled.filter(pl.col("queue_id") == "q")["volume"].to_list() == pytest.approx(
        [4.0 * k * 1.09 for k in range(12)]
    )
    assert applied.forecast_unmeasured == ("r",)
    assert "r: point forecast (too little history)" in dict(applied.describe())["forecast error"]
    alone, none = at_forecast_quantile(_forecast(), allowance, {})
    assert alone.equals(_forecast()) and none.forecast_ratio == {}
    assert "too little history" in dict(none.describe())["forecast error"]

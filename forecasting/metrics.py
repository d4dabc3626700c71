"""Forecast error measures: WAPE, MASE and bias over aligned arrays (NaN actuals are skipped)."""

from __future__ import annotations

import numpy as np

__all__ = ["bias", "mase", "wape"]


def _aligned(y: np.ndarray, y_hat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float).ravel()
    y_hat = np.asarray(y_hat, dtype=float).ravel()
    if y.shape != y_hat.shape:
        raise ValueError(f"actuals and forecast differ in length: {y.size} vs {y_hat.size}")
    keep = np.isfinite(y)
    return y[keep], y_hat[keep]


def wape(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Weighted absolute percentage error: sum |y - y_hat| / sum y (fraction; NaN if no volume)."""
    y, y_hat = _aligned(y, y_hat)
    total = np.abs(y).sum()
    return float(np.abs(y - y_hat).sum() / total) if total > 0 else float("nan")


def bias(y: np.ndarray, y_hat: np.ndarray) -> float:
    """Signed error relative to volume: sum (y_hat - y) / sum y (positive = over-forecast)."""
    y, y_hat = _aligned(y, y_hat)
    total = np.abs(y).sum()
    return float((y_hat - y).sum() / total) if total > 0 else float("nan")


def mase(y: np.ndarray, y_hat: np.ndarray, y_train: np.ndarray, *, season_length: int) -> float:
    """Mean absolute scaled error against the in-sample seasonal naive of `season_length` steps.

    Args:
        y: actuals over the horizon.
        y_hat: forecast over the horizon.
        y_train: the training series the seasonal naive scale is measured on.
        season_length: the seasonal lag in steps (a week of intervals, or 7 days).
    """
    y, y_hat = _aligned(y, y_hat)
    train = np.asarray(y_train, dtype=float).ravel()
    diffs = np.abs(train[season_length:] - train[:-season_length])
    scale = np.nanmean(diffs) if diffs.size else float("nan")
    if not np.isfinite(scale) or scale == 0 or y.size == 0:
        return float("nan")
    return float(np.abs(y - y_hat).mean() / scale)

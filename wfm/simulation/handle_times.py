"""Handle-time laws fitted to a mean AHT: lognormal (default) or exponential.

Call-center handle times are close to lognormal (Brown et al., "Statistical analysis of a
telephone call center", JASA 2005); Erlang C and A assume exponential ones. The lognormal is
fitted by its moments: with mean m and coefficient of variation cv, sigma^2 = ln(1 + cv^2) and
mu = ln(m) - sigma^2 / 2, so the drawn mean is exactly m for any cv.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from wfm.errors import ConfigError

__all__ = ["HANDLE_TIME_KINDS", "HandleTimeModel"]

HANDLE_TIME_KINDS: tuple[str, ...] = ("lognormal", "exponential")


@dataclass(frozen=True)
class HandleTimeModel:
    """How handle times are drawn around each contact's mean AHT.

    Attributes:
        kind: "lognormal" (default) or "exponential" (the Erlang assumption; cv is then 1).
        cv: coefficient of variation (standard deviation / mean) of the lognormal, > 0.
    """

    kind: Literal["lognormal", "exponential"] = "lognormal"
    cv: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in HANDLE_TIME_KINDS:
            raise ConfigError(
                f"unknown handle-time law {self.kind!r}; use one of {HANDLE_TIME_KINDS}"
            )
        if not (math.isfinite(self.cv) and self.cv > 0):
            raise ConfigError("handle-time coefficient of variation must be > 0")

    def draw(self, mean_s: NDArray[np.float64], rng: np.random.Generator) -> NDArray[np.float64]:
        """One handle time per element of `mean_s` (seconds, > 0), in seconds."""
        mean_s = np.asarray(mean_s, dtype=np.float64)
        if self.kind == "exponential":
            return rng.exponential(1.0, size=mean_s.shape) * mean_s
        sigma2 = math.log1p(self.cv**2)
        return mean_s * np.exp(
            rng.standard_normal(size=mean_s.shape) * math.sqrt(sigma2) - sigma2 / 2
        )

"""The Erlang calculator behind `wfm erlang`: agents -> figures, or a target -> agents."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from wfm.errors import StaffingError
from wfm.staffing.erlang import SL_BASES, ServiceLevelBasis
from wfm.staffing.requirements import StaffingTarget, agents_required, evaluate_agents

__all__ = ["CalculatorResult", "erlang_calculator", "parse_duration_s"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr)?\s*$", re.IGNORECASE)
_UNIT_S = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}


def parse_duration_s(text: str) -> float:
    """Seconds in "30m", "15min", "1h", "900s" or "900" (a bare number is seconds).

    Raises:
        StaffingError: the text is not a positive duration.
    """
    match = _DURATION.match(text)
    if not match:
        raise StaffingError(f"cannot read duration {text!r}; write e.g. 30m, 15m, 1h or 900s")
    seconds = float(match.group(1)) * _UNIT_S[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise StaffingError(f"duration {text!r} must be > 0")
    return seconds


@dataclass(frozen=True)
class CalculatorResult:
    """One interval's staffing figures; NaN figures are reported as None.

    Attributes:
        mode: "agents" (figures for a given agent count) or "target" (agents needed).
        model: "erlang_c" or "erlang_a".
        traffic_erl: offered traffic in Erlangs.
        agents: the agent count given or found.
        stable: False when Erlang C has no more agents than Erlangs.
        service_level, asa_s, p_wait, occupancy, abandon_rate: what those agents achieve
            (abandon_rate is None without a patience).
    """

    mode: str
    model: str
    traffic_erl: float
    agents: int
    stable: bool
    service_level: float | None
    asa_s: float | None
    p_wait: float | None
    occupancy: float | None
    abandon_rate: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "agents": self.agents,
            "service_level": self.service_level,
            "asa_s": self.asa_s,
            "p_wait": self.p_wait,
            "occupancy": self.occupancy,
            "abandon_rate": self.abandon_rate,
            "stable": self.stable,
            "traffic_erl": self.traffic_erl,
            "model": self.model,
            "mode": self.mode,
        }


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def erlang_calculator(
    contacts: float,
    *,
    aht_s: float,
    interval_s: float,
    answer_within_s: float,
    patience_s: float | None = None,
    n_agents: int | None = None,
    service_level_frac: float | None = None,
    max_asa_s: float | None = None,
    max_abandon_frac: float | None = None,
    max_occupancy_frac: float | None = None,
    concurrency: int = 1,
    service_level_basis: ServiceLevelBasis = "offered",
) -> CalculatorResult:
    """Figures for `n_agents`, or the agents needed for a target (exactly one of the two).

    Erlang C without a patience, Erlang A with one. Arguments as in `evaluate_agents` and
    `StaffingTarget`; the service level is measured at `answer_within_s`.

    Raises:
        StaffingError: both or neither of agents and target, or an input out of range.
    """
    if service_level_basis not in SL_BASES:
        raise StaffingError(f"unknown service level basis {service_level_basis!r}")
    wants_target = any(
        v is not None for v in (service_level_frac, max_asa_s, max_abandon_frac, max_occupancy_frac)
    )
    if n_agents is not None and wants_target:
        raise StaffingError("give either an agent count or a target, not both")
    if n_agents is None and not wants_target:
        raise StaffingError(
            "give an agent count, or a target (service level, max ASA, max abandonment)"
        )
    if max_abandon_frac is not None and patience_s is None:
        raise StaffingError("an abandonment target needs the callers' patience (Erlang A)")
    if n_agents is not None:
        fig = evaluate_agents(
            contacts,
            aht_s=aht_s,
            interval_s=interval_s,
            n_agents=n_agents,
            answer_within_s=answer_within_s,
            patience_s=patience_s,
            concurrency=concurrency,
            service_level_basis=service_level_basis,
        )
        mode = "agents"
    else:
        target = StaffingTarget(
            service_level_frac=service_level_frac,
            answer_within_s=answer_within_s if service_level_frac is not None else None,
            max_asa_s=max_asa_s,
            max_abandon_frac=max_abandon_frac,
            max_occupancy_frac=max_occupancy_frac,
        )
        fig = agents_required(
            contacts,
            aht_s=aht_s,
            interval_s=interval_s,
            target=target,
            patience_s=patience_s,
            concurrency=concurrency,
            service_level_basis=service_level_basis,
        )
        if service_level_frac is None:
            # The figures are still reported at answer_within_s.
            fig = evaluate_agents(
                contacts,
                aht_s=aht_s,
                interval_s=interval_s,
                n_agents=fig.agents,
                answer_within_s=answer_within_s,
                patience_s=patience_s,
                concurrency=concurrency,
                service_level_basis=service_level_basis,
            )
        mode = "target"
    return CalculatorResult(
        mode=mode,
        model=fig.model,
        traffic_erl=float(fig.workload_erl) * concurrency,
        agents=int(fig.agents),
        stable=bool(fig.stable),
        service_level=_number(fig.service_level),
        asa_s=_number(fig.asa_s),
        p_wait=_number(fig.p_wait),
        occupancy=_number(fig.occupancy),
        abandon_rate=_number(fig.abandon_rate),
    )

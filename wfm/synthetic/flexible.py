"""A flexible variant of a center's contracts, for the plan-quality bench.

The sample's contracts fix most of the paid hours (full-time minimums of 30-32 hours a
week), so two plans of the same roster pay about the same whatever their requirements. The
flexible variant lowers every contract's weekly minimum to one short shift, so the scheduler
may pay only the hours the requirements call for.
"""

from __future__ import annotations

from wfm.center import Center

__all__ = ["flexible_contracts"]


def flexible_contracts(center: Center, *, weekly_hours_min: float = 4.0) -> Center:
    """The center with every contract's weekly minimum lowered to `weekly_hours_min` hours
    (never raised), maxima and shift templates unchanged."""
    contracts = tuple(
        c.model_copy(update={"weekly_hours_min": min(c.weekly_hours_min, weekly_hours_min)})
        for c in center.contracts
    )
    return center.model_copy(update={"contracts": contracts})

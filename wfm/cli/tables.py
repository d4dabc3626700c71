"""The CLI's tables: one column layout and one cell format for every command's output."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from rich.table import Table

__all__ = ["cell", "new_table"]


def new_table(
    headers: Sequence[str],
    *,
    left: Collection[str] | None = None,
    right: Collection[str] | None = None,
    **options: Any,
) -> Table:
    """A rich table (`options`: title, caption, ...) with a column per header: the `left`
    ones (names, dates) flush left and the others, figures, flush right, or with `right` the
    figures named and the others flush left. Exactly one of `left` and `right` is given."""
    if (left is None) == (right is None):
        raise TypeError("give left or right")
    table = Table(**options)
    for name in headers:
        flush_left = name in left if left is not None else name not in right  # type: ignore[operator]
        table.add_column(name, justify="left" if flush_left else "right")
    return table


def cell(value: Any, spec: str, missing: str = "-") -> str:
    """`value` formatted by `spec` (a format spec: ".1%", ",.0f"), or `missing` for None."""
    return missing if value is None else format(value, spec)

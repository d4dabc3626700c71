"""Column and index builders shared by the migrations in `versions/`.

A migration's schema effect must never change once it has run somewhere, so a builder here is
never edited: a migration that needs another column shape gets a new builder.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

__all__ = ["add_index", "create_id_table", "drop_index", "stamp", "string"]

# BIGINT ids, but INTEGER on SQLite: only an INTEGER primary key is SQLite's auto-numbered rowid.
_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def string(name: str, length: int, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def stamp(name: str, *, nullable: bool = False) -> sa.Column:
    """A timestamp with its time zone (stored in UTC by the service)."""
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def add_index(table: str, name: str, columns: list[str]) -> None:
    # Batch mode: SQLite cannot alter a table in place (env.py renders batches there only).
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(name), columns, unique=False)


def drop_index(table: str, name: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(name))


def create_id_table(
    name: str,
    *columns: sa.Column,
    unique: tuple[str, ...] = (),
    version_of: str | None = None,
    index: tuple[str, list[str]] | None = None,
) -> None:
    """Create a table keyed by an auto-numbered `id`, and its index (name, columns).

    `version_of`: the rows belong to a version of that table, by a `version_id` column first
    after `id`; `unique`: the columns that are unique together.
    """
    elements: list[sa.SchemaItem] = [sa.Column("id", _BIG_ID, autoincrement=True, nullable=False)]
    if version_of is not None:
        elements.append(sa.Column("version_id", _BIG_ID, nullable=False))
    elements.extend(columns)
    if version_of is not None:
        elements.append(sa.ForeignKeyConstraint(["version_id"], [f"{version_of}.id"]))
    elements.append(sa.PrimaryKeyConstraint("id"))
    if unique:
        elements.append(sa.UniqueConstraint(*unique))
    op.create_table(name, *elements)
    if index is not None:
        add_index(name, *index)

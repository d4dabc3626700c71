"""history: actual interval volumes pushed to the service, read by forecast runs

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.migrations.columns import stamp, string

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "history_intervals",
        string("queue_id", 64),
        stamp("interval_start"),
        sa.Column("offered", sa.Integer(), nullable=False),
        sa.Column("handled", sa.Integer(), nullable=False),
        sa.Column("abandoned", sa.Integer(), nullable=False),
        sa.Column("aht_s", sa.Float(), nullable=True),
        sa.Column("service_level", sa.Float(), nullable=True),
        sa.Column("asa_s", sa.Float(), nullable=True),
        stamp("received_at"),
        sa.PrimaryKeyConstraint("queue_id", "interval_start"),
    )


def downgrade() -> None:
    op.drop_table("history_intervals")

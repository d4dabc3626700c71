"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from api.migrations.columns import add_index, create_id_table, drop_index, stamp, string

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_id_table(
        "agent_states",
        string("event_id", 128),
        string("agent_id", 64),
        string("state", 64),
        stamp("start"),
        stamp("end", nullable=True),
        stamp("received_at"),
        unique=("event_id",),
        index=("ix_agent_states_agent_start", ["agent_id", "start"]),
    )
    create_id_table(
        "api_keys",
        string("key_id", 32),
        string("name", 64),
        string("role", 16),
        sa.Column("teams", sa.JSON(), nullable=False),
        string("salt", 64),
        string("secret_hash", 128),
        stamp("created_at"),
        stamp("revoked_at", nullable=True),
        unique=("key_id",),
        index=("ix_api_keys_name", ["name"]),
    )
    create_id_table(
        "audit_log",
        stamp("at"),
        string("actor", 64),
        string("key_id", 32, nullable=True),
        string("role", 16, nullable=True),
        string("action", 16),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        string("result", 16),
        index=("ix_audit_log_at", ["at"]),
    )
    create_id_table(
        "center_versions",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        stamp("updated_at"),
        string("updated_by", 64),
        unique=("version",),
    )
    op.create_table(
        "forecast_runs",
        string("id", 32),
        string("status", 16),
        sa.Column("params", sa.JSON(), nullable=False),
        string("created_by", 64),
        stamp("created_at"),
        stamp("started_at", nullable=True),
        stamp("finished_at", nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    add_index("forecast_runs", "ix_forecast_runs_status", ["status"])
    create_id_table(
        "roster_versions",
        sa.Column("version", sa.Integer(), nullable=False),
        stamp("updated_at"),
        string("updated_by", 64),
        unique=("version",),
    )
    create_id_table(
        "schedule_versions",
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        stamp("published_at"),
        string("published_by", 64),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        unique=("week_start", "version"),
        index=("ix_schedule_versions_week_start", ["week_start"]),
    )
    create_id_table(
        "roster_agents",
        string("agent_id", 64),
        string("team", 64),
        sa.Column("body", sa.JSON(), nullable=False),
        version_of="roster_versions",
        unique=("version_id", "agent_id"),
        index=("ix_roster_agents_version_id", ["version_id"]),
    )
    create_id_table(
        "schedule_rows",
        string("agent_id", 64),
        string("activity", 16),
        stamp("start"),
        stamp("end"),
        string("queue_id", 64, nullable=True),
        version_of="schedule_versions",
        index=("ix_schedule_rows_version_agent", ["version_id", "agent_id"]),
    )


def downgrade() -> None:
    for table, index in [
        ("schedule_rows", "ix_schedule_rows_version_agent"),
        ("roster_agents", "ix_roster_agents_version_id"),
        ("schedule_versions", "ix_schedule_versions_week_start"),
        ("roster_versions", None),
        ("forecast_runs", "ix_forecast_runs_status"),
        ("center_versions", None),
        ("audit_log", "ix_audit_log_at"),
        ("api_keys", "ix_api_keys_name"),
        ("agent_states", "ix_agent_states_agent_start"),
    ]:
        if index is not None:
            drop_index(table, index)
        op.drop_table(table)

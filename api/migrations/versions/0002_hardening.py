"""hardening: the client address in the audit log, an index for paging agent states

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

from api.migrations.columns import add_index, drop_index, string

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(string("client", 64, nullable=True))
    add_index("agent_states", "ix_agent_states_start_id", ["start", "id"])


def downgrade() -> None:
    drop_index("agent_states", "ix_agent_states_start_id")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("client")

"""decision.decided_at indexed: the dashboard counts a day's and a month's approvals

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 08:55:00

"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_decision_decided_at", "decision", ["decided_at"])


def downgrade():
    op.drop_index("ix_decision_decided_at", table_name="decision")

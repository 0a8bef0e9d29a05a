"""row versions: records edited in forms carry a version counter (a second save made on an
older copy is refused instead of overwriting the first)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 07:25:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ["application", "branch", "channel", "consent", "contact", "contract_template",
          "customer", "firm_setting", "follow_up", "funder", "loan_product", "lpr_rate",
          "repayment_method", "score_bin", "score_factor", "score_grade", "scorecard", "staff",
          "team"]


def upgrade():
    # ADD COLUMN … NOT NULL DEFAULT 1 needs no table rebuild on either database.
    for table in TABLES:
        op.add_column(table, sa.Column("row_version", sa.Integer(), server_default="1",
                                       nullable=False))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("row_version")

"""reports: month-end snapshots of the loan book, and each installment's most days past due

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 07:05:28

"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "portfolio_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("funder_id", sa.Integer(), nullable=True),
        sa.Column("loans", sa.Integer(), nullable=False),
        sa.Column("outstanding", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("overdue_loans", sa.Integer(), nullable=False),
        sa.Column("overdue_principal", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("par30_principal", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("outstanding >= 0",
                           name=op.f("ck_portfolio_snapshot_outstanding_non_negative")),
        sa.CheckConstraint("overdue_principal >= 0",
                           name=op.f("ck_portfolio_snapshot_overdue_principal_non_negative")),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"],
                                name=op.f("fk_portfolio_snapshot_branch_id_branch")),
        sa.ForeignKeyConstraint(["funder_id"], ["funder.id"],
                                name=op.f("fk_portfolio_snapshot_funder_id_funder")),
        sa.ForeignKeyConstraint(["owner_id"], ["staff.id"],
                                name=op.f("fk_portfolio_snapshot_owner_id_staff")),
        sa.ForeignKeyConstraint(["product_id"], ["loan_product.id"],
                                name=op.f("fk_portfolio_snapshot_product_id_loan_product")),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"],
                                name=op.f("fk_portfolio_snapshot_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portfolio_snapshot")),
    )
    op.create_index("ix_portfolio_snapshot_branch_id", "portfolio_snapshot", ["branch_id"])
    op.create_index("ix_portfolio_snapshot_month", "portfolio_snapshot", ["month"])
    op.create_index("ix_portfolio_snapshot_owner_id", "portfolio_snapshot", ["owner_id"])
    op.create_index("ix_portfolio_snapshot_team_id", "portfolio_snapshot", ["team_id"])
    # A plain ADD COLUMN on both databases (no table rebuild, the audit triggers stay).
    op.add_column("installment", sa.Column("max_dpd", sa.Integer(), server_default="0",
                                           nullable=False))
    late = ("CAST(julianday(paid_on) - julianday(due_date) AS INTEGER)"
            if op.get_bind().dialect.name == "sqlite" else "(paid_on - due_date)")
    op.execute(f"""UPDATE installment SET max_dpd = CASE
        WHEN state = 'paid' AND paid_on > due_date THEN {late}
        WHEN state IN ('overdue', 'written_off') THEN days_past_due
        ELSE 0 END""")
    op.create_index("ix_installment_max_dpd", "installment", ["max_dpd"])


def downgrade():
    op.drop_index("ix_installment_max_dpd", table_name="installment")
    with op.batch_alter_table("installment") as batch_op:
        batch_op.drop_column("max_dpd")
    op.drop_index("ix_portfolio_snapshot_team_id", table_name="portfolio_snapshot")
    op.drop_index("ix_portfolio_snapshot_owner_id", table_name="portfolio_snapshot")
    op.drop_index("ix_portfolio_snapshot_month", table_name="portfolio_snapshot")
    op.drop_index("ix_portfolio_snapshot_branch_id", table_name="portfolio_snapshot")
    op.drop_table("portfolio_snapshot")

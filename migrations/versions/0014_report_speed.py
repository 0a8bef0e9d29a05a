"""Reports' speed on a large book: each loan keeps its application's channel, an index on
settled loans by day, a partial index of the open book by days past due, and (PostgreSQL)
the disbursement-day, application-day, due-day, late-installment and scope indexes
covering what the reports read

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 10:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

OPEN = sa.text("state IN ('active', 'overdue')")
COVERED = ["state", "disbursed_amount", "principal", "product_id", "funder_id", "channel_id",
           "owner_id", "team_id", "branch_id"]
APPLICATION_COVERED = ["state", "submitted_at", "decided_at", "channel_id", "product_id",
                       "owner_id", "team_id", "branch_id"]
# Indexes that carry the id (index-only joins by scope or dimension); ix_loan_channel_id is
# new and made so on PostgreSQL by upgrade() itself.
ID_COVERED = [(table, column) for table in ("application", "loan")
              for column in ("owner_id", "team_id", "branch_id")] + [
    ("loan", "product_id"), ("loan", "funder_id")]
DUE_COVERED = ["loan_id", "state", "principal", "interest", "fee", "paid_principal",
               "paid_interest", "paid_fee", "paid_on"]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # A plain ADD COLUMN (no table rebuild); SQLite names the key in the column clause.
        op.execute("ALTER TABLE loan ADD COLUMN channel_id INTEGER "
                   "CONSTRAINT fk_loan_channel_id_channel REFERENCES channel (id)")
    else:
        op.add_column("loan", sa.Column("channel_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_loan_channel_id_channel", "loan", "channel",
                              ["channel_id"], ["id"])
    op.execute("UPDATE loan SET channel_id = (SELECT application.channel_id FROM application "
               "WHERE application.id = loan.application_id)")
    op.create_index("ix_loan_channel_id", "loan", ["channel_id"], postgresql_include=["id"])
    op.create_index("ix_loan_state_settled", "loan", ["state", "settled_on"])
    op.create_index("ix_loan_open_dpd", "loan", ["days_past_due"],
                    postgresql_include=["outstanding_principal", "branch_id", "team_id",
                                        "owner_id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_loan_disbursed_on", table_name="loan")
        op.create_index("ix_loan_disbursed_on", "loan", ["disbursed_on"],
                        postgresql_include=COVERED)
        op.drop_index("ix_installment_due_date", table_name="installment")
        op.create_index("ix_installment_due_date", "installment", ["due_date"],
                        postgresql_include=DUE_COVERED)
        op.drop_index("ix_installment_state_due", table_name="installment")
        op.create_index("ix_installment_state_due", "installment", ["state", "due_date"],
                        postgresql_include=["loan_id"])
        op.drop_index("ix_installment_max_dpd", table_name="installment")
        op.create_index("ix_installment_max_dpd", "installment", ["max_dpd"],
                        postgresql_include=["loan_id", "due_date", "state"],
                        postgresql_where=sa.text("max_dpd > 0"))
        for table, column in ID_COVERED:  # carrying the id: index-only joins
            op.drop_index(f"ix_{table}_{column}", table_name=table)
            op.create_index(f"ix_{table}_{column}", table, [column], postgresql_include=["id"])
        op.drop_index("ix_application_created_at", table_name="application")
        op.create_index("ix_application_created_at", "application", ["created_at"],
                        postgresql_include=APPLICATION_COVERED)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_loan_disbursed_on", table_name="loan")
        op.create_index("ix_loan_disbursed_on", "loan", ["disbursed_on"])
        op.drop_index("ix_installment_due_date", table_name="installment")
        op.create_index("ix_installment_due_date", "installment", ["due_date"])
        op.drop_index("ix_installment_state_due", table_name="installment")
        op.create_index("ix_installment_state_due", "installment", ["state", "due_date"])
        op.drop_index("ix_installment_max_dpd", table_name="installment")
        op.create_index("ix_installment_max_dpd", "installment", ["max_dpd"])
        for table, column in ID_COVERED:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
            op.create_index(f"ix_{table}_{column}", table, [column])
        op.drop_index("ix_application_created_at", table_name="application")
        op.create_index("ix_application_created_at", "application", ["created_at"])
    op.drop_index("ix_loan_open_dpd", table_name="loan")
    op.drop_index("ix_loan_state_settled", table_name="loan")
    op.drop_index("ix_loan_channel_id", table_name="loan")
    with op.batch_alter_table("loan") as batch_op:
        if op.get_bind().dialect.name != "sqlite":
            batch_op.drop_constraint("fk_loan_channel_id_channel", type_="foreignkey")
        batch_op.drop_column("channel_id")

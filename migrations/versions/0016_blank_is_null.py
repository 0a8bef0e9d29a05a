"""Optional texts left empty are NULL, not '': the unique keys of customer.credit_code,
staff.employee_no and repayment.idempotency_key let many records have none (an edit form
used to save an empty credit code as '', and a second customer saved so was refused)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 16:00:00

"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = (("customer", "credit_code"), ("staff", "employee_no"),
           ("repayment", "idempotency_key"))


def upgrade():
    for table, column in COLUMNS:
        op.execute(f"UPDATE {table} SET {column} = NULL WHERE {column} = ''")


def downgrade():
    pass  # NULL and '' meant the same: nothing to restore

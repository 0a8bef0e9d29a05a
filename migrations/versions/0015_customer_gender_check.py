"""customer.gender held to its code list (M / F) by a CHECK constraint, as every other coded
column is; values outside it (none are possible through the forms and the API) become NULL

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 10:05:00

"""
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE customer SET gender = NULL WHERE gender NOT IN ('M', 'F')")
    with op.batch_alter_table("customer") as batch_op:
        batch_op.create_check_constraint("gender", "gender IN ('M', 'F')")


def downgrade():
    with op.batch_alter_table("customer") as batch_op:
        batch_op.drop_constraint(op.f("ck_customer_gender"), type_="check")

"""Sensitive fields encrypted at rest: ID number, phone, bank card; keyed search hashes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

Existing clear values are encrypted in place with LOANDESK_DATA_KEY (the app's
configuration), and their search hashes computed; uniqueness moves to the hashes.
"""
import sqlalchemy as sa
from alembic import op

from app.crypto import decrypt, encrypt, search_hash

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

customer = sa.table("customer", sa.column("id", sa.Integer), sa.column("id_number", sa.String),
                    sa.column("phone", sa.String), sa.column("id_number_hash", sa.String),
                    sa.column("phone_hash", sa.String), sa.column("bank_card", sa.String))
contact = sa.table("contact", sa.column("id", sa.Integer), sa.column("phone", sa.String))


def _rewrite(table, columns, transform, extra=None):
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
    for row in rows:
        values = {c: (None if row[i + 1] is None else transform(row[i + 1]))
                  for i, c in enumerate(columns)}
        if extra:
            values.update(extra(row))
        bind.execute(table.update().where(table.c.id == row[0]).values(**values))


def upgrade():
    with op.batch_alter_table("customer") as batch:
        batch.alter_column("id_number", existing_type=sa.String(18), type_=sa.String(255))
        batch.alter_column("phone", existing_type=sa.String(20), type_=sa.String(255),
                           existing_nullable=False)
        batch.add_column(sa.Column("id_number_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("phone_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("bank_name", sa.String(64), nullable=True))
        batch.add_column(sa.Column("bank_card", sa.String(255), nullable=True))
        batch.drop_index("ix_customer_phone")
        batch.drop_constraint("uq_customer_id_number", type_="unique")
    with op.batch_alter_table("contact") as batch:
        batch.alter_column("phone", existing_type=sa.String(20), type_=sa.String(255))

    _rewrite(customer, ["id_number", "phone"], encrypt,
             extra=lambda row: {"id_number_hash": search_hash(row[1]),
                                "phone_hash": search_hash(row[2])})
    _rewrite(contact, ["phone"], encrypt)

    with op.batch_alter_table("customer") as batch:
        batch.alter_column("phone_hash", existing_type=sa.String(64), nullable=False)
        batch.create_unique_constraint("uq_customer_id_number_hash", ["id_number_hash"])
        batch.create_unique_constraint("uq_customer_phone_hash", ["phone_hash"])


def downgrade():
    _rewrite(customer, ["id_number", "phone"], decrypt)
    _rewrite(contact, ["phone"], decrypt)
    with op.batch_alter_table("customer") as batch:
        batch.drop_constraint("uq_customer_phone_hash", type_="unique")
        batch.drop_constraint("uq_customer_id_number_hash", type_="unique")
        batch.drop_column("bank_card")
        batch.drop_column("bank_name")
        batch.drop_column("phone_hash")
        batch.drop_column("id_number_hash")
        batch.alter_column("phone", existing_type=sa.String(255), type_=sa.String(20),
                           existing_nullable=False)
        batch.alter_column("id_number", existing_type=sa.String(255), type_=sa.String(18))
        batch.create_unique_constraint("uq_customer_id_number", ["id_number"])
        batch.create_index("ix_customer_phone", ["phone"])
    with op.batch_alter_table("contact") as batch:
        batch.alter_column("phone", existing_type=sa.String(255), type_=sa.String(20))

"""repayments: disbursement rules, prepayment, fee refunds, commission batches, reminder
attempts, job runs, collection follow-ups

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 04:20:30.245288

"""
import sqlalchemy as sa
from alembic import op

# Every coded column's CHECK constraint (the values the models allow).  The first migrations
# were generated without the column-level CHECKs, so databases made by them lack these; this
# migration adds what is missing and widens installment.state by "cancelled".
CODED_CHECKS = {
    "audit_log": {"ck_audit_log_action": "action IN ('create', 'update', 'delete', 'login', 'login_failed', 'unmask', 'export', 'transition', 'permission')"},
    "channel": {"ck_channel_kind": "kind IN ('lead_source', 'agent')",
                "ck_channel_commission_basis": "commission_basis IN ('fee', 'disbursed')"},
    "contract_counter": {"ck_contract_counter_kind": "kind IN ('loan', 'service', 'credit_authorization')"},
    "funder": {"ck_funder_kind": "kind IN ('bank', 'consumer_finance', 'micro_lender', 'trust')"},
    "repayment_method": {"ck_repayment_method_code": "code IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')"},
    "loan_product": {"ck_loan_product_day_count": "day_count IN ('30/360', 'actual/360', 'actual/365')",
                     "ck_loan_product_fee_due": "fee_due IN ('approval', 'disbursement')",
                     "ck_loan_product_allocation_strategy": "allocation_strategy IN ('vertical', 'horizontal')",
                     "ck_loan_product_settlement_interest": "settlement_interest IN ('to_date', 'full_period')"},
    "staff": {"ck_staff_commission_basis": "commission_basis IN ('fee', 'disbursed')"},
    "contract_template": {"ck_contract_template_kind": "kind IN ('loan', 'service', 'credit_authorization')"},
    "customer": {"ck_customer_kind": "kind IN ('person', 'enterprise')",
                 "ck_customer_credit_report_status": "credit_report_status IN ('none', 'clean', 'minor', 'serious')",
                 "ck_customer_status": "status IN ('lead', 'active', 'blacklisted')"},
    "application": {"ck_application_method": "method IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')",
                    "ck_application_state": "state IN ('draft', 'submitted', 'scoring', 'under_review', 'approved', 'rejected', 'withdrawn', 'contracted', 'disbursed', 'repaying', 'settled', 'overdue', 'written_off')"},
    "credit_assessment": {"ck_credit_assessment_recommendation": "recommendation IN ('approve', 'review', 'reject')"},
    "decision": {"ck_decision_outcome": "outcome IN ('approve', 'reject', 'return')",
                 "ck_decision_method": "method IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')"},
    "document": {"ck_document_kind": "kind IN ('id_card', 'income_proof', 'bank_statement', 'credit_report', 'property', 'business_licence', 'signed_contract', 'consent', 'other')"},
    "loan": {"ck_loan_method": "method IN ('equal_installment', 'equal_principal', 'interest_only', 'bullet')",
             "ck_loan_day_count": "day_count IN ('30/360', 'actual/360', 'actual/365')",
             "ck_loan_state": "state IN ('pending', 'active', 'overdue', 'settled', 'written_off')",
             "ck_loan_allocation_strategy": "allocation_strategy IN ('vertical', 'horizontal')",
             "ck_loan_settlement_interest": "settlement_interest IN ('to_date', 'full_period')"},
    "consent": {"ck_consent_scope": "scope IN ('sensitive_data', 'credit_query')"},
    "contract": {"ck_contract_kind": "kind IN ('loan', 'service', 'credit_authorization')",
                 "ck_contract_state": "state IN ('draft', 'issued', 'signed', 'settled', 'void')"},
    "installment": {"ck_installment_state": "state IN ('due', 'partial', 'paid', 'overdue', 'written_off', 'cancelled')"},
    "repayment": {"ck_repayment_prepayment": "prepayment IN ('shorten_term', 'lower_installment')"},
    "service_fee": {"ck_service_fee_basis": "basis IN ('percent_approved', 'percent_disbursed', 'fixed')",
                    "ck_service_fee_due_on_event": "due_on_event IN ('approval', 'disbursement')",
                    "ck_service_fee_state": "state IN ('charged', 'received', 'refunded')"},
    "commission": {"ck_commission_basis": "basis IN ('fee', 'disbursed')",
                   "ck_commission_state": "state IN ('pending', 'payable', 'paid', 'clawed_back')"},
    "follow_up": {"ck_follow_up_method": "method IN ('phone', 'wechat', 'visit', 'sms', 'email')",
                  "ck_follow_up_outcome": "outcome IN ('promised', 'paid', 'no_answer', 'refused', 'wrong_number', 'other')"},
    "reminder": {"ck_reminder_channel": "channel IN ('sms', 'email')",
                 "ck_reminder_kind": "kind IN ('before_due', 'overdue')",
                 "ck_reminder_state": "state IN ('queued', 'sent', 'failed', 'cancelled')"},
    "repayment_allocation": {"ck_repayment_allocation_part": "part IN ('penalty', 'fee', 'interest', 'principal', 'credit')"},
}
NEW_COLUMN_CHECKS = ("ck_loan_product_allocation_strategy", "ck_loan_product_settlement_interest",
                     "ck_staff_commission_basis", "ck_staff_commission_rate",
                     "ck_loan_allocation_strategy", "ck_loan_settlement_interest",
                     "ck_repayment_prepayment", "ck_follow_up_outcome",
                     "ck_commission_base_amount_non_negative")


def _ensure_coded_checks():
    inspector = sa.inspect(op.get_bind())
    for table, checks in CODED_CHECKS.items():
        present = {c["name"] for c in inspector.get_check_constraints(table)}
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, sqltext in checks.items():
                if name == "ck_installment_state" and name in present:
                    batch_op.drop_constraint(op.f(name), type_="check")
                    present.discard(name)
                if name not in present:
                    batch_op.create_check_constraint(op.f(name), sqltext)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Rebuilding a table in SQLite drops its triggers: keep the audit log append-only.
        triggers = {r[0] for r in bind.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        for event in ("UPDATE", "DELETE"):
            if f"audit_log_no_{event.lower()}" not in triggers:
                op.execute(f"""CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event}
                               ON audit_log BEGIN
                               SELECT RAISE(ABORT, 'audit_log is append-only'); END""")


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=32), nullable=False),
    sa.Column('run_date', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=32), server_default='running', nullable=False),
    sa.CheckConstraint("state IN ('running', 'done', 'failed')", name=op.f('ck_job_run_state')),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('last_key', sa.Integer(), nullable=False),
    sa.Column('stats', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('job', 'run_date', name=op.f('uq_job_run_job_run_date'))
    )
    op.create_table('commission_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=32), server_default='draft', nullable=False),
    sa.CheckConstraint("state IN ('draft', 'confirmed')", name=op.f('ck_commission_batch_state')),
    sa.Column('total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('payable_until', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.CheckConstraint('total >= 0', name=op.f('ck_commission_batch_total_non_negative')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['staff.id'], name=op.f('fk_commission_batch_confirmed_by_id_staff')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_commission_batch_created_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commission_batch')),
    sa.UniqueConstraint('number', name=op.f('uq_commission_batch_number'))
    )
    op.create_table('reminder_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('sender', sa.String(length=32), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], name=op.f('fk_reminder_attempt_reminder_id_reminder')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_attempt'))
    )
    with op.batch_alter_table('reminder_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_attempt_reminder_id'), ['reminder_id'], unique=False)

    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_amount', sa.Numeric(precision=18, scale=2), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('settle_days', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('clawed_back_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('clawback_reason', sa.String(length=255), nullable=True))
        batch_op.drop_index(batch_op.f('ix_commission_batch_ref'))
        batch_op.create_index(batch_op.f('ix_commission_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_commission_batch_id_commission_batch'), 'commission_batch', ['batch_id'], ['id'])
        batch_op.drop_column('batch_ref')
        batch_op.create_check_constraint(op.f('ck_commission_base_amount_non_negative'),
                                         'base_amount >= 0')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.add_column(sa.Column('installment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f('ix_follow_up_installment_id'), ['installment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_follow_up_installment_id_installment'), 'installment', ['installment_id'], ['id'])

    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allocation_order', sa.String(length=64), server_default='penalty,fee,interest,principal', nullable=False))
        batch_op.add_column(sa.Column('allocation_strategy', sa.String(length=32), server_default='vertical', nullable=False))
        batch_op.add_column(sa.Column('settlement_interest', sa.String(length=32), server_default='to_date', nullable=False))

    with op.batch_alter_table('loan_product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allocation_order', sa.String(length=64), server_default='penalty,fee,interest,principal', nullable=False))
        batch_op.add_column(sa.Column('allocation_strategy', sa.String(length=32), server_default='vertical', nullable=False))
        batch_op.add_column(sa.Column('settlement_interest', sa.String(length=32), server_default='to_date', nullable=False))

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('repayment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prepayment', sa.String(length=32), nullable=True))

    with op.batch_alter_table('repayment_allocation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applied_on', sa.Date(), nullable=True))

    with op.batch_alter_table('service_fee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refund_amount', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('refund_reason', sa.String(length=255), nullable=True))

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission_basis', sa.String(length=32), server_default='fee', nullable=False))
        batch_op.add_column(sa.Column('commission_rate', sa.Numeric(precision=12, scale=6), server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_staff_commission_rate'),
                                         'commission_rate >= 0 AND commission_rate <= 1')

    _ensure_coded_checks()

    # ### end Alembic commands ###


def downgrade():
    inspector = sa.inspect(op.get_bind())
    for table in ("loan_product", "staff", "loan", "repayment", "follow_up", "commission"):
        present = {c["name"] for c in inspector.get_check_constraints(table)}
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in NEW_COLUMN_CHECKS:
                if name in present:
                    batch_op.drop_constraint(op.f(name), type_="check")
    with op.batch_alter_table('installment', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_installment_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_installment_state'), "state IN ('due', 'partial', 'paid', 'overdue', 'written_off')")

    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_column('commission_rate')
        batch_op.drop_column('commission_basis')

    with op.batch_alter_table('service_fee', schema=None) as batch_op:
        batch_op.drop_column('refund_reason')
        batch_op.drop_column('refund_amount')

    with op.batch_alter_table('repayment', schema=None) as batch_op:
        batch_op.drop_column('prepayment')

    with op.batch_alter_table('repayment_allocation', schema=None) as batch_op:
        batch_op.drop_column('applied_on')

    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_column('next_attempt_at')

    with op.batch_alter_table('loan_product', schema=None) as batch_op:
        batch_op.drop_column('settlement_interest')
        batch_op.drop_column('allocation_strategy')
        batch_op.drop_column('allocation_order')

    with op.batch_alter_table('loan', schema=None) as batch_op:
        batch_op.drop_column('settlement_interest')
        batch_op.drop_column('allocation_strategy')
        batch_op.drop_column('allocation_order')

    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_follow_up_installment_id_installment'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_follow_up_installment_id'))
        batch_op.drop_column('outcome')
        batch_op.drop_column('installment_id')

    with op.batch_alter_table('commission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_ref', sa.VARCHAR(length=32), nullable=True))
        batch_op.drop_constraint(batch_op.f('fk_commission_batch_id_commission_batch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_commission_batch_id'))
        batch_op.create_index(batch_op.f('ix_commission_batch_ref'), ['batch_ref'], unique=False)
        batch_op.drop_column('clawback_reason')
        batch_op.drop_column('clawed_back_on')
        batch_op.drop_column('batch_id')
        batch_op.drop_column('settle_days')
        batch_op.drop_column('base_amount')

    with op.batch_alter_table('reminder_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_attempt_reminder_id'))

    op.drop_table('reminder_attempt')
    op.drop_table('commission_batch')
    op.drop_table('job_run')
    # ### end Alembic commands ###

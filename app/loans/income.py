"""The firm's own income on a loan: its service fee (居间服务费) received or refunded under the
contract's rule, and the commissions paid out of it to channels and staff — made at
disbursement by each payee's rule (basis, rate, base amount, T+N kept on the row), payable
when the fee is received, clawed back on a refund, an early settlement within the payee's
window or a first-installment default, and paid in batches finance confirms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from app.audit import record
from app.domain.i18n import N_
from app.extensions import db
from app.firm.settings import firm_setting_int
from app.inputs import load
from app.models import Commission, CommissionBatch, Loan, ServiceFee
from app.models.base import utcnow
from app.models.enums import BatchState, CommissionBasis, CommissionState, ServiceFeeState

from . import business_today
from .common import LoanRefused, check, money, step
from .inputs import BatchConfirmInput, BatchGatherInput, FeeReceiptInput, FeeRefundInput


# -- service fees ----------------------------------------------------------------------------
def receive_fee(fee: ServiceFee, data: dict, today: dt.date | None = None) -> ServiceFee:
    today = today or business_today()
    values, errs = load(FeeReceiptInput(), data)
    on = values.get("received_on")
    if on is not None and on > today:
        errs.add("received_on", N_("The date cannot be in the future."))
    check(errs)
    with step():
        if fee.state != ServiceFeeState.CHARGED:
            raise LoanRefused(gettext("Only a charged fee can be received."))
        fee.state, fee.received_on = "received", on
        for commission in fee_commissions(fee):
            if commission.state == CommissionState.PENDING:
                commission.state = "payable"
                commission.payable_on = on + dt.timedelta(days=commission.settle_days)
        record("transition", "service_fee", fee.id, {"to": "received",
                                                     "received_on": on.isoformat()})
    return fee


def refund_fee(fee: ServiceFee, data: dict, today: dt.date | None = None) -> ServiceFee:
    """Refund all or part of a received fee under its rule; commissions on it are clawed
    back (one already paid out is marked so, with the date, for finance to recover)."""
    today = today or business_today()
    values, errs = load(FeeRefundInput(), data)
    amount, on = values.get("refund_amount"), values.get("refunded_on")
    reason = values.get("refund_reason")
    if amount is not None and amount > fee.amount:
        errs.add("refund_amount", N_("At most the fee, %(amount)s."),
                 amount=f"{fee.amount:,.2f}")
    if on is not None and on > today:
        errs.add("refunded_on", N_("The date cannot be in the future."))
    check(errs)
    with step():
        if fee.state != ServiceFeeState.RECEIVED:
            raise LoanRefused(gettext("Only a received fee can be refunded."))
        fee.state, fee.refunded_on = "refunded", on
        fee.refund_amount, fee.refund_reason = amount, reason
        for commission in fee_commissions(fee):
            _claw(commission, on, gettext("Service fee refunded: %(reason)s", reason=reason))
        record("transition", "service_fee", fee.id,
               {"to": "refunded", "amount": str(amount)}, purpose=reason)
    return fee


# -- commissions -----------------------------------------------------------------------------
def fee_commissions(fee: ServiceFee) -> list[Commission]:
    return list(db.session.scalars(select(Commission).where(
        Commission.service_fee_id == fee.id)))


def create_commissions(loan: Loan, fee: ServiceFee | None) -> list[Commission]:
    """The channel's and the salesperson's commissions on a loan just disbursed, each with
    the rule that made it (basis, rate, base amount) so every figure is traceable."""
    made = []
    application = loan.application
    received = fee is not None and fee.state == ServiceFeeState.RECEIVED
    payees = []
    channel = application.channel if application is not None else None
    if channel is not None and channel.commission_rate > 0:
        payees.append(({"channel": channel}, channel.commission_basis,
                       channel.commission_rate, channel.settle_days))
    owner = loan.owner
    if owner is not None and owner.commission_rate and owner.commission_rate > 0:
        payees.append(({"staff": owner}, owner.commission_basis, owner.commission_rate,
                       firm_setting_int("commission.staff_settle_days", 30, minimum=0)))
    for payee, basis, rate, settle_days in payees:
        base = (fee.amount if fee is not None else Decimal(0)) if basis == CommissionBasis.FEE \
            else loan.disbursed_amount
        commission = Commission(
            loan=loan, service_fee=fee, basis=basis, rate=rate, base_amount=base,
            amount=money(base * rate), settle_days=settle_days,
            state="payable" if received else "pending",
            payable_on=(fee.received_on + dt.timedelta(days=settle_days)) if received
            else None, **payee)
        db.session.add(commission)
        made.append(commission)
    return made


def _claw(commission: Commission, on: dt.date, reason: str) -> None:
    if commission.state == CommissionState.CLAWED_BACK:
        return
    commission.state, commission.clawed_back_on = "clawed_back", on
    commission.clawback_reason = reason[:255]
    record("transition", "commission", commission.id,
           {"to": "clawed_back", "paid_before": commission.paid_on is not None},
           purpose=reason[:255])


def clawback_early_settlement(loan: Loan) -> None:
    """Early settlement within the payee's clawback window takes the commission back."""
    if loan.disbursed_on is None or loan.settled_on is None:
        return
    days = (loan.settled_on - loan.disbursed_on).days
    staff_window = firm_setting_int("commission.staff_clawback_days", 90, minimum=0)
    for commission in db.session.scalars(select(Commission).where(
            Commission.loan_id == loan.id, Commission.state != CommissionState.CLAWED_BACK)):
        window = commission.channel.clawback_days if commission.channel else staff_window
        if days <= window:
            _claw(commission, loan.settled_on, gettext(
                "Settled early, %(days)s days after disbursement (within %(window)s days).",
                days=days, window=window))


def clawback_first_default(loan: Loan, on: dt.date, days: int) -> None:
    for commission in db.session.scalars(select(Commission).where(
            Commission.loan_id == loan.id, Commission.state != CommissionState.CLAWED_BACK)):
        _claw(commission, on, gettext(
            "First installment unpaid %(days)s days after its due date.", days=days))


def create_batch(until: Any, created_by=None, today: dt.date | None = None) -> CommissionBatch:
    """Gather the commissions payable by ``until`` into a batch awaiting finance's
    confirmation."""
    today = today or business_today()
    values, errs = load(BatchGatherInput(), {"payable_until": until})
    check(errs)
    day = values["payable_until"]
    with step():
        payable = list(db.session.scalars(select(Commission).where(
            Commission.state == CommissionState.PAYABLE, Commission.payable_on <= day,
            Commission.batch_id.is_(None)).order_by(Commission.id)))
        if not payable:
            raise LoanRefused(gettext("No commission is payable by %(date)s.",
                                      date=day.isoformat()))
        count = db.session.scalar(select(func.count(CommissionBatch.id))) or 0
        batch = CommissionBatch(number=f"CB{today:%Y%m%d}{count + 1:04d}", state="draft",
                                payable_until=day, created_by=created_by,
                                total=sum((c.amount for c in payable), Decimal(0)))
        db.session.add(batch)
        for commission in payable:
            commission.batch = batch
        db.session.flush()
        record("create", "commission_batch", batch.id,
               {"number": batch.number, "count": len(payable), "total": str(batch.total)})
    return batch


def confirm_batch(batch: CommissionBatch, paid_on: Any, confirmed_by=None,
                  today: dt.date | None = None) -> CommissionBatch:
    today = today or business_today()
    values, errs = load(BatchConfirmInput(), {"paid_on": paid_on})
    day = values.get("paid_on")
    if day is not None and day > today:
        errs.add("paid_on", N_("The date cannot be in the future."))
    check(errs)
    with step():
        if batch.state != BatchState.DRAFT:
            raise LoanRefused(gettext("This batch is already confirmed."))
        total = Decimal(0)
        for commission in batch.commissions:
            if commission.state == CommissionState.PAYABLE:
                commission.state, commission.paid_on = "paid", day
                total += commission.amount
            else:  # clawed back while the batch waited: not paid
                commission.batch = None
        batch.state, batch.paid_on, batch.total = "confirmed", day, total
        batch.confirmed_by, batch.confirmed_at = confirmed_by, utcnow()
        record("transition", "commission_batch", batch.id,
               {"to": "confirmed", "total": str(total), "paid_on": day.isoformat()})
    return batch

"""The business actions on loans after approval.  Each one checks its input (a translated
message per field), takes the loan's row lock, changes, audits and commits as one; a refusal
or a failure rolls back everything it did.

* ``book`` — a loan from an approved application (the terms the reviewer approved);
* ``disburse`` — the funder paid out: installments stored from the schedule engine;
* ``post_repayment`` / ``reverse`` — money in (idempotent) and its correction;
* ``write_off`` — a loan given up on;
* service fees (``receive_fee``, ``refund_fee``) and commissions (created at disbursement,
  payable when the fee is received, clawed back on early settlement or a first-installment
  default, paid in batches finance confirms: ``create_batch``, ``confirm_batch``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from app.audit import record
from app.domain import DomainError, ErrorCollector
from app.domain.i18n import N_
from app.domain.schedule import Fee
from app.errors import field_errors
from app.extensions import db
from app.models import (
    Application,
    Commission,
    CommissionBatch,
    FirmSetting,
    Loan,
    Repayment,
    ServiceFee,
)
from app.models.base import utcnow
from app.models.enums import PrepaymentMode
from app.quotes.parse import _choice, _date, _decimal
from app.quotes.pricing import price

from . import business_today
from .ledger import Ledger, credit_total, live_repayments, loan_terms, rebuild, store_schedule

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(100000000)
# How money arrives; the codes are stable, people see the labels.
PAYMENT_CHANNELS = {"bank_transfer": N_("Bank transfer"), "card_deduction": N_("Card debit"),
                    "wechat": N_("WeChat Pay"), "alipay": N_("Alipay"), "cash": N_("Cash")}
# Application state that follows from the loan's (the application's later states mirror it).
APPLICATION_STATE = {"active": "repaying", "overdue": "overdue", "settled": "settled",
                     "written_off": "written_off"}


class LoanRefused(Exception):
    """A refused action: a message for the page, and per-field messages for forms/API."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


def _refuse(error: DomainError) -> LoanRefused:
    return LoanRefused(gettext("Please correct the errors below."), field_errors(error))


def _one(field: str, msgid: str, **params) -> LoanRefused:
    return _refuse(DomainError.single(field, msgid, **params))


def setting(key: str, default: str) -> str:
    value = db.session.scalar(select(FirmSetting.value).where(FirmSetting.key == key))
    return value.strip() if value and value.strip() else default


def int_setting(key: str, default: int) -> int:
    try:
        return max(0, int(setting(key, str(default))))
    except ValueError:
        return default


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _lock(loan: Loan) -> None:
    """Serialise every change to one loan: a row lock on PostgreSQL, the write lock on
    SQLite.  Everything read after this is current."""
    db.session.execute(update(Loan).where(Loan.id == loan.id).values(updated_at=utcnow()))
    db.session.expire_all()


def _sync_application(loan: Loan) -> None:
    application = loan.application
    target = APPLICATION_STATE.get(loan.state)
    if application is not None and target and application.state != target:
        record("transition", "application", application.id,
               {"from": application.state, "to": target, "loan": loan.number})
        application.state = target


def _amount(value: Any, field: str, errs: ErrorCollector) -> Decimal | None:
    amount = _decimal(value, field, errs)
    if amount is None:
        return None
    if amount <= 0:
        errs.add(field, N_("The amount must be greater than 0."))
    elif amount != amount.quantize(CENT):
        errs.add(field, N_("The amount must have at most 2 decimal places."))
    elif amount > MAX_AMOUNT:
        errs.add(field, N_("The amount is too large."))
    else:
        return amount
    return None


def _text(value: Any, field: str, errs: ErrorCollector, *, limit: int,
          required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errs.add(field, N_("This field is required."))
        return None
    if not isinstance(value, str):
        errs.add(field, N_("Enter text."))
        return None
    text = value.strip()
    if len(text) > limit:
        errs.add(field, N_("At most %(n)s characters."), n=limit)
        return None
    if any(ord(c) < 32 for c in text):
        errs.add(field, N_("Control characters are not allowed."))
        return None
    return text


# -- booking and disbursement ----------------------------------------------------------------
def fee_for(product, amount: Decimal) -> tuple[str, Decimal | None, Decimal]:
    """The product's service fee rule applied to ``amount``: (basis, rate, amount)."""
    if product.service_fee_rate and product.service_fee_rate > 0:
        basis = "percent_approved" if product.fee_due == "approval" else "percent_disbursed"
        return basis, product.service_fee_rate, _money(
            amount * product.service_fee_rate) + (product.service_fee_fixed or 0)
    return "fixed", None, _money(product.service_fee_fixed or Decimal(0))


def book(application: Application) -> Loan:
    """A pending loan on the approved terms, with its service fee charged per the product."""
    if application.state not in ("approved", "contracted"):
        raise LoanRefused(gettext("Only an approved application can become a loan."))
    if db.session.scalar(select(Loan.id).where(Loan.application_id == application.id)):
        raise LoanRefused(gettext("This application already has a loan."))
    decision = next((d for d in sorted(application.decisions, key=lambda d: d.id,
                                       reverse=True) if d.outcome == "approve"), None)
    product = application.product
    if decision is None or product is None:
        raise LoanRefused(gettext("The approval decision or the product is missing."))
    today = business_today()
    try:
        loan = Loan(
            number="LN" + application.number.removeprefix("AP"), application=application,
            customer=application.customer, product=product, funder=product.funder,
            principal=decision.approved_amount, annual_rate=decision.approved_rate,
            months=decision.approved_months, method=decision.method or application.method,
            day_count=product.day_count, grace_months=product.grace_months,
            overdue_rate=product.overdue_rate, start_date=today, state="pending",
            outstanding_principal=Decimal(0),
            allocation_order=product.allocation_order,
            allocation_strategy=product.allocation_strategy,
            settlement_interest=product.settlement_interest,
            owner_id=application.owner_id, team_id=application.team_id,
            branch_id=application.branch_id)
        db.session.add(loan)
        basis, rate, amount = fee_for(product, loan.principal)
        fee = ServiceFee(application=application, loan=loan, basis=basis, rate=rate,
                         amount=amount, due_on_event=product.fee_due,
                         due_date=today if product.fee_due == "approval" else None,
                         state="charged", refund_rule=gettext(
                             "If the loan is not disbursed, the service fee is refunded "
                             "in full."))
        if amount > 0:
            db.session.add(fee)
        loan.apr = price(_terms_with_fee(loan, today, amount)).apr.apr
        db.session.flush()
        record("create", "loan", loan.id, {"number": loan.number,
                                           "application": application.number})
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _refuse(error) from None
    except BaseException:
        db.session.rollback()
        raise
    return loan


def _terms_with_fee(loan: Loan, start: dt.date, fee: Decimal):
    terms = loan_terms(loan, start, loan.first_due_date)
    return replace(terms, fees=(Fee(kind="upfront", amount=fee),)) if fee > 0 else terms


def disburse(loan: Loan, data: dict, today: dt.date | None = None) -> Loan:
    """Record the funder's payout; the loan becomes active with its stored schedule."""
    today = today or business_today()
    errs = ErrorCollector()
    on = _date(data.get("disbursed_on"), "disbursed_on", errs)
    amount = _amount(data.get("amount"), "amount", errs)
    reference = _text(data.get("funder_reference"), "funder_reference", errs, limit=64,
                      required=True)
    first_due = _date(data.get("first_due_date"), "first_due_date", errs, required=False)
    if on is not None and on > today:
        errs.add("disbursed_on", N_("The date cannot be in the future."))
    if amount is not None and amount != loan.principal:
        errs.add("amount", N_("The amount disbursed must be the loan principal %(amount)s."),
                 amount=f"{loan.principal:,.2f}")
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    try:
        _lock(loan)
        if loan.state != "pending":
            raise LoanRefused(gettext("This loan has already been disbursed."))
        application = loan.application
        if application is not None and application.state != "contracted":
            raise LoanRefused(gettext(
                "Disbursement needs a contracted application: issue the loan contract "
                "first."))
        if application is not None and application.decided_at and \
                on < application.decided_at.date():
            raise _one("disbursed_on", N_("The loan cannot be disbursed before it was "
                                          "approved."))
        loan.disbursed_on, loan.disbursed_amount = on, amount
        loan.funder_reference, loan.start_date = reference, on
        if first_due is not None:
            loan.first_due_date = first_due
        elif loan.first_due_date is not None and loan.first_due_date <= on:
            loan.first_due_date = None
        store_schedule(loan)
        fee = _fee_of(loan)
        if fee is not None and fee.due_on_event == "disbursement":
            fee.due_date = on
        loan.apr = price(_terms_with_fee(loan, on, fee.amount if fee else Decimal(0))
                         ).apr.apr
        loan.state, loan.outstanding_principal = "active", loan.principal
        create_commissions(loan, fee)
        if application is not None:
            for target in ("disbursed", "repaying"):
                record("transition", "application", application.id,
                       {"from": application.state, "to": target, "loan": loan.number})
                application.state = target
        record("transition", "loan", loan.id, {"from": "pending", "to": "active",
                                               "disbursed_on": on.isoformat(),
                                               "amount": str(amount)})
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _refuse(error) from None
    except BaseException:
        db.session.rollback()
        raise
    return loan


def _fee_of(loan: Loan) -> ServiceFee | None:
    return db.session.scalar(select(ServiceFee).where(ServiceFee.loan_id == loan.id)
                             .order_by(ServiceFee.id).limit(1))


# -- repayments ------------------------------------------------------------------------------
def _existing(loan: Loan, key: str | None, reference: str | None) -> Repayment | None:
    if key:
        found = db.session.scalar(select(Repayment).where(Repayment.idempotency_key == key))
        if found is not None:
            return found
    if reference:
        return db.session.scalar(select(Repayment).where(Repayment.loan_id == loan.id,
                                                         Repayment.reference == reference))
    return None


def _same_payment(found: Repayment, loan: Loan, amount: Decimal) -> Repayment:
    if found.loan_id != loan.id or found.amount != amount:
        raise _one("idempotency_key", N_(
            "This key or reference was already used for a different payment (%(amount)s on "
            "loan %(loan)s)."), amount=f"{found.amount:,.2f}", loan=found.loan.number)
    return found


def parse_repayment(data: dict, today: dt.date) -> dict:
    errs = ErrorCollector()
    if not isinstance(data, dict):
        raise _one("amount", N_("Send a JSON object."))
    unknown = set(data) - {"amount", "paid_on", "reference", "idempotency_key", "channel",
                           "prepayment"}
    for field in sorted(unknown):
        errs.add(field, N_("Unknown field."))
    values = {
        "amount": _amount(data.get("amount"), "amount", errs),
        "paid_on": _date(data.get("paid_on"), "paid_on", errs),
        "reference": _text(data.get("reference"), "reference", errs, limit=64),
        "idempotency_key": _text(data.get("idempotency_key"), "idempotency_key", errs,
                                 limit=64),
        "channel": _text(data.get("channel"), "channel", errs, limit=32) or "bank_transfer",
        "prepayment": (_choice(data.get("prepayment"), "prepayment", PrepaymentMode, errs,
                               default="") or None) if data.get("prepayment") else None,
    }
    if values["channel"] not in PAYMENT_CHANNELS:
        errs.add("channel", N_("Choose one of: %(choices)s."),
                 choices=", ".join(PAYMENT_CHANNELS))
    if values["paid_on"] is not None and values["paid_on"] > today:
        errs.add("paid_on", N_("The date cannot be in the future."))
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    if values["prepayment"] is not None:
        values["prepayment"] = str(values["prepayment"])
    return values


def post_repayment(loan: Loan, data: dict, recorded_by=None,
                   today: dt.date | None = None) -> tuple[Repayment, bool]:
    """Post a repayment; returns (repayment, created).  The same payment posted again (same
    idempotency key, or the same reference on the loan) returns the first posting."""
    today = today or business_today()
    values = parse_repayment(data, today)
    loan_id = loan.id
    try:
        _lock(loan)
        loan = db.session.get(Loan, loan_id)
        found = _existing(loan, values["idempotency_key"], values["reference"])
        if found is not None:
            result = _same_payment(found, loan, values["amount"])
            db.session.rollback()
            return db.session.get(Repayment, result.id), False
        if loan.state not in ("active", "overdue"):
            raise LoanRefused(gettext("Repayments are posted only on loans being repaid "
                                      "(this one: %(state)s).", state=_state_label(loan)))
        if values["paid_on"] < loan.disbursed_on:
            raise _one("paid_on", N_("The date is before the disbursement (%(date)s)."),
                       date=loan.disbursed_on.isoformat())
        was_settled = loan.state == "settled"
        live = live_repayments(loan)
        rep = Repayment(loan=loan, recorded_by=recorded_by, **values)
        db.session.add(rep)
        if live and values["paid_on"] < max(r.paid_on for r in live):
            db.session.flush()
            rebuild(loan, today)  # backdated: apply everything again in date order
        else:
            ledger = Ledger(loan)
            ledger.post(rep, live)
            ledger.apply_credit(live + [rep], today)
            ledger.refresh(today)
            db.session.flush()
            loan.customer_credit = credit_total(loan)
        _after_change(loan, was_settled, today)
        db.session.flush()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _refuse(error) from None
    except IntegrityError:
        # Another request posted the same payment at the same moment: it won.
        db.session.rollback()
        loan = db.session.get(Loan, loan_id)
        found = _existing(loan, values["idempotency_key"], values["reference"])
        if found is None:
            raise
        return _same_payment(found, loan, values["amount"]), False
    except BaseException:
        db.session.rollback()
        raise
    return rep, True


def _state_label(loan: Loan) -> str:
    from app.models.enums import LoanState

    return str(LoanState(loan.state).label)


def _after_change(loan: Loan, was_settled: bool, today: dt.date) -> None:
    _sync_application(loan)
    if loan.state == "settled" and not was_settled:
        record("transition", "loan", loan.id, {"to": "settled",
                                               "settled_on": str(loan.settled_on)})
        last_due = max((r.due_date for r in loan.installments if r.state != "cancelled"),
                       default=loan.settled_on)
        if loan.settled_on and loan.settled_on < last_due:
            clawback_early_settlement(loan)


def reverse(rep: Repayment, reason: Any, today: dt.date | None = None) -> Repayment:
    """Undo a mistaken repayment by a reversing entry; the loan's allocations are replayed."""
    today = today or business_today()
    errs = ErrorCollector()
    text = _text(reason, "reason", errs, limit=500, required=True)
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    rep_id, loan = rep.id, rep.loan
    try:
        _lock(loan)
        rep = db.session.get(Repayment, rep_id)
        loan = rep.loan
        if rep.amount <= 0:
            raise LoanRefused(gettext("A reversal cannot itself be reversed."))
        if db.session.scalar(select(Repayment.id).where(Repayment.reversal_of_id == rep.id)):
            raise LoanRefused(gettext("This repayment has already been reversed."))
        if loan.state == "written_off":
            raise LoanRefused(gettext("The loan is written off: its repayments are kept as "
                                      "they are."))
        was_settled = loan.state == "settled"
        mirror = Repayment(loan=loan, paid_on=today, amount=-rep.amount, channel=rep.channel,
                           reversal_of=rep, reason=text)
        db.session.add(mirror)
        with db.session.no_autoflush:
            for allocation in rep.allocations:
                mirror.allocations.append(type(allocation)(
                    installment_id=allocation.installment_id, part=allocation.part,
                    amount=-allocation.amount, applied_on=today))
        db.session.flush()
        rebuild(loan, today)
        db.session.flush()
        loan.customer_credit = credit_total(loan)
        _sync_application(loan)
        if was_settled and loan.state != "settled":
            record("transition", "loan", loan.id, {"from": "settled", "to": loan.state,
                                                   "reversal": mirror.id})
        _after_change(loan, was_settled, today)
        record("transition", "repayment", rep.id, {"reversed_by": mirror.id}, purpose=text)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _refuse(error) from None
    except IntegrityError:
        db.session.rollback()
        raise LoanRefused(gettext("This repayment has already been reversed.")) from None
    except BaseException:
        db.session.rollback()
        raise
    return mirror


def write_off(loan: Loan, reason: Any, today: dt.date | None = None) -> Loan:
    today = today or business_today()
    errs = ErrorCollector()
    text = _text(reason, "reason", errs, limit=500, required=True)
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    try:
        _lock(loan)
        loan = db.session.get(Loan, loan.id)
        if loan.state not in ("active", "overdue"):
            raise LoanRefused(gettext("Only a loan being repaid can be written off."))
        Ledger(loan).refresh(today)
        for row in loan.installments:
            if row.state not in ("paid", "cancelled"):
                row.state = "written_off"
        before, loan.state = loan.state, "written_off"
        record("transition", "loan", loan.id, {"from": before, "to": "written_off"},
               purpose=text)
        _sync_application(loan)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return loan


def balances(loan: Loan, today: dt.date | None = None) -> dict:
    """Outstanding principal / interest / penalty, days past due and bucket, as of today."""
    today = today or business_today()
    if loan.state == "pending":
        return {"outstanding_principal": Decimal("0.00"), "outstanding_interest": Decimal(0),
                "outstanding_fee": Decimal(0), "outstanding_penalty": Decimal(0),
                "scheduled_interest_remaining": Decimal(0), "days_past_due": 0,
                "bucket": "current", "customer_credit": loan.customer_credit,
                "payoff_amount": Decimal(0)}
    with db.session.no_autoflush:
        return Ledger(loan).balances(today, loan.customer_credit or Decimal(0))


# -- service fees ----------------------------------------------------------------------------
def receive_fee(fee: ServiceFee, data: dict, today: dt.date | None = None) -> ServiceFee:
    today = today or business_today()
    errs = ErrorCollector()
    on = _date(data.get("received_on"), "received_on", errs)
    if on is not None and on > today:
        errs.add("received_on", N_("The date cannot be in the future."))
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    try:
        if fee.state != "charged":
            raise LoanRefused(gettext("Only a charged fee can be received."))
        fee.state, fee.received_on = "received", on
        for commission in fee_commissions(fee):
            if commission.state == "pending":
                commission.state = "payable"
                commission.payable_on = on + dt.timedelta(days=commission.settle_days)
        record("transition", "service_fee", fee.id, {"to": "received",
                                                     "received_on": on.isoformat()})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return fee


def refund_fee(fee: ServiceFee, data: dict, today: dt.date | None = None) -> ServiceFee:
    """Refund all or part of a received fee under its rule; commissions on it are clawed
    back (one already paid out is marked so, with the date, for finance to recover)."""
    today = today or business_today()
    errs = ErrorCollector()
    amount = _amount(data.get("refund_amount"), "refund_amount", errs)
    on = _date(data.get("refunded_on"), "refunded_on", errs)
    reason = _text(data.get("refund_reason"), "refund_reason", errs, limit=255,
                   required=True)
    if amount is not None and amount > fee.amount:
        errs.add("refund_amount", N_("At most the fee, %(amount)s."),
                 amount=f"{fee.amount:,.2f}")
    if on is not None and on > today:
        errs.add("refunded_on", N_("The date cannot be in the future."))
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    try:
        if fee.state != "received":
            raise LoanRefused(gettext("Only a received fee can be refunded."))
        fee.state, fee.refunded_on = "refunded", on
        fee.refund_amount, fee.refund_reason = amount, reason
        for commission in fee_commissions(fee):
            _claw(commission, on, gettext("Service fee refunded: %(reason)s", reason=reason))
        record("transition", "service_fee", fee.id,
               {"to": "refunded", "amount": str(amount)}, purpose=reason)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
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
    received = fee is not None and fee.state == "received"
    payees = []
    channel = application.channel if application is not None else None
    if channel is not None and channel.commission_rate > 0:
        payees.append(({"channel": channel}, channel.commission_basis,
                       channel.commission_rate, channel.settle_days))
    owner = loan.owner
    if owner is not None and owner.commission_rate and owner.commission_rate > 0:
        payees.append(({"staff": owner}, owner.commission_basis, owner.commission_rate,
                       int_setting("commission.staff_settle_days", 30)))
    for payee, basis, rate, settle_days in payees:
        base = (fee.amount if fee is not None else Decimal(0)) if basis == "fee" \
            else loan.disbursed_amount
        commission = Commission(
            loan=loan, service_fee=fee, basis=basis, rate=rate, base_amount=base,
            amount=_money(base * rate), settle_days=settle_days,
            state="payable" if received else "pending",
            payable_on=(fee.received_on + dt.timedelta(days=settle_days)) if received
            else None, **payee)
        db.session.add(commission)
        made.append(commission)
    return made


def _claw(commission: Commission, on: dt.date, reason: str) -> None:
    if commission.state == "clawed_back":
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
    staff_window = int_setting("commission.staff_clawback_days", 90)
    for commission in db.session.scalars(select(Commission).where(
            Commission.loan_id == loan.id, Commission.state != "clawed_back")):
        window = commission.channel.clawback_days if commission.channel else staff_window
        if days <= window:
            _claw(commission, loan.settled_on, gettext(
                "Settled early, %(days)s days after disbursement (within %(window)s days).",
                days=days, window=window))


def clawback_first_default(loan: Loan, on: dt.date, days: int) -> None:
    for commission in db.session.scalars(select(Commission).where(
            Commission.loan_id == loan.id, Commission.state != "clawed_back")):
        _claw(commission, on, gettext(
            "First installment unpaid %(days)s days after its due date.", days=days))


def create_batch(until: Any, created_by=None, today: dt.date | None = None) -> CommissionBatch:
    """Gather the commissions payable by ``until`` into a batch awaiting finance's
    confirmation."""
    today = today or business_today()
    errs = ErrorCollector()
    day = _date(until, "payable_until", errs)
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    try:
        payable = list(db.session.scalars(select(Commission).where(
            Commission.state == "payable", Commission.payable_on <= day,
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
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return batch


def confirm_batch(batch: CommissionBatch, paid_on: Any, confirmed_by=None,
                  today: dt.date | None = None) -> CommissionBatch:
    today = today or business_today()
    errs = ErrorCollector()
    day = _date(paid_on, "paid_on", errs)
    if day is not None and day > today:
        errs.add("paid_on", N_("The date cannot be in the future."))
    try:
        errs.raise_if_any()
    except DomainError as error:
        raise _refuse(error) from None
    try:
        if batch.state != "draft":
            raise LoanRefused(gettext("This batch is already confirmed."))
        total = Decimal(0)
        for commission in batch.commissions:
            if commission.state == "payable":
                commission.state, commission.paid_on = "paid", day
                total += commission.amount
            else:  # clawed back while the batch waited: not paid
                commission.batch = None
        batch.state, batch.paid_on, batch.total = "confirmed", day, total
        batch.confirmed_by, batch.confirmed_at = confirmed_by, utcnow()
        record("transition", "commission_batch", batch.id,
               {"to": "confirmed", "total": str(total), "paid_on": day.isoformat()})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return batch

"""The business actions on loans after approval.  Each one checks its input (a translated
message per field), takes the loan's row lock, changes, audits and commits as one; a refusal
or a failure rolls back everything it did.

* ``book`` — a loan from an approved application (the terms the reviewer approved);
* ``disburse`` — the funder paid out: installments stored from the schedule engine;
* ``post_repayment`` / ``reverse`` — money in (idempotent) and its correction;
* ``write_off`` — a loan given up on;
* ``balances`` — what a loan owes today.

Service fees and commissions are in ``income``; the shared checks and ``step()`` (the one
transaction every action runs in) in ``common``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit import record
from app.domain import DomainError
from app.domain.i18n import N_
from app.domain.money import ZERO
from app.domain.schedule import Fee
from app.domain.terms import service_fee
from app.extensions import db
from app.inputs import load
from app.intake.transitions import move
from app.models import Application, Loan, Repayment, ServiceFee
from app.models.base import utcnow
from app.models.enums import (
    ApplicationState,
    DecisionOutcome,
    FeeEvent,
    InstallmentState,
    LoanState,
)
from app.quotes.pricing import price

from . import business_today, statement
from .common import (  # LoanRefused: the screens and the API import it from here
    LoanRefused,
    check,
    refuse,
    refuse_field,
    step,
)
from .income import clawback_early_settlement, create_commissions
from .inputs import DisbursementInput, ReasonInput, RepaymentInput
from .ledger import Ledger, credit_total, live_repayments, loan_terms, rebuild, store_schedule

# Application state that follows from the loan's (the application's later states mirror it).
APPLICATION_STATE = {"active": "repaying", "overdue": "overdue", "settled": "settled",
                     "written_off": "written_off"}
# The permissions the actions are taken under (their screens and API check them), named
# when they move the loan's application (app/intake/transitions.py's move).
LOAN_WRITE, REPAYMENT_WRITE = ("Loan", "can_write"), ("Repayment", "can_write")


def _lock(loan: Loan) -> None:
    """Serialise every change to one loan: a row lock on PostgreSQL, the write lock on
    SQLite.  Everything read after this is current."""
    db.session.execute(update(Loan).where(Loan.id == loan.id).values(updated_at=utcnow()))
    db.session.expire_all()


def _sync_application(loan: Loan, allowed_by: tuple[str, str]) -> None:
    """The application follows its loan (repaying, overdue, settled, written off), moved
    under the permission of the action that moved the loan."""
    application = loan.application
    target = APPLICATION_STATE.get(loan.state)
    if application is not None and target and application.state != target:
        move(application, target, allowed_by=allowed_by, details={"loan": loan.number})


# -- booking and disbursement ----------------------------------------------------------------
def fee_for(product, amount: Decimal) -> tuple[str, Decimal | None, Decimal]:
    """The product's service fee rule applied to ``amount``: (basis, rate, amount)."""
    fee = service_fee(amount, product.service_fee_rate, product.service_fee_fixed)
    if product.service_fee_rate and product.service_fee_rate > 0:
        basis = ("percent_approved" if product.fee_due == FeeEvent.APPROVAL
                 else "percent_disbursed")
        return basis, product.service_fee_rate, fee
    return "fixed", None, fee


def book(application: Application) -> Loan:
    """A pending loan on the approved terms, with its service fee charged per the product."""
    if application.state not in (ApplicationState.APPROVED, ApplicationState.CONTRACTED):
        raise LoanRefused(gettext("Only an approved application can become a loan."))
    if db.session.scalar(select(Loan.id).where(Loan.application_id == application.id)):
        raise LoanRefused(gettext("This application already has a loan."))
    decision = next((d for d in sorted(application.decisions, key=lambda d: d.id,
                                       reverse=True) if d.outcome == DecisionOutcome.APPROVE), None)
    product = application.product
    if decision is None or product is None:
        raise LoanRefused(gettext("The approval decision or the product is missing."))
    today = business_today()
    with step():
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
            branch_id=application.branch_id, channel_id=application.channel_id)
        db.session.add(loan)
        basis, rate, amount = fee_for(product, loan.principal)
        fee = ServiceFee(application=application, loan=loan, basis=basis, rate=rate,
                         amount=amount, due_on_event=product.fee_due,
                         due_date=today if product.fee_due == FeeEvent.APPROVAL else None,
                         state="charged", refund_rule=gettext(
                             "If the loan is not disbursed, the service fee is refunded "
                             "in full."))
        if amount > 0:
            db.session.add(fee)
        loan.apr = price(_terms_with_fee(loan, today, amount)).apr.apr
        db.session.flush()
        record("create", "loan", loan.id, {"number": loan.number,
                                           "application": application.number})
    return loan


def _terms_with_fee(loan: Loan, start: dt.date, fee: Decimal):
    terms = loan_terms(loan, start, loan.first_due_date)
    return replace(terms, fees=(Fee(kind="upfront", amount=fee),)) if fee > 0 else terms


def disburse(loan: Loan, data: dict, today: dt.date | None = None) -> Loan:
    """Record the funder's payout; the loan becomes active with its stored schedule."""
    today = today or business_today()
    values, errs = load(DisbursementInput(), data)
    on, amount = values.get("disbursed_on"), values.get("amount")
    reference, first_due = values.get("funder_reference"), values.get("first_due_date")
    if on is not None and on > today:
        errs.add("disbursed_on", N_("The date cannot be in the future."))
    if amount is not None and amount != loan.principal:
        errs.add("amount", N_("The amount disbursed must be the loan principal %(amount)s."),
                 amount=f"{loan.principal:,.2f}")
    check(errs)
    with step():
        _lock(loan)
        if loan.state != LoanState.PENDING:
            raise LoanRefused(gettext("This loan has already been disbursed."))
        application = loan.application
        if application is not None and application.state != ApplicationState.CONTRACTED:
            raise LoanRefused(gettext(
                "Disbursement needs a contracted application: issue the loan contract "
                "first."))
        if application is not None and application.decided_at and \
                on < application.decided_at.date():
            raise refuse_field("disbursed_on", N_("The loan cannot be disbursed before it was "
                                          "approved."))
        loan.disbursed_on, loan.disbursed_amount = on, amount
        loan.funder_reference, loan.start_date = reference, on
        if first_due is not None:
            loan.first_due_date = first_due
        elif loan.first_due_date is not None and loan.first_due_date <= on:
            loan.first_due_date = None
        store_schedule(loan)
        fee = _fee_of(loan)
        if fee is not None and fee.due_on_event == FeeEvent.DISBURSEMENT:
            fee.due_date = on
        loan.apr = price(_terms_with_fee(loan, on, fee.amount if fee else Decimal(0))
                         ).apr.apr
        loan.state, loan.outstanding_principal = "active", loan.principal
        create_commissions(loan, fee)
        if application is not None:
            for target in ("disbursed", "repaying"):
                move(application, target, allowed_by=LOAN_WRITE,
                     details={"loan": loan.number})
        record("transition", "loan", loan.id, {"from": "pending", "to": "active",
                                               "disbursed_on": on.isoformat(),
                                               "amount": str(amount)})
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
        raise refuse_field("idempotency_key", N_(
            "This key or reference was already used for a different payment (%(amount)s on "
            "loan %(loan)s)."), amount=f"{found.amount:,.2f}", loan=found.loan.number)
    return found


def parse_repayment(data: dict, today: dt.date) -> dict:
    if not isinstance(data, dict):
        raise refuse_field("amount", N_("Send a JSON object."))
    values, errs = load(RepaymentInput(), data)
    if values.get("paid_on") is not None and values["paid_on"] > today:
        errs.add("paid_on", N_("The date cannot be in the future."))
    check(errs)
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
        if loan.state not in (LoanState.ACTIVE, LoanState.OVERDUE):
            raise LoanRefused(gettext("Repayments are posted only on loans being repaid "
                                      "(this one: %(state)s).", state=_state_label(loan)))
        if values["paid_on"] < loan.disbursed_on:
            raise refuse_field("paid_on", N_("The date is before the disbursement (%(date)s)."),
                       date=loan.disbursed_on.isoformat())
        was_settled = loan.state == LoanState.SETTLED
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
        _after_change(loan, was_settled, today, REPAYMENT_WRITE)
        db.session.flush()
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise refuse(error) from None
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
    return str(LoanState(loan.state).label)


def _after_change(loan: Loan, was_settled: bool, today: dt.date,
                  allowed_by: tuple[str, str]) -> None:
    _sync_application(loan, allowed_by)
    if loan.state == LoanState.SETTLED and not was_settled:
        record("transition", "loan", loan.id, {"to": "settled",
                                               "settled_on": str(loan.settled_on)})
        last_due = max((r.due_date for r in loan.installments
                        if r.state != InstallmentState.CANCELLED), default=loan.settled_on)
        if loan.settled_on and loan.settled_on < last_due:
            clawback_early_settlement(loan)


def reverse(rep: Repayment, reason: Any, today: dt.date | None = None) -> Repayment:
    """Undo a mistaken repayment by a reversing entry; the loan's allocations are replayed."""
    today = today or business_today()
    values, errs = load(ReasonInput(), {"reason": reason})
    check(errs)
    text = values["reason"]
    rep_id, loan = rep.id, rep.loan
    try:
        with step():
            _lock(loan)
            rep = db.session.get(Repayment, rep_id)
            loan = rep.loan
            if rep.amount <= 0:
                raise LoanRefused(gettext("A reversal cannot itself be reversed."))
            if db.session.scalar(select(Repayment.id).where(Repayment.reversal_of_id == rep.id)):
                raise LoanRefused(gettext("This repayment has already been reversed."))
            if loan.state == LoanState.WRITTEN_OFF:
                raise LoanRefused(gettext("The loan is written off: its repayments are kept as "
                                          "they are."))
            was_settled = loan.state == LoanState.SETTLED
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
            if was_settled and loan.state != LoanState.SETTLED:
                record("transition", "loan", loan.id, {"from": "settled", "to": loan.state,
                                                       "reversal": mirror.id})
            _after_change(loan, was_settled, today, REPAYMENT_WRITE)
            record("transition", "repayment", rep.id, {"reversed_by": mirror.id}, purpose=text)
    except IntegrityError:  # the unique reversal_of_id: someone reversed it at the same time
        raise LoanRefused(gettext("This repayment has already been reversed.")) from None
    return mirror


def write_off(loan: Loan, reason: Any, today: dt.date | None = None) -> Loan:
    today = today or business_today()
    values, errs = load(ReasonInput(), {"reason": reason})
    check(errs)
    text = values["reason"]
    with step():
        _lock(loan)
        loan = db.session.get(Loan, loan.id)
        if loan.state not in (LoanState.ACTIVE, LoanState.OVERDUE):
            raise LoanRefused(gettext("Only a loan being repaid can be written off."))
        Ledger(loan).refresh(today)
        for row in loan.installments:
            if row.state not in (InstallmentState.PAID, InstallmentState.CANCELLED):
                row.state = "written_off"
        before, loan.state = loan.state, "written_off"
        record("transition", "loan", loan.id, {"from": before, "to": "written_off"},
               purpose=text)
        _sync_application(loan, LOAN_WRITE)
    return loan


def due_now(loan: Loan, today: dt.date | None = None) -> dict | None:
    """What the customer should pay now, by part (None: the loan takes no repayment)."""
    if loan.state not in (LoanState.ACTIVE, LoanState.OVERDUE):
        return None
    with db.session.no_autoflush:
        return statement.due_now(Ledger(loan), today or business_today(),
                                 loan.customer_credit or Decimal(0))


def balances(loan: Loan, today: dt.date | None = None) -> dict:
    """Outstanding principal / interest / penalty, days past due and bucket, as of today."""
    today = today or business_today()
    if loan.state == LoanState.PENDING:
        return {"outstanding_principal": ZERO, "outstanding_interest": Decimal(0),
                "outstanding_fee": Decimal(0), "outstanding_penalty": Decimal(0),
                "scheduled_interest_remaining": Decimal(0), "days_past_due": 0,
                "bucket": "current", "customer_credit": loan.customer_credit,
                "payoff_amount": Decimal(0)}
    with db.session.no_autoflush:
        return statement.balances(Ledger(loan), today, loan.customer_credit or Decimal(0))

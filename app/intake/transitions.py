"""Moving an application through its life cycle: the one place it happens.

Each move is checked against the state table (app/domain/states.py), guarded by a
permission, done in one transaction together with its side effects (assignment, scoring,
the reviewer's decision) and written to the audit trail.  A refused move raises
``TransitionRefused`` with the reason in the user's language.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record
from app.domain import DomainError
from app.domain.schedule import Fee, LoanTerms, Method, ProductLimits
from app.domain.states import check_transition
from app.domain.terms import MAX_MONTHS, MAX_PRINCIPAL
from app.errors import field_errors
from app.extensions import db
from app.loans import business_today
from app.models import Application, Decision, Loan
from app.models.base import utcnow
from app.models.enums import ApplicationState, RepaymentMethod
from app.quotes.pricing import price_within_cap
from app.scoping import current_scope

from .approval import range_errors, service_fee
from .assignment import pick_reviewer
from .checklist import missing_for_submission
from .scoring import assess

# target state → the permission it needs (entity, permission)
GUARDS = {
    "submitted": ("Application", "can_write"),
    "withdrawn": ("Application", "can_write"),
    "approved": ("Application", "can_review"),
    "rejected": ("Application", "can_review"),
    "draft": ("Application", "can_review"),  # returned for more documents
}
# Later stages are taken by their own actions (contract, disbursement, repayments).
LATER = {ApplicationState.SCORING, ApplicationState.UNDER_REVIEW, ApplicationState.CONTRACTED,
         ApplicationState.DISBURSED, ApplicationState.REPAYING, ApplicationState.SETTLED,
         ApplicationState.OVERDUE, ApplicationState.WRITTEN_OFF}
REJECT_REASONS = {
    "high_dti": _l("Debt-to-income too high"), "bad_credit": _l("Poor credit history"),
    "insufficient_income": _l("Income insufficient"),
    "incomplete_documents": _l("Documents incomplete or inconsistent"),
    "fraud_suspected": _l("Suspected fraud"), "policy": _l("Outside the funders' policies"),
    "other": _l("Other"),
}


class TransitionRefused(Exception):
    def __init__(self, message: str, errors: dict | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


def state_label(code: str) -> str:
    try:
        return str(ApplicationState(code).label)
    except ValueError:
        return code


def transition(application: Application, to: str, data: dict | None = None) -> Application:
    """Move ``application`` to ``to`` (with the reviewer's ``data`` for decisions)."""
    data = data or {}
    current = application.state
    try:
        check_transition(current, to)
    except DomainError:
        raise TransitionRefused(gettext(
            "An application in state %(current)s cannot move to %(to)s.",
            current=state_label(current), to=state_label(to))) from None
    if to in LATER:
        raise TransitionRefused(gettext("This step is taken by its own action, not here."))
    entity, permission = GUARDS[to]
    if not current_app.appbuilder.sm.has_access(permission, entity):
        raise TransitionRefused(gettext("You are not allowed to move an application to "
                                        "%(to)s.", to=state_label(to)))
    staff = current_scope().staff
    if to in (ApplicationState.APPROVED, ApplicationState.REJECTED, ApplicationState.DRAFT) \
            and application.reviewer_id not in (None, getattr(staff, "id", None)) \
            and not current_scope().unrestricted:
        raise TransitionRefused(gettext("This application is assigned to another reviewer."))
    try:
        {"submitted": _submit, "withdrawn": _withdraw, "approved": _approve,
         "rejected": _reject, "draft": _return}[to](application, data, staff)
        record("transition", "application", application.id,
               {"from": current, "to": application.state}, purpose=data.get("note"))
        db.session.commit()
    except BaseException:
        db.session.rollback()  # nothing of a refused or failed move is kept
        raise
    return application


def _submit(application, data, staff) -> None:
    missing = missing_for_submission(application)
    if missing:  # missing data is not a credit decision: the draft stays a draft
        raise TransitionRefused(
            gettext("Not submitted: complete the checklist first."),
            {check.code: [check.problem] for check in missing})
    application.state = "submitted"
    application.submitted_at = utcnow()
    reviewer = pick_reviewer(application.branch_id) if application.branch_id else None
    application.reviewer = reviewer
    application.state = "scoring"
    assessment = assess(application, assessed_by=None)
    if assessment.hard_rules:
        # A hard rule rejects at once, with its reason, before anyone reviews.
        application.state = "rejected"
        application.decided_at = utcnow()
        reason = "; ".join(gettext(r["msgid"], **r["params"]) for r in assessment.hard_rules)
        db.session.add(Decision(application=application, outcome="reject",
                                reason_code="hard_rule", note=reason,
                                decided_at=application.decided_at))
    else:
        application.state = "under_review"


def _withdraw(application, data, staff) -> None:
    loan = db.session.scalar(select(Loan.number).where(Loan.application_id == application.id))
    if loan is not None:  # its loan would be left pending, pointing at a withdrawn one
        raise TransitionRefused(gettext(
            "Loan %(number)s is booked on this application: it can no longer be withdrawn.",
            number=loan))
    application.state = "withdrawn"
    application.decided_at = utcnow()


def _decimal(data, field, errors):
    try:
        value = Decimal(str(data.get(field)).strip())
        if not value.is_finite():
            raise InvalidOperation
        return value
    except (InvalidOperation, TypeError, ValueError):
        errors[field] = [gettext("Enter a number, such as 100000.00.")]
        return None


def _whole(value) -> int | None:
    """A whole number as typed or sent (12, "12", 12.0); None for anything else (24.9 is
    not 24)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**31 else None
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _approve(application, data, staff) -> None:
    errors: dict[str, list[str]] = {}
    amount = _decimal({"amount": data.get("amount", application.amount)}, "amount", errors)
    rate = _decimal(data, "annual_rate", errors)
    months = _whole(data.get("months", application.months))
    if months is None:
        errors["months"] = [gettext("Enter a whole number.")]
    elif not 1 <= months <= MAX_MONTHS:
        errors["months"] = [gettext("Term must be a whole number of months from 1 to "
                                    "%(max)s.", max=MAX_MONTHS)]
    if amount is not None and not Decimal(0) < amount <= MAX_PRINCIPAL:
        errors["amount"] = [gettext("The amount must be greater than 0.") if amount <= 0
                            else gettext("The amount is too large.")]
    if rate is not None and not Decimal(0) <= rate < 1:
        errors["annual_rate"] = [gettext("Enter an annual rate from 0 to 100%.")]
    method = data.get("method") or application.method or "equal_installment"
    if method not in {m.value for m in Method}:
        errors["method"] = [gettext("Choose one of: %(choices)s.", choices="、".join(
            str(RepaymentMethod(m.value).label) for m in Method))]
    if errors:
        raise TransitionRefused(gettext("Please correct the errors below."), errors)
    product = application.product
    if product is None:  # the submission checklist asks for one; an old draft may lack it
        raise TransitionRefused(gettext("No product is chosen: return the application for "
                                        "the salesperson to choose one."))
    errors = range_errors(product, amount, months, rate)
    if errors:  # out of the product's ranges: said beside the field, how to fix it
        raise TransitionRefused(gettext("Please correct the errors below."), errors)
    limits = ProductLimits(
        min_amount=product.min_amount, max_amount=product.max_amount,
        min_months=product.min_months, max_months=product.max_months,
        min_rate=product.min_rate, max_rate=product.max_rate,
        methods=frozenset(Method(m.code) for m in product.methods)) if product else None
    fee = service_fee(product, amount)
    terms = LoanTerms(principal=amount, annual_rate=rate, months=months, method=Method(method),
                      start_date=business_today(),
                      fees=(Fee(kind="upfront", amount=fee),) if fee else ())
    try:
        price_within_cap(terms, limits)  # never above the legal cap, never off-product
    except DomainError as error:  # above the legal cap, or terms the product cannot price
        raise TransitionRefused(gettext("Please correct the errors below."),
                                field_errors(error)) from None
    application.state = "approved"
    application.decided_at = utcnow()
    db.session.add(Decision(
        application=application, reviewer=staff, outcome="approve", approved_amount=amount,
        approved_months=months, approved_rate=rate, method=method,
        conditions=data.get("conditions") or None, note=data.get("note") or None,
        decided_at=application.decided_at))


def _reject(application, data, staff) -> None:
    reason = data.get("reason_code")
    if reason not in REJECT_REASONS:
        raise TransitionRefused(gettext("Choose a rejection reason."),
                                {"reason_code": [gettext("Choose a rejection reason.")]})
    application.state = "rejected"
    application.decided_at = utcnow()
    db.session.add(Decision(application=application, reviewer=staff, outcome="reject",
                            reason_code=reason, note=data.get("note") or None,
                            decided_at=application.decided_at))


def _return(application, data, staff) -> None:
    note = (data.get("note") or "").strip()
    if not note:
        raise TransitionRefused(gettext("Say which documents are missing."),
                                {"note": [gettext("Say which documents are missing.")]})
    application.state = "draft"
    db.session.add(Decision(application=application, reviewer=staff, outcome="return",
                            note=note, decided_at=utcnow()))

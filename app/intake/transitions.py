"""Moving an application through its life cycle: the one place it happens.

``move`` makes every change of an application's state: checked against the state table
(app/domain/states.py), guarded by a permission and written to the audit trail, one entry a
move.  A person's move (``transition``: submit, approve, reject, return, withdraw) is done
in one transaction together with its side effects (assignment, scoring, the reviewer's
decision), guarded by the target's permission (``GUARDS``).  The later states follow other
actions (a loan contract issued, a loan disbursed, repaid, overdue, written off): those
actions call ``move`` inside their own transaction, naming the permission they were taken
under (``allowed_by``).  A refused move raises ``TransitionRefused`` with the reason in the
user's language.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from flask import current_app, has_request_context
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record
from app.domain import DomainError
from app.domain.schedule import Fee, LoanTerms, Method, ProductLimits
from app.domain.states import check_transition
from app.domain.terms import MAX_MONTHS, MAX_PRINCIPAL
from app.errors import CONFLICT, NOT_ALLOWED, Refused
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

# target state → the permission a person's move there needs (entity, permission)
GUARDS = {
    "submitted": ("Application", "can_write"),
    "withdrawn": ("Application", "can_write"),
    "approved": ("Application", "can_review"),
    "rejected": ("Application", "can_review"),
    "draft": ("Application", "can_review"),  # returned for more documents
}
# The other states have no guard: a submission passes through scoring to review, and the
# later stages are taken by their own actions (contract, disbursement, repayments), which
# name the permission they were taken under.
REJECT_REASONS = {
    "high_dti": _l("Debt-to-income too high"), "bad_credit": _l("Poor credit history"),
    "insufficient_income": _l("Income insufficient"),
    "incomplete_documents": _l("Documents incomplete or inconsistent"),
    "fraud_suspected": _l("Suspected fraud"), "policy": _l("Outside the funders' policies"),
    "other": _l("Other"),
}


class TransitionRefused(Refused):
    """A refused move: 409 when the state does not allow it, 403 when the user may not
    make it, 422 with the reasons per field."""


def state_label(code: str) -> str:
    try:
        return str(ApplicationState(code).label)
    except ValueError:
        return code


def move(application: Application, to: str, *, allowed_by: tuple[str, str] | None = None,
         details: dict | None = None, purpose: str | None = None,
         steps: Callable[[], None] | None = None) -> None:
    """Move ``application`` to ``to``: the one place its state changes.  Nothing is
    committed: the caller's transaction holds the move, its audit entry and its cause.

    ``allowed_by`` is the (entity, permission) the action making the move was taken under
    (``("Loan", "can_write")`` for a disbursement); without it the move is a person's own
    and needs its target's guard.  Either is held again here: outside a request (the CLI,
    the daily job) the firm acts, with every right.  ``steps`` makes a move with side
    effects between its states (a submission is scored on the way to review); it enters
    each state with ``_enter``.  The audit entry says where the move started and ended,
    with ``details`` (the loan, the contract) and ``purpose`` (the reviewer's note)."""
    current = application.state
    _check_table(current, to)
    permission = allowed_by or GUARDS.get(to)
    if permission is None:  # a later state, and no action named as the one taking it
        raise TransitionRefused(gettext("This step is taken by its own action, not here."))
    if not _holds(*permission):
        raise TransitionRefused(gettext("You are not allowed to move an application to "
                                        "%(to)s.", to=state_label(to)), status=NOT_ALLOWED)
    if steps is None:
        _enter(application, to)
    else:
        steps()
    record("transition", "application", application.id,
           {"from": current, "to": application.state, **(details or {})}, purpose=purpose)


def _check_table(current: str, to: str) -> None:
    try:
        check_transition(current, to)
    except DomainError:
        raise TransitionRefused(gettext(
            "An application in state %(current)s cannot move to %(to)s.",
            current=state_label(current), to=state_label(to))) from None


def _enter(application: Application, to: str) -> None:
    """The state set, as the table allows: the only assignment of an application's state
    (a new application starts in draft: app/intake/applications.py)."""
    _check_table(application.state, to)
    application.state = to


def _holds(entity: str, permission: str) -> bool:
    if not has_request_context():
        return True  # the CLI and jobs act for the firm (as app/scoping.py's scope)
    return current_app.appbuilder.sm.has_access(permission, entity)


def transition(application: Application, to: str, data: dict | None = None) -> Application:
    """A person's move of ``application`` to ``to`` (with the reviewer's ``data`` for
    decisions), committed with its side effects."""
    data = data or {}
    staff = current_scope().staff

    def steps() -> None:
        if to in (ApplicationState.APPROVED, ApplicationState.REJECTED, ApplicationState.DRAFT) \
                and application.reviewer_id not in (None, getattr(staff, "id", None)) \
                and not current_scope().unrestricted:
            raise TransitionRefused(gettext("This application is assigned to another "
                                            "reviewer."), status=NOT_ALLOWED)
        {"submitted": _submit, "withdrawn": _withdraw, "approved": _approve,
         "rejected": _reject, "draft": _return}[to](application, data, staff)

    try:
        move(application, to, purpose=data.get("note"), steps=steps)
        db.session.commit()
    except BaseException:
        db.session.rollback()  # nothing of a refused or failed move is kept
        raise
    return application


def _submit(application, data, staff) -> None:
    missing = missing_for_submission(application)
    if missing:  # missing data is not a credit decision: the draft stays a draft
        # 409, not 422: what is missing is in the records (documents, consent, the
        # customer's details), not in what was sent.
        raise TransitionRefused(
            gettext("Not submitted: complete the checklist first."),
            {check.code: [check.problem] for check in missing}, status=CONFLICT)
    _enter(application, "submitted")
    application.submitted_at = utcnow()
    reviewer = pick_reviewer(application.branch_id) if application.branch_id else None
    application.reviewer = reviewer
    _enter(application, "scoring")
    assessment = assess(application, assessed_by=None)
    if assessment.hard_rules:
        # A hard rule rejects at once, with its reason, before anyone reviews.
        _enter(application, "rejected")
        application.decided_at = utcnow()
        reason = "; ".join(gettext(r["msgid"], **r["params"]) for r in assessment.hard_rules)
        db.session.add(Decision(application=application, outcome="reject",
                                reason_code="hard_rule", note=reason,
                                decided_at=application.decided_at))
    else:
        _enter(application, "under_review")


def _withdraw(application, data, staff) -> None:
    loan = db.session.scalar(select(Loan.number).where(Loan.application_id == application.id))
    if loan is not None:  # its loan would be left pending, pointing at a withdrawn one
        raise TransitionRefused(gettext(
            "Loan %(number)s is booked on this application: it can no longer be withdrawn.",
            number=loan))
    _enter(application, "withdrawn")
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
        raise TransitionRefused.from_domain(error) from None
    _enter(application, "approved")
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
    _enter(application, "rejected")
    application.decided_at = utcnow()
    db.session.add(Decision(application=application, reviewer=staff, outcome="reject",
                            reason_code=reason, note=data.get("note") or None,
                            decided_at=application.decided_at))


def _return(application, data, staff) -> None:
    note = (data.get("note") or "").strip()
    if not note:
        raise TransitionRefused(gettext("Say which documents are missing."),
                                {"note": [gettext("Say which documents are missing.")]})
    _enter(application, "draft")
    db.session.add(Decision(application=application, reviewer=staff, outcome="return",
                            note=note, decided_at=utcnow()))

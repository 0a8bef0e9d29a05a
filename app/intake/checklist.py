"""Ready to submit?  What an application needs before a reviewer sees it.

Missing data is not a credit decision: an application without the customer's consent to the
credit-report query, without its required documents or fields, or with no product that
fits, is not submitted — the salesperson is told what is missing and where to fix it, and
the application stays a draft.  Only substantive hard rules (blacklist, invalid ID, age)
reject at submission (app/intake/scoring.py).

The documents required are the firm's setting, per customer kind:
``intake.required_documents.person`` (default ``id_card``) and
``intake.required_documents.enterprise`` (default ``business_licence``), comma-separated
document kinds (app/models/enums/customer.py DocumentKind).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext
from sqlalchemy import select

from app.customers.documents import has_credit_query_consent
from app.extensions import db
from app.firm.settings import firm_setting
from app.loans import business_today
from app.models import Customer, Document
from app.models.enums import DocumentKind
from app.models.labels import label_of

from .matching import matches

DEFAULT_DOCUMENTS = {"person": "id_card", "enterprise": "business_licence"}
# Customer fields the review cannot do without, by customer kind.
REQUIRED_CUSTOMER_FIELDS = {"person": ("monthly_income", "birth_date"),
                            "enterprise": ("monthly_income",)}


@dataclass(frozen=True)
class Fix:
    label: str
    url: str


@dataclass(frozen=True)
class Check:
    code: str  # consent | documents | fields | product
    ok: bool
    label: str
    problem: str = ""
    fixes: tuple[Fix, ...] = field(default=())


def required_documents(kind: str) -> list[str]:
    raw = firm_setting(f"intake.required_documents.{kind}", DEFAULT_DOCUMENTS.get(kind, ""))
    known = {k.value for k in DocumentKind}
    return [code for code in (c.strip() for c in raw.split(",")) if code in known]


def _document_kinds(application) -> set[str]:
    return set(db.session.scalars(select(Document.kind).where(
        Document.customer_id == application.customer_id,
        (Document.application_id.is_(None)) | (Document.application_id == application.id))))


def submission_checks(application, day: dt.date | None = None) -> list[Check]:
    day = day or business_today()  # the firm's day: a consent given this morning counts
    customer = application.customer
    checks = []
    consent = has_credit_query_consent(customer.id, day)
    checks.append(Check(
        "consent", consent, gettext("The customer's consent to the credit-report query"),
        "" if consent else gettext("No valid consent to query the credit report is "
                                   "recorded (granted, not expired, not revoked)."),
        () if consent else (Fix(gettext("Add consent"), url_for(
            "ConsentView.add", _flt_0_customer=customer.id, scope="credit_query")),)))
    have = _document_kinds(application)
    labels = DocumentKind.labels()
    missing_docs = [k for k in required_documents(customer.kind) if k not in have]
    checks.append(Check(
        "documents", not missing_docs, gettext("Required documents"),
        gettext("Missing: %(kinds)s.", kinds="、".join(str(labels[k]) for k in missing_docs))
        if missing_docs else "",
        tuple(Fix(gettext("Upload %(kind)s", kind=str(labels[k])), url_for(
            "DocumentView.upload", customer=customer.id, application=application.id, kind=k))
            for k in missing_docs)))
    empty = [name for name in REQUIRED_CUSTOMER_FIELDS.get(customer.kind, ())
             if getattr(customer, name) in (None, "")]
    checks.append(Check(
        "fields", not empty, gettext("Required customer details"),
        gettext("Missing: %(fields)s.", fields="、".join(str(label_of(Customer, n, n))
                                                         for n in empty)) if empty else "",
        (Fix(gettext("Complete the customer"), url_for("CustomerView.edit",
                                                       pk=customer.id)),) if empty else ()))
    checks.append(_product_check(application, day))
    return checks


def _product_check(application, day: dt.date) -> Check:
    """A product chosen, and fitting: the review decides within its ranges."""
    rows = matches(application, None, day)
    label = gettext("A product chosen that fits")
    choose = Fix(gettext("Choose a product"), url_for(
        "ApplicationView.show", pk=application.id) + "#product-matches-title")
    if application.product_id is not None:
        chosen = next((r for r in rows if r["product_id"] == application.product_id), None)
        if chosen is not None and chosen["eligible"]:
            return Check("product", True, label)
        reasons = " ".join(chosen["reasons"]) if chosen else gettext(
            "The product is no longer offered.")
        return Check("product", False, label, gettext(
            "The chosen product does not fit: %(reasons)s", reasons=reasons),
            (Fix(gettext("Change the terms"), url_for("ApplicationView.edit",
                                                      pk=application.id)), choose))
    if any(r["eligible"] for r in rows):
        return Check("product", False, label, gettext(
            "No product is chosen: choose one of those that fit."), (choose,))
    return Check("product", False, label, gettext(
        "No active product fits the amount, term and customer."),
        (Fix(gettext("Change the terms"), url_for("ApplicationView.edit",
                                                  pk=application.id)),))


def missing_for_submission(application) -> list[Check]:
    return [c for c in submission_checks(application) if not c.ok]

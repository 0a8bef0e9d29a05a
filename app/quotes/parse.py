"""Turn raw input (JSON from the API, query args from the calculator) into ``LoanTerms``.

Only typing happens here — "is it a number, a date, a known word" — each failure reported on
its own field; the business rules (ranges, methods, dates) are the domain's ``validate_terms``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from app.domain import DomainError, ErrorCollector
from app.domain.i18n import N_
from app.domain.schedule import DayCount, Fee, LoanTerms, Method, validate_terms

FIELDS = {"principal", "annual_rate", "months", "method", "start_date", "first_due_date",
          "repayment_day", "grace_months", "day_count", "fees"}
FEE_FIELDS = {"kind", "amount", "rate", "deducted"}


def _decimal(value: Any, field: str, errs: ErrorCollector, *, required: bool = True):
    if value is None or value == "":
        if required:
            errs.add(field, N_("This field is required."))
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        errs.add(field, N_("Enter a number, such as 100000.00."))
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errs.add(field, N_("Enter a number, such as 100000.00."))
        return None
    if not number.is_finite():
        errs.add(field, N_("Enter a number, such as 100000.00."))
        return None
    return number


def _integer(value: Any, field: str, errs: ErrorCollector, *, required: bool = True):
    if value is None or value == "":
        if required:
            errs.add(field, N_("This field is required."))
        return None
    if isinstance(value, bool):
        errs.add(field, N_("Enter a whole number."))
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (str, Decimal)):
        text = str(value).strip()
        if text.lstrip("-").isdigit() and len(text) < 10:
            return int(text)
    errs.add(field, N_("Enter a whole number."))
    return None


def _date(value: Any, field: str, errs: ErrorCollector, *, required: bool = True):
    if value is None or value == "":
        if required:
            errs.add(field, N_("This field is required."))
        return None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errs.add(field, N_("Enter a real date as YYYY-MM-DD."))
    return None


def _choice(value: Any, field: str, enum, errs: ErrorCollector, default=None):
    if value is None or value == "":
        if default is None:
            errs.add(field, N_("This field is required."))
        return default
    try:
        return enum(value)
    except ValueError:
        errs.add(field, N_("Choose one of: %(choices)s."),
                 choices=", ".join(m.value for m in enum))
        return None


def _fees(value: Any, errs: ErrorCollector) -> tuple[Fee, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list):
        errs.add("fees", N_("Fees must be a list."))
        return ()
    fees = []
    for n, raw in enumerate(value, start=1):
        if not isinstance(raw, Mapping):
            errs.add("fees", N_("Fee %(n)s: must be an object."), n=n)
            continue
        unknown = set(raw) - FEE_FIELDS
        if unknown:
            errs.add("fees", N_("Fee %(n)s: unknown field %(field)s."), n=n,
                     field=", ".join(sorted(unknown)))
            continue
        kind = raw.get("kind")
        if kind not in ("upfront", "per_installment"):
            errs.add("fees", N_("Fee %(n)s: kind must be upfront or per_installment."), n=n)
            continue
        sub = ErrorCollector()
        amount = _decimal(raw.get("amount"), "amount", sub, required=False)
        rate = _decimal(raw.get("rate"), "rate", sub, required=False)
        deducted = raw.get("deducted", False)
        if not isinstance(deducted, bool):
            errs.add("fees", N_("Fee %(n)s: deducted must be true or false."), n=n)
            continue
        if sub.errors:
            errs.add("fees", N_("Fee %(n)s: amount and rate must be numbers."), n=n)
            continue
        fees.append(Fee(kind=kind, amount=amount, rate=rate, deducted=deducted))
    return tuple(fees)


def parse_terms(data: Any) -> LoanTerms:
    """``LoanTerms`` from a JSON object, or DomainError naming each bad field."""
    if not isinstance(data, Mapping):
        raise DomainError.single("_schema", N_("Send a JSON object."))
    errs = ErrorCollector()
    for field in sorted(set(data) - FIELDS):
        errs.add(field, N_("Unknown field."))
    values = {
        "principal": _decimal(data.get("principal"), "principal", errs),
        "annual_rate": _decimal(data.get("annual_rate"), "annual_rate", errs),
        "months": _integer(data.get("months"), "months", errs),
        "method": _choice(data.get("method"), "method", Method, errs),
        "start_date": _date(data.get("start_date"), "start_date", errs),
        "first_due_date": _date(data.get("first_due_date"), "first_due_date", errs,
                                required=False),
        "repayment_day": _integer(data.get("repayment_day"), "repayment_day", errs,
                                  required=False),
        "grace_months": _integer(data.get("grace_months"), "grace_months", errs,
                                 required=False) or 0,
        "day_count": _choice(data.get("day_count"), "day_count", DayCount, errs,
                             default=DayCount.THIRTY_360),
        "fees": _fees(data.get("fees"), errs),
    }
    terms = LoanTerms(**values)
    if errs.errors:
        # Report the business-rule problems of the fields that did parse, too, so one answer
        # names every bad field.
        try:
            validate_terms(terms)
        except DomainError as error:
            for field, messages in error.errors.items():
                if not errs.has(field):
                    errs.errors[field] = messages
        errs.raise_if_any()
    return terms

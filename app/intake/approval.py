"""What the reviewer decides within: the product's ranges, the legal cap, the annualized rate.

The decision form starts from the product's terms and shows, next to the fields, the range
each must stay in and the annualized rate (IRR, fees included) the terms give; a value out
of range is refused beside its field in words that say how to fix it — never as if the
application were rejected.  The same checks run when the approval is made
(app/intake/transitions.py), so the form and the API agree.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext

from app.domain import DomainError
from app.domain.money import ZERO, format_rate
from app.domain.schedule import Fee, LoanTerms, Method
from app.domain.terms import service_fee as fee_rule
from app.loans import business_today
from app.quotes.pricing import cap_check, price


def service_fee(product, amount: Decimal) -> Decimal:
    """The broker's fee the product charges on ``amount`` (a cost of borrowing)."""
    if product is None:
        return ZERO
    return fee_rule(amount, product.service_fee_rate, product.service_fee_fixed)


def range_errors(product, amount: Decimal | None, months: int | None,
                 rate: Decimal | None) -> dict[str, list[str]]:
    """The terms outside the product's ranges, each with how to fix it."""
    errors: dict[str, list[str]] = {}
    if product is None:
        return errors
    if rate is not None and rate > product.max_rate:
        errors["annual_rate"] = [gettext(
            "The annual rate %(rate)s is above this product's maximum of %(max)s: adjust "
            "it.", rate=format_rate(rate), max=format_rate(product.max_rate))]
    elif rate is not None and rate < product.min_rate:
        errors["annual_rate"] = [gettext(
            "The annual rate %(rate)s is below this product's minimum of %(min)s: adjust "
            "it.", rate=format_rate(rate), min=format_rate(product.min_rate))]
    if amount is not None and not product.min_amount <= amount <= product.max_amount:
        errors["amount"] = [gettext(
            "The amount must be from %(min)s to %(max)s for this product.",
            min=f"{product.min_amount:,.2f}", max=f"{product.max_amount:,.2f}")]
    if months is not None and not product.min_months <= months <= product.max_months:
        errors["months"] = [gettext(
            "The term must be from %(min)s to %(max)s months for this product.",
            min=product.min_months, max=product.max_months)]
    return errors


def quote_terms(application, amount, months, rate_pct, method) -> dict:
    """The annualized rate of terms as typed on the decision form (``apr`` None when they
    cannot be priced), and whether it is above the cap: for the form's live figure."""
    try:
        amount = Decimal(str(amount).strip())
        rate = Decimal(str(rate_pct).strip()) / 100
        months = int(str(months).strip())
        terms = LoanTerms(principal=amount, annual_rate=rate, months=months,
                          method=Method(method), start_date=business_today(),
                          fees=(Fee(kind="upfront", amount=service_fee(
                              application.product, amount)),)
                          if application.product else ())
        quote = price(terms)
    except (ArithmeticError, ValueError, TypeError, DomainError):
        return {"apr": None, "exceeds": None}
    return {"apr": str(quote.apr.apr), "exceeds": quote.cap.exceeds}


def decision_terms(application) -> dict:
    """The decision form's starting values and the limits shown beside them, the rates
    already in words (12.00%)."""
    product = application.product
    methods = [m.code for m in sorted(product.methods, key=lambda m: m.sort_order)] \
        if product else []
    methods = methods or [m.value for m in Method]  # a product offering none: any
    method = application.method if application.method in methods else methods[0]
    rate = product.min_rate if product else None
    today = business_today()
    try:
        cap = cap_check(Decimal(0), today)
    except DomainError:  # no LPR recorded for today: the approval itself is refused
        cap = None
    terms = {"amount": application.amount, "months": application.months,
             "annual_rate_pct": (rate * 100).normalize() if rate is not None else None,
             "method": method, "methods": methods, "product": product,
             "fee": service_fee(product, application.amount), "apr": None, "cap": cap,
             "firm_cap": cap is not None and cap.source == "firm_override",
             "cap_pct": format_rate(cap.rate) if cap else None,
             "lpr_pct": format_rate(cap.lpr) if cap and cap.lpr is not None else None,
             "min_rate_pct": format_rate(product.min_rate) if product else None,
             "max_rate_pct": format_rate(product.max_rate) if product else None,
             "apr_pct": None}
    if rate is not None:
        try:
            quote = price(LoanTerms(
                principal=application.amount, annual_rate=rate, months=application.months,
                method=Method(method), start_date=today,
                fees=(Fee(kind="upfront", amount=terms["fee"]),) if terms["fee"] else ()))
        except DomainError:
            pass  # terms the product cannot price: the form says so on approval
        else:
            terms["apr"], terms["apr_pct"] = quote.apr.apr, format_rate(quote.apr.apr)
    return terms

"""Which funders' products fit an application, why the others do not, cheapest first."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from app.domain import DomainError
from app.domain.schedule import Fee, LoanTerms, Method
from app.domain.terms import service_fee
from app.errors import field_errors
from app.extensions import db
from app.loans import business_today
from app.models import LoanProduct
from app.quotes.pricing import price

from .scoring import age_on


def product_reasons(product: LoanProduct, application, grade: str | None,
                    day: dt.date) -> list[str]:
    customer = application.customer
    reasons = []
    if not product.min_amount <= application.amount <= product.max_amount:
        reasons.append(gettext("Amount %(amount)s is outside %(low)s–%(high)s.",
                               amount=f"{application.amount:,.2f}",
                               low=f"{product.min_amount:,.2f}",
                               high=f"{product.max_amount:,.2f}"))
    if not product.min_months <= application.months <= product.max_months:
        reasons.append(gettext("Term %(months)s months is outside %(low)s–%(high)s.",
                               months=application.months, low=product.min_months,
                               high=product.max_months))
    age = age_on(customer.birth_date, day)
    if age is not None and ((product.min_age and age < product.min_age)
                            or (product.max_age and age > product.max_age)):
        reasons.append(gettext("Age %(age)s is outside %(low)s–%(high)s.", age=age,
                               low=product.min_age or "", high=product.max_age or ""))
    cities = [c.strip() for c in (product.cities or "").split(",") if c.strip()]
    if cities and customer.city not in cities:
        reasons.append(gettext("The product does not serve %(city)s.", city=customer.city))
    if grade and product.min_grade and grade > product.min_grade:  # A is best, E worst
        reasons.append(gettext("Grade %(grade)s is below the product's minimum %(min)s.",
                               grade=grade, min=product.min_grade))
    methods = {m.code for m in product.methods}
    if not methods:  # a product saved without any: it cannot be priced
        reasons.append(gettext("The product offers no repayment method."))
    elif application.method and application.method not in methods:
        reasons.append(gettext("The product does not offer this repayment method."))
    return reasons


def quote_for(product: LoanProduct, application, day: dt.date):
    """The product's best price for the application: its lowest rate, its service fee."""
    methods = [m.code for m in sorted(product.methods, key=lambda m: m.sort_order)]
    method = application.method if application.method in methods else methods[0]
    fee = service_fee(application.amount, product.service_fee_rate, product.service_fee_fixed)
    terms = LoanTerms(principal=application.amount, annual_rate=product.min_rate,
                      months=application.months, method=Method(method), start_date=day,
                      fees=(Fee(kind="upfront", amount=fee),) if fee else ())
    return method, price(terms)


def matches(application, grade: str | None = None, day: dt.date | None = None) -> list[dict]:
    day = day or business_today()
    rows = []
    products = db.session.scalars(select(LoanProduct).where(LoanProduct.active.is_(True))
                                  .order_by(LoanProduct.code)).all()
    for product in products:
        reasons = product_reasons(product, application, grade, day)
        row = {"product_id": product.id, "code": product.code, "name": product.name,
               "funder": product.funder.name, "eligible": not reasons, "reasons": reasons,
               "method": None, "annual_rate": str(product.min_rate), "apr": None,
               "within_cap": None}
        if not reasons:
            try:
                method, quote = quote_for(product, application, day)
            except DomainError as error:
                row.update(eligible=False, reasons=[m for ms in field_errors(error).values()
                                                    for m in ms])
            else:
                row.update(method=method, apr=str(quote.apr.apr),
                           within_cap=not quote.cap.exceeds)
                if quote.cap.exceeds:
                    row.update(eligible=False, reasons=[gettext(
                        "Its annualized rate %(apr)s would exceed the legal cap.",
                        apr=f"{quote.apr.apr * 100:.2f}%")])
        rows.append(row)
    return sorted(rows, key=lambda r: (not r["eligible"], Decimal(r["apr"] or "99"), r["code"]))

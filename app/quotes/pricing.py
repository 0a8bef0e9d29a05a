"""Price a quote: the schedule, its annualized rate (IRR) and the legal-cap check.

The cap comes from data, not code: the 1-year LPR in force on the start date (the LPR table)
times four, or the firm's own cap from the ``policy.rate_cap_override`` setting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from app.domain.apr import AprResult, schedule_apr
from app.domain.cap import CapCheck, cap_error, check_cap
from app.domain.schedule import LoanTerms, ProductLimits, Schedule, generate_schedule
from app.extensions import db
from app.firm.settings import firm_setting
from app.models import LprRate

CAP_SETTING = "policy.rate_cap_override"


@dataclass(frozen=True)
class Quote:
    schedule: Schedule
    apr: AprResult
    cap: CapCheck


def lpr_in_force(day: dt.date) -> tuple[dt.date, Decimal] | None:
    row = db.session.execute(
        select(LprRate.effective_date, LprRate.one_year_rate)
        .where(LprRate.effective_date <= day)
        .order_by(LprRate.effective_date.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def firm_cap() -> Decimal | None:
    value = firm_setting(CAP_SETTING)
    if not value:
        return None
    try:
        cap = Decimal(value)
    except InvalidOperation:
        return None  # a typo in the setting must not lift the legal cap
    return cap if 0 < cap < 10 else None


def cap_check(apr: Decimal, day: dt.date) -> CapCheck:
    lpr = lpr_in_force(day)
    return check_cap(apr, lpr[1] if lpr else None, lpr[0] if lpr else None, firm_cap())


def price(terms: LoanTerms, limits: ProductLimits | None = None) -> Quote:
    """Schedule + APR + cap check; raises DomainError for bad terms (not for the cap)."""
    schedule = generate_schedule(terms, limits)
    apr = schedule_apr(schedule)
    return Quote(schedule, apr, cap_check(apr.apr, terms.start_date))


def price_within_cap(terms: LoanTerms, limits: ProductLimits | None = None) -> Quote:
    """As ``price``, and refuse (DomainError on ``annual_rate``) a quote above the cap."""
    quote = price(terms, limits)
    if quote.cap.exceeds:
        raise cap_error(quote.cap)
    return quote


def rate_text(rate: Decimal) -> str:
    """A rate for JSON: plain digits, no exponent, trailing zeros dropped (0.1200 → 0.12)."""
    return format(rate.normalize(), "f")


def quote_json(quote: Quote) -> dict:
    s = quote.schedule
    return {
        "installments": [
            {"n": i.n, "due_date": i.due_date.isoformat(), "principal": str(i.principal),
             "interest": str(i.interest), "fee": str(i.fee), "total": str(i.total),
             "balance": str(i.balance)} for i in s.installments],
        "total_principal": str(s.total_principal),
        "total_interest": str(s.total_interest),
        "total_fee": str(s.total_fee),
        "upfront_fee": str(s.upfront_fee),
        "net_proceeds": str(s.net_proceeds),
        "total_payment": str(s.total_payment),
        "apr": str(quote.apr.apr),
        "effective_annual_rate": str(quote.apr.effective_annual_rate),
        "cap": {
            "rate": rate_text(quote.cap.rate),
            "lpr": rate_text(quote.cap.lpr) if quote.cap.lpr is not None else None,
            "lpr_date": quote.cap.lpr_date.isoformat() if quote.cap.lpr_date else None,
            "source": quote.cap.source,
            "exceeds": quote.cap.exceeds,
        },
    }

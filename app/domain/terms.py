"""Loan terms: the repayment methods, day counts, fees and product limits, the due-date
calendar, and the validation of terms with a clear message per field (no Flask here).

See schedule.py for how schedules are generated from valid terms.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from app.domain import ErrorCollector
from app.domain.i18n import N_
from app.domain.money import (
    CENT,
    RATE_PLACES,
    ZERO,
    format_money,
    format_rate,
    is_amount,
    round_money,
)

MAX_PRINCIPAL = Decimal(100_000_000)
MAX_ANNUAL_RATE = Decimal(10)  # 1000 %: anything above is a typo for a percentage
MAX_MONTHS = 360
DECIMAL_PRECISION = 34  # enough digits that (1 + r) ** 360 loses nothing at the fen
_TIME_PLACES = Decimal("1e-12")


class Method(StrEnum):
    EQUAL_INSTALLMENT = "equal_installment"  # 等额本息
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_ONLY = "interest_only"  # 先息后本
    BULLET = "bullet"  # 一次性还本付息


class DayCount(StrEnum):
    THIRTY_360 = "30/360"
    ACT_360 = "actual/360"
    ACT_365 = "actual/365"


_BASIS = {DayCount.THIRTY_360: 360, DayCount.ACT_360: 360, DayCount.ACT_365: 365}


@dataclass(frozen=True)
class Fee:
    """A fee as a fixed amount or as a rate of the principal (exactly one of the two)."""

    kind: Literal["upfront", "per_installment"]
    amount: Decimal | None = None
    rate: Decimal | None = None
    deducted: bool = False  # upfront only: withheld from the proceeds instead of paid apart

    def value_for(self, principal: Decimal) -> Decimal:
        # validate_terms guarantees exactly one of amount and rate.
        amount = self.amount if self.amount is not None else principal * (self.rate or 0)
        return round_money(amount)


@dataclass(frozen=True)
class LoanTerms:
    principal: Decimal
    annual_rate: Decimal
    months: int
    method: Method
    start_date: date
    first_due_date: date | None = None
    repayment_day: int | None = None
    grace_months: int = 0
    day_count: DayCount = DayCount.THIRTY_360
    fees: tuple[Fee, ...] = ()


@dataclass(frozen=True)
class ProductLimits:
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    min_months: int | None = None
    max_months: int | None = None
    min_rate: Decimal | None = None
    max_rate: Decimal | None = None
    methods: frozenset[Method] | None = None


# --- Dates -----------------------------------------------------------------------------------

def service_fee(amount: Decimal, rate: Decimal | None, fixed: Decimal | None) -> Decimal:
    """The broker's service fee on ``amount``: amount x rate, half-up to the fen, plus the
    fixed part.  The one rule for what is quoted, approved and booked."""
    return round_money(amount * (rate or 0)) + (fixed or ZERO)


def add_months(d: date, months: int, day: int | None = None) -> date:
    """``d`` moved by ``months`` calendar months, on ``day`` (default d.day) clamped to the
    month end; day 31 therefore means "last day of the month"."""
    years, month0 = divmod(d.month - 1 + months, 12)
    last = calendar.monthrange(d.year + years, month0 + 1)[1]
    return date(d.year + years, month0 + 1, min(day or d.day, last))


def days_360(start: date, end: date) -> int:
    """30E/360 (ISDA): every month end counts as day 30, so 31 Jan -> 28 Feb is 30 days."""
    d1, d2 = (30 if d.day == calendar.monthrange(d.year, d.month)[1] else d.day
              for d in (start, end))
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + d2 - d1


def first_due_date(terms: LoanTerms) -> date:
    return terms.first_due_date or add_months(terms.start_date, 1, terms.repayment_day)


def due_dates(terms: LoanTerms) -> list[date]:
    if terms.method == Method.BULLET:
        return [add_months(terms.start_date, terms.months)]
    # Every date is computed from the anchor day, never from the previous date: no drift.
    anchor = terms.repayment_day or (terms.first_due_date or terms.start_date).day
    first = first_due_date(terms)
    return [add_months(first, k, anchor) for k in range(terms.months)]


def first_period(terms: LoanTerms) -> tuple[int, int] | None:
    """An irregular first period as (days, day-count basis), None if it is a regular month.
    A bullet loan's single period always comes this way: 30 x months / 360 under 30/360."""
    start, thirty_360 = terms.start_date, terms.day_count == DayCount.THIRTY_360
    if terms.method == Method.BULLET:
        end = add_months(start, terms.months)
        if thirty_360:
            return 30 * terms.months, 360
    elif (end := first_due_date(terms)) == add_months(start, 1):
        return None
    if thirty_360:
        return days_360(start, end), 360
    return (end - start).days, _BASIS[DayCount(terms.day_count)]


# --- Validation ------------------------------------------------------------------------------

def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_amounts(t: LoanTerms, lim: ProductLimits, errs: ErrorCollector) -> None:
    """Principal, annual rate and term, against the hard limits and the product's ranges."""
    p, rate, months = t.principal, t.annual_rate, t.months
    # One message per field, the most basic problem first.
    if not is_amount(p) or p <= 0:
        errs.add("principal", N_("Principal must be greater than 0."))
    elif p > MAX_PRINCIPAL:  # before quantize: beyond 28 digits it raises InvalidOperation
        errs.add("principal", N_("Principal must be at most %(max)s."),
                 max=format_money(MAX_PRINCIPAL))
    elif p != p.quantize(CENT):
        errs.add("principal", N_("Principal must have at most 2 decimal places."))
    elif lim.min_amount is not None and p < lim.min_amount:
        errs.add("principal", N_("Principal must be at least %(min)s for this product."),
                 min=format_money(lim.min_amount))
    elif lim.max_amount is not None and p > lim.max_amount:
        errs.add("principal", N_("Principal must be at most %(max)s for this product."),
                 max=format_money(lim.max_amount))
    if not is_amount(rate) or not 0 <= rate <= MAX_ANNUAL_RATE:
        errs.add("annual_rate", N_("Annual rate must be a number from 0 to %(max)s."),
                 max=format_rate(MAX_ANNUAL_RATE))
    elif rate != rate.quantize(RATE_PLACES):
        # Loans store the rate with 6 places; more would price the stored loan differently.
        errs.add("annual_rate", N_("Annual rate must have at most 6 decimal places."))
    elif lim.min_rate is not None and rate < lim.min_rate:
        errs.add("annual_rate", N_("Annual rate must be at least %(min)s for this product."),
                 min=format_rate(lim.min_rate))
    elif lim.max_rate is not None and rate > lim.max_rate:
        errs.add("annual_rate", N_("Annual rate must be at most %(max)s for this product."),
                 max=format_rate(lim.max_rate))
    if not _is_int(months) or not 1 <= months <= MAX_MONTHS:
        errs.add("months", N_("Term must be a whole number of months from 1 to %(max)s."),
                 max=MAX_MONTHS)
    elif lim.min_months is not None and months < lim.min_months:
        errs.add("months", N_("Term must be at least %(min)s months for this product."),
                 min=lim.min_months)
    elif lim.max_months is not None and months > lim.max_months:
        errs.add("months", N_("Term must be at most %(max)s months for this product."),
                 max=lim.max_months)


def _check_shape(t: LoanTerms, lim: ProductLimits, errs: ErrorCollector) -> None:
    """Method, grace, day count and the dates (``type(x) is date``: a datetime would break the
    date comparisons)."""
    try:
        method: Method | None = Method(t.method)
    except ValueError:
        method = None
        errs.add("method", N_("Unknown repayment method %(method)s."), method=str(t.method))
    if method is not None and lim.methods is not None and method not in lim.methods:
        errs.add("method", N_("This product does not offer the %(method)s repayment method."),
                 method=method.value)
    g = t.grace_months
    months_ok = _is_int(t.months) and 1 <= t.months <= MAX_MONTHS  # else months errs
    if not _is_int(g) or g < 0 or (months_ok and g >= t.months):
        errs.add("grace_months", N_("Grace months must be at least 0 and fewer than the term."))
    elif g and method in (Method.BULLET, Method.INTEREST_ONLY):
        errs.add("grace_months", N_("Grace months apply only to equal installment and equal "
                                    "principal loans."))
    if t.day_count not in set(DayCount):
        errs.add("day_count", N_("Unknown day-count convention %(day_count)s."),
                 day_count=str(t.day_count))
    if type(t.start_date) is not date:
        errs.add("start_date", N_("Start date must be a date."))
    bullet = N_("A bullet loan is repaid once at maturity; it takes no repayment day or first "
                "due date.")
    day, first = t.repayment_day, t.first_due_date
    if day is not None and (not _is_int(day) or not (1 <= day <= 28 or day == 31)):
        errs.add("repayment_day", N_("Repayment day must be 1 to 28, or 31 for the last day of "
                                     "the month."))
        day = None
    elif day is not None and method == Method.BULLET:
        errs.add("repayment_day", bullet)
    if first is None:
        return
    if type(first) is not date:
        errs.add("first_due_date", N_("First due date must be a date."))
    elif method == Method.BULLET:
        errs.add("first_due_date", bullet)
    elif type(t.start_date) is date:
        latest = add_months(t.start_date, 2)
        if first <= t.start_date:
            errs.add("first_due_date", N_("First due date must be after the start date."))
        elif first > latest:
            errs.add("first_due_date", N_("First due date must be no later than %(latest)s, "
                                          "two months after the start date."),
                     latest=latest.isoformat())
        if day is not None and first != add_months(first, 0, day):
            errs.add("first_due_date", N_("First due date must fall on the repayment day "
                                          "(%(day)s)."), day=day)


def _check_fees(t: LoanTerms, errs: ErrorCollector) -> None:
    deducted = Decimal(0)
    for n, fee in enumerate(t.fees, start=1):
        if fee.kind not in ("upfront", "per_installment"):
            errs.add("fees", N_("Fee %(n)s: kind must be upfront or per_installment."), n=n)
        if (fee.amount is None) == (fee.rate is None):
            errs.add("fees", N_("Fee %(n)s: give either an amount or a rate, not both or "
                                "neither."), n=n)
        elif fee.amount is not None and not (is_amount(fee.amount)
                                             and 0 <= fee.amount <= MAX_PRINCIPAL
                                             and fee.amount == fee.amount.quantize(CENT)):
            errs.add("fees", N_("Fee %(n)s: amount must be 0 or more, with at most 2 decimal "
                                "places."), n=n)
        elif fee.rate is not None and not (is_amount(fee.rate) and 0 <= fee.rate <= 1):
            errs.add("fees", N_("Fee %(n)s: rate must be between 0 and 1 (a fraction of the "
                                "principal)."), n=n)
        elif fee.deducted and fee.kind != "upfront":
            errs.add("fees", N_("Fee %(n)s: only an upfront fee can be deducted from the "
                                "proceeds."), n=n)
        elif fee.deducted and is_amount(t.principal):
            deducted += fee.value_for(t.principal)
    if deducted and is_amount(t.principal) and deducted >= t.principal:
        errs.add("fees", N_("Fees deducted from the proceeds must be less than the principal."))


def validate_terms(terms: LoanTerms, limits: ProductLimits | None = None) -> None:
    """Raise DomainError listing every problem with ``terms``, keyed by API field name."""
    limits = limits or ProductLimits()
    errs = ErrorCollector()
    _check_amounts(terms, limits, errs)
    _check_shape(terms, limits, errs)
    _check_fees(terms, errs)
    errs.raise_if_any()

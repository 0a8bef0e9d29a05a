"""Repayment schedules (等额本息, 等额本金, 先息后本, 一次性还本付息), Decimal to the fen.

Choices beyond ARCHITECTURE.md's "Repayment schedules" that callers should know:

* A regular period is one calendar month and accrues round(balance x annual / 12) whatever the
  day count.  Only the first period can be irregular; it accrues round(balance x annual x days
  / basis), 30/360 counting a month end as day 30 (30E/360 ISDA).  For equal installments that
  changes only the first interest: the principal part stays the regular A - round(P x r).
* Due dates come from one anchor day, clamped to the month end (31 Jan -> 28 Feb -> 31 Mar),
  never from the previous date, so they do not drift.  repayment_day alone puts the first due
  date on that day (31 = month end) of the month after the start; an explicit first_due_date
  must fall after the start and at most two months after it.  Bullet loans take neither.
* The last installment takes the whole outstanding balance (sum of principal == P exactly);
  earlier principal parts are capped at the balance, which matters only for principals so
  small that rounding the installment up repays the loan early.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from app.domain.money import (
    CENT,
    ZERO,
    round_money,
)
from app.domain.terms import (  # noqa: F401  (re-exported: callers import them from here)
    _BASIS,
    _TIME_PLACES,
    DECIMAL_PRECISION,
    MAX_ANNUAL_RATE,
    MAX_MONTHS,
    MAX_PRINCIPAL,
    DayCount,
    Fee,
    LoanTerms,
    Method,
    ProductLimits,
    add_months,
    days_360,
    due_dates,
    first_due_date,
    first_period,
    validate_terms,
)


@dataclass(frozen=True)
class Installment:
    n: int
    due_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    total: Decimal
    balance: Decimal  # principal outstanding after this installment


@dataclass(frozen=True)
class CashFlow:
    due_date: date
    months: Decimal  # time from the start date, in months, as used by the APR
    amount: Decimal


@dataclass(frozen=True)
class CashFlows:
    received: Decimal  # what the borrower has in hand at t = 0
    payments: tuple[CashFlow, ...]


@dataclass(frozen=True)
class Schedule:
    """A priced schedule.  total_fee counts installment fees only; upfront_fee is separate, so
    total_payment == total_principal + total_interest + total_fee."""

    terms: LoanTerms
    installments: tuple[Installment, ...]
    total_principal: Decimal
    total_interest: Decimal
    total_fee: Decimal
    total_payment: Decimal
    upfront_fee: Decimal
    net_proceeds: Decimal  # principal minus upfront fees deducted from it
    payment_months: tuple[Decimal, ...] = ()  # time of each installment from start, in months

    @property
    def total_cost(self) -> Decimal:
        """Everything the borrower pays beyond the principal."""
        return self.total_interest + self.total_fee + self.upfront_fee

    def cash_flows(self) -> CashFlows:
        """For the APR: at t = 0 the principal less every upfront fee (deducted or paid apart,
        the borrower does not keep it), then each installment at its ``payment_months``."""
        return CashFlows(
            received=self.terms.principal - self.upfront_fee,
            payments=tuple(CashFlow(i.due_date, t, i.total)
                           for i, t in zip(self.installments, self.payment_months, strict=True)))




# --- Generation ------------------------------------------------------------------------------

def _annuity(principal: Decimal, r: Decimal, n: int) -> Decimal:
    """A = P·r(1+r)^n / ((1+r)^n − 1), or P/n at a zero rate."""
    if r == 0:
        return round_money(principal / n)
    growth = (1 + r) ** n
    return round_money(principal * r * growth / (growth - 1))


def _fee_total(t: LoanTerms, kind: str, deducted_only: bool = False) -> Decimal:
    return sum((f.value_for(t.principal) for f in t.fees
                if f.kind == kind and (f.deducted or not deducted_only)), ZERO)


def generate_schedule(terms: LoanTerms, limits: ProductLimits | None = None) -> Schedule:
    """Validate ``terms`` (raising DomainError) and price the schedule."""
    validate_terms(terms, limits)
    with localcontext(prec=DECIMAL_PRECISION):
        return _generate(terms, Method(terms.method))


def _generate(t: LoanTerms, method: Method) -> Schedule:
    # Quantize so a principal given as Decimal("100000") still yields 0.00-style amounts.
    p, n, grace, annual = t.principal.quantize(CENT), t.months, t.grace_months, t.annual_rate
    fee = _fee_total(t, "per_installment")
    period = first_period(t)

    def monthly_interest(balance: Decimal) -> Decimal:
        # Divide last: annual / 12 first would turn an exact half fen into 0.00499...
        return round_money(balance * annual / 12)

    # Principal part of a regular amortising installment, given the balance before it.
    if method == Method.EQUAL_INSTALLMENT:
        annuity = _annuity(p, annual / 12, n - grace)
        part_of: Callable[[Decimal], Decimal] = lambda b: annuity - monthly_interest(b)
    elif method == Method.EQUAL_PRINCIPAL:
        equal_part = round_money(p / (n - grace))
        part_of = lambda b: equal_part
    else:
        part_of = lambda b: ZERO
    rows: list[Installment] = []
    balance = p
    dates = due_dates(t)
    for k, due in enumerate(dates):
        if k == 0 and period is not None:
            interest = round_money(balance * annual * period[0] / period[1])
        else:
            interest = monthly_interest(balance)
        if k == len(dates) - 1:
            principal = balance  # the last installment absorbs every rounding residue
        elif k < grace:
            principal = ZERO
        else:
            principal = min(max(part_of(balance), ZERO), balance)
        balance -= principal
        rows.append(Installment(k + 1, due, principal, interest, fee,
                                principal + interest + fee, balance))
    # Payment times for the APR (see apr.py): a bullet pays n calendar months after the start;
    # an irregular first period lasts days x 12 / basis months, the fraction it accrued for.
    first = Decimal(1) if period is None else Decimal(period[0] * 12) / period[1]
    first = Decimal(n) if method == Method.BULLET else first
    months = tuple((first + k).quantize(_TIME_PLACES) for k in range(len(rows)))
    total_principal = sum((i.principal for i in rows), ZERO)
    total_interest = sum((i.interest for i in rows), ZERO)
    total_fee = fee * len(rows)
    return Schedule(t, tuple(rows), total_principal, total_interest, total_fee,
                    total_principal + total_interest + total_fee, _fee_total(t, "upfront"),
                    p - _fee_total(t, "upfront", deducted_only=True), months)

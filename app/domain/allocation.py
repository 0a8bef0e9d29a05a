"""How money received is applied to what is owed, and what lateness costs (no Flask here).

Allocation follows the product's order of parts, by default penalty → fee → interest →
principal, oldest installment first:

* ``vertical`` (the default): settle each installment's parts in order before the next one;
* ``horizontal``: each part across all installments, oldest first, before the next part
  (Fineract's "principal last across the loan" style).

Whatever is left after everything due is paid is the customer's credit — never lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.domain import DomainError
from app.domain.i18n import N_
from app.domain.money import CENT, ZERO, round_money

PARTS = ("penalty", "fee", "interest", "principal")
DEFAULT_ORDER = PARTS


class Strategy(StrEnum):
    """Vertical or horizontal (the module docstring); a product stores these codes."""

    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"


@dataclass(frozen=True)
class Due:
    """What one installment still owes, part by part."""

    key: int  # the installment's id (or number)
    due_date: dt.date
    penalty: Decimal = ZERO
    fee: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO


@dataclass(frozen=True)
class Allocation:
    key: int | None  # None: the customer's credit
    part: str  # penalty | fee | interest | principal | credit
    amount: Decimal


def _check(amount: Decimal, order: Sequence[str]) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise DomainError.single("amount", N_("The amount must be greater than 0."))
    if amount != amount.quantize(CENT):
        raise DomainError.single("amount", N_("The amount must have at most 2 decimal "
                                              "places."))
    if sorted(order) != sorted(PARTS):
        raise DomainError.single("order", N_("The allocation order must name penalty, fee, "
                                             "interest and principal once each."))


def allocate(amount: Decimal, dues: Sequence[Due], order: Sequence[str] = DEFAULT_ORDER,
             strategy: str = Strategy.VERTICAL) -> list[Allocation]:
    """Apply ``amount`` to ``dues``; the allocations always add up to ``amount``."""
    _check(amount, order)
    if strategy not in tuple(Strategy):
        raise DomainError.single("strategy", N_("Unknown allocation strategy %(s)s."),
                                 s=strategy)
    oldest_first = sorted(dues, key=lambda d: (d.due_date, d.key))
    slots = ([(d, p) for d in oldest_first for p in order] if strategy == Strategy.VERTICAL
             else [(d, p) for p in order for d in oldest_first])
    left = amount
    allocations: list[Allocation] = []
    for due, part in slots:
        if left <= 0:
            break
        owed = getattr(due, part)
        if owed <= 0:
            continue
        paid = min(owed, left)
        allocations.append(Allocation(due.key, part, paid))
        left -= paid
    if left > 0:
        allocations.append(Allocation(None, "credit", left))  # overpayment is kept
    return allocations


def penalty_interest(overdue_principal: Decimal, overdue_rate: Decimal, days: int,
                     basis: int = 360) -> Decimal:
    """Penalty interest for ``days`` late on ``overdue_principal`` at the annual
    ``overdue_rate`` (actual days / basis), half-up to the fen."""
    if days <= 0 or overdue_principal <= 0:
        return ZERO
    raw = overdue_principal * overdue_rate * Decimal(days) / Decimal(basis)
    return round_money(raw)


def days_past_due(due_date: dt.date, today: dt.date, settled: bool = False) -> int:
    return 0 if settled or today <= due_date else (today - due_date).days


def bucket(days: int) -> str:
    """Delinquency bucket: current, 1-30 (M1), 31-60 (M2), 61-90 (M3), 90+ (M3+)."""
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "90+"


def accrued_penalty(principal_due: Decimal, due_date: dt.date,
                    principal_payments: Sequence[tuple[dt.date, Decimal]], rate: Decimal,
                    as_of: dt.date, basis: int = 360) -> Decimal:
    """Penalty interest accrued by ``as_of`` on an installment's overdue principal.

    The principal still unpaid bears ``rate`` (annual, actual days / ``basis``) from the day
    after ``due_date``; each principal payment lowers the base from the day it was applied.
    The sum is exact and rounded once, half-up to the fen, so the figure for a given day is
    the same however often it is computed (the daily job may run twice)."""
    if as_of <= due_date or rate <= 0:
        return ZERO
    unpaid = principal_due - sum((a for d, a in principal_payments if d <= due_date),
                                 Decimal(0))
    total = Decimal(0)
    start = due_date
    for day, amount in sorted((d, a) for d, a in principal_payments if due_date < d):
        end = min(day, as_of)
        if end > start and unpaid > 0:
            total += unpaid * (end - start).days
        start = max(start, end)
        if day >= as_of:
            break
        unpaid -= amount
    if as_of > start and unpaid > 0:
        total += unpaid * (as_of - start).days
    return round_money(total * rate / Decimal(basis))


def capped_penalty_rate(overdue_rate: Decimal, annual_rate: Decimal,
                        cap: Decimal | None) -> Decimal:
    """The penalty rate charged: the contract's overdue rate, but never so high that the
    loan's rate and the penalty rate together exceed the legal cap (ARCHITECTURE.md,
    "Overdue"; the loan contract says so in its overdue clause)."""
    if cap is None:
        return overdue_rate
    return max(Decimal(0), min(overdue_rate, cap - annual_rate))

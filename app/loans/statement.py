"""What a loan owes on a day, read off its ledger and computed, never stored: the balances
(outstanding principal, interest and fees due, penalty to date, days past due, bucket,
payoff) and the amount due now, which the repayment form starts from."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.allocation import bucket
from app.domain.money import ZERO
from app.models.enums import InstallmentState, LoanState

from .ledger import PARTS, Ledger, owed, total_owed


def balances(ledger: Ledger, today: dt.date, credit: Decimal) -> dict:
    """What the loan owes on ``today`` (computed, nothing stored)."""
    active = ledger.active()
    due = [r for r in active if r.due_date <= today and r.state != InstallmentState.WRITTEN_OFF]
    penalty = sum((ledger.penalty_as_of(r, today) - r.paid_penalty for r in due), ZERO)
    dpd = max([(today - r.due_date).days for r in due
               if total_owed(r) > 0 and r.due_date < today] or [0])
    open_loan = ledger.loan.state in (LoanState.ACTIVE, LoanState.OVERDUE)
    return {
        "outstanding_principal": sum((r.principal - r.paid_principal for r in active),
                                     ZERO),
        "outstanding_interest": sum((owed(r, "interest") for r in due), ZERO),
        "outstanding_fee": sum((owed(r, "fee") for r in due), ZERO),
        "outstanding_penalty": penalty,
        "scheduled_interest_remaining": sum(
            (owed(r, "interest") for r in active if r.due_date > today), ZERO),
        "days_past_due": dpd,
        "bucket": bucket(dpd),
        "customer_credit": credit,
        "payoff_amount": max(ledger.payoff(today) - credit, ZERO) if open_loan else ZERO,
    }


def due_now(ledger: Ledger, today: dt.date, credit: Decimal) -> dict:
    """What to collect on ``today``, by part: every installment due and unpaid (penalty
    interest to date), or, when nothing is due yet, the next installment; less the
    customer's credit.  The repayment form starts from it."""
    due = ledger.due_rows(today)
    rows = due or ledger.future_rows(today)[:1]
    parts = {p: sum((owed(r, p) for r in rows), ZERO) for p in PARTS}
    parts["penalty"] = sum((ledger.penalty_as_of(r, today) - r.paid_penalty for r in rows),
                           ZERO)
    total = max(sum(parts.values(), ZERO) - credit, ZERO)
    # Paid ahead, an installment is never more than settling the whole loan today (a
    # bullet's one installment carries the whole term's interest).
    payoff = max(ledger.payoff(today) - credit, ZERO)
    capped = not due and payoff < total
    return {**parts, "installments": [r.n for r in rows], "credit": credit,
            "due": bool(due), "due_date": rows[0].due_date if rows else None,
            "capped": capped, "total": payoff if capped else total}

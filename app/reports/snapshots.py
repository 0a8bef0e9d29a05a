"""Month-end pictures of the loan book (``portfolio_snapshot``) for the 12-month trends.

``take_snapshot(day)`` — run by the daily job — replaces the month's rows with the book as it
stands (one INSERT … SELECT … GROUP BY).  ``backfill(months)`` rebuilds past month ends from
the history the ledger keeps (principal allocations with the day they were applied,
installments' due and paid dates), for a database that had no job running then.

The book is the loans being repaid (active or overdue): settled and written-off loans have
left it.  A loan is overdue on a day when an installment due before it was still unpaid.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import case, delete, func, insert, literal, or_, select

from app.extensions import db
from app.models import Installment, Loan, PortfolioSnapshot, Repayment, RepaymentAllocation
from app.models.enums import AllocationPart, InstallmentState, LoanState
from app.scoping import scope_clause

from . import sql
from .base import money, money_sum
from .filters import month_start

log = logging.getLogger(__name__)
COLUMNS = ["month", "as_of", "owner_id", "team_id", "branch_id", "product_id", "funder_id",
           "loans", "outstanding", "overdue_loans", "overdue_principal", "par30_principal"]


def _insert(month: str, as_of: dt.date, source, balance, dpd) -> int:
    """Group ``source`` (a selectable with the loan's dimensions, ``balance`` and ``dpd``)."""
    dims = [source.c.owner_id, source.c.team_id, source.c.branch_id, source.c.product_id,
            source.c.funder_id]
    select_rows = select(
        literal(month), literal(as_of), *dims, func.count(),
        func.coalesce(func.sum(balance), 0),
        func.coalesce(func.sum(case((dpd > 0, 1), else_=0)), 0),
        func.coalesce(func.sum(case((dpd > 0, balance), else_=0)), 0),
        func.coalesce(func.sum(case((dpd > 30, balance), else_=0)), 0),
    ).group_by(*dims)
    db.session.execute(delete(PortfolioSnapshot).where(PortfolioSnapshot.month == month))
    db.session.execute(insert(PortfolioSnapshot).from_select(COLUMNS, select_rows))
    # (rowcount of INSERT … SELECT is -1 on PostgreSQL: count what the month now holds)
    return db.session.scalar(select(func.count()).select_from(PortfolioSnapshot)
                             .where(PortfolioSnapshot.month == month)) or 0


def take_snapshot(day: dt.date) -> int:
    """The book today, as the month's row (the last run of a month is its month end)."""
    book = select(Loan.owner_id, Loan.team_id, Loan.branch_id, Loan.product_id, Loan.funder_id,
                  Loan.outstanding_principal.label("balance"),
                  Loan.days_past_due.label("dpd")) \
        .where(Loan.state.in_((LoanState.ACTIVE, LoanState.OVERDUE))).subquery()
    rows = _insert(f"{day:%Y-%m}", day, book, book.c.balance, book.c.dpd)
    db.session.commit()
    return rows


def month_end(first: dt.date) -> dt.date:
    return month_start(first, -1) - dt.timedelta(days=1)


def book_on(day: dt.date):
    """Each loan being repaid on ``day`` with its principal balance and days past due then."""
    repaid = (select(func.coalesce(func.sum(RepaymentAllocation.amount), 0))
              .join(Repayment, Repayment.id == RepaymentAllocation.repayment_id)
              .where(Repayment.loan_id == Loan.id,
                     RepaymentAllocation.part == AllocationPart.PRINCIPAL,
                     func.coalesce(RepaymentAllocation.applied_on, Repayment.paid_on) <= day)
              .correlate(Loan).scalar_subquery())
    oldest_unpaid = (select(func.min(Installment.due_date))
                     .where(Installment.loan_id == Loan.id,
                            Installment.state != InstallmentState.CANCELLED,
                            Installment.due_date < day,
                            or_(Installment.paid_on.is_(None), Installment.paid_on > day))
                     .correlate(Loan).scalar_subquery())
    return select(Loan.owner_id, Loan.team_id, Loan.branch_id, Loan.product_id,
                  Loan.funder_id, (Loan.principal - repaid).label("balance"),
                  oldest_unpaid.label("oldest")) \
        .where(Loan.state.in_((LoanState.ACTIVE, LoanState.OVERDUE, LoanState.SETTLED)),
               Loan.disbursed_on <= day,
               or_(Loan.settled_on.is_(None), Loan.settled_on > day)).subquery()


def backfill(months: int, today: dt.date, *, replace: bool = False) -> int:
    """Month ends of the ``months`` months before ``today``'s (kept ones unless ``replace``)."""
    have = set(db.session.scalars(select(PortfolioSnapshot.month).distinct()))
    written = 0
    for back in range(months, 0, -1):
        first = month_start(today, back)
        label = f"{first:%Y-%m}"
        if label in have and not replace:
            continue
        end = month_end(first)
        book = book_on(end)
        dpd = case((book.c.oldest.is_(None), 0),
                   else_=sql.days_between(book.c.oldest, literal(end)))
        written += _insert(label, end, book, book.c.balance, dpd)
        db.session.commit()
        log.info("portfolio snapshot %s rebuilt", label)
    return written


def overdue_trend(months: list[str]) -> dict[str, tuple]:
    """(outstanding, overdue principal) per month from the snapshots, in the user's scope."""
    query = select(PortfolioSnapshot.month, money_sum(PortfolioSnapshot.outstanding),
                   money_sum(PortfolioSnapshot.overdue_principal)) \
        .where(PortfolioSnapshot.month.in_(months)).group_by(PortfolioSnapshot.month)
    clause = scope_clause(PortfolioSnapshot)
    if clause is not None:
        query = query.where(clause)
    return {m: (money(total), money(overdue))
            for m, total, overdue in sql.reader().execute(query)}


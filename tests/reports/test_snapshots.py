"""Month-end pictures of the book (the dashboard's overdue trend) and the installments'
``max_dpd`` (the vintage curves): each checked against the loans' own history, rebuilt here
in Python day by day from repayments and due dates."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal as D

from sqlalchemy import func, select

from app.extensions import db
from app.loans import business_today
from app.models import Installment, Loan, PortfolioSnapshot
from app.reports.filters import month_start
from app.reports.snapshots import backfill, month_end, take_snapshot
from tests.factories import disbursed_loan, pay, rows


def book_by_hand(day: dt.date) -> dict:
    """Outstanding, overdue and 30+ principal of the loans being repaid on ``day``."""
    totals = defaultdict(D)
    for loan in db.session.scalars(select(Loan).where(
            Loan.state.in_(("active", "overdue", "settled")), Loan.disbursed_on <= day)):
        if loan.settled_on is not None and loan.settled_on <= day:
            continue
        repaid = D(0)
        for rep in loan.repayments:
            for part in rep.allocations:
                if part.part == "principal" and (part.applied_on or rep.paid_on) <= day:
                    repaid += part.amount
        balance = loan.principal - repaid
        unpaid = [i.due_date for i in loan.installments if i.state != "cancelled"
                  and i.due_date < day and (i.paid_on is None or i.paid_on > day)]
        dpd = (day - min(unpaid)).days if unpaid else 0
        totals["loans"] += 1
        totals["outstanding"] += balance
        totals["overdue_loans"] += dpd > 0
        totals["overdue"] += balance if dpd > 0 else 0
        totals["par30"] += balance if dpd > 30 else 0
    return totals


def stored(month: str) -> dict:
    rows_ = db.session.scalars(select(PortfolioSnapshot).where(PortfolioSnapshot.month == month))
    totals = defaultdict(D)
    for r in rows_:
        totals["loans"] += r.loans
        totals["outstanding"] += r.outstanding
        totals["overdue_loans"] += r.overdue_loans
        totals["overdue"] += r.overdue_principal
        totals["par30"] += r.par30_principal
    return totals


def test_todays_snapshot_is_the_book_as_it_stands(ctx):
    today = business_today()
    take_snapshot(today)
    book = [loan for loan in db.session.scalars(select(Loan).where(
        Loan.state.in_(("active", "overdue"))))]
    got = stored(f"{today:%Y-%m}")
    assert got["loans"] == len(book) > 0
    assert got["outstanding"] == sum(loan.outstanding_principal for loan in book)
    assert got["overdue"] == sum(loan.outstanding_principal for loan in book
                                 if loan.days_past_due > 0) > 0
    assert got["par30"] == sum(loan.outstanding_principal for loan in book
                               if loan.days_past_due > 30)


def test_past_month_ends_are_rebuilt_from_the_history(ctx):
    today = business_today()
    backfill(6, today, replace=True)
    checked = 0
    for back in range(1, 7):
        first = month_start(today, back)
        expected = book_by_hand(month_end(first))
        got = stored(f"{first:%Y-%m}")
        for key in ("loans", "outstanding", "overdue_loans", "overdue", "par30"):
            assert got[key] == expected[key], (first, key)
        checked += expected["loans"] > 0
    assert checked >= 3  # the demo book reaches back several months


def test_the_dashboard_trend_reads_the_snapshots(app, client, auth, ctx):
    today = business_today()
    backfill(3, today, replace=True)
    take_snapshot(today)
    headers = {"Authorization": f"Bearer {auth.token('admin')}"}
    trend = {t["month"]: t for t in client.get("/api/v1/dashboard",
                                               headers=headers).get_json()["trend"]}
    for back in range(3):
        first = month_start(today, back)
        book = stored(f"{first:%Y-%m}")
        row = trend[f"{first:%Y-%m}"]
        assert D(row["outstanding"]) == book["outstanding"]
        assert D(row["overdue_rate"]) == (book["overdue"] / book["outstanding"]).quantize(
            D("0.0001"))


def test_max_dpd_remembers_how_late_an_installment_was_paid(ctx):
    loan = disbursed_loan(principal="12000.00", months=12)  # first due 2026-02-15
    first = rows(loan)[0]
    owed = first.principal + first.interest
    pay(loan, str(owed + D("50.00")), "2026-03-27")  # 40 days late, penalty included
    db.session.refresh(first)
    assert first.state == "paid" and first.paid_on == dt.date(2026, 3, 27)
    assert first.max_dpd == 40 and first.days_past_due == 0
    second = rows(loan)[1]  # due 2026-03-15, paid in part only: 12 days late that day
    assert second.state == "overdue" and second.max_dpd == second.days_past_due == 12
    # The vintage query finds the late ones through max_dpd alone.
    late = db.session.scalars(select(Installment.n).where(Installment.loan_id == loan.id,
                                                          Installment.max_dpd >= 30)
                              .order_by(Installment.n))
    assert list(late) == [1]


def test_the_job_reports_how_many_snapshot_rows_it_wrote(ctx):
    today = business_today()
    written = take_snapshot(today)
    assert written == db.session.scalar(select(func.count()).select_from(PortfolioSnapshot)
                                        .where(PortfolioSnapshot.month == f"{today:%Y-%m}"))
    assert written > 0

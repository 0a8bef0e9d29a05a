"""Disbursement, repayment allocation, early settlement, prepayment and reversal, against
hand-worked figures.

The loan used throughout: ¥12,000.00 over 12 months, 等额本金 (1,000.00 principal a month),
6% a year (0.5% a month: interest 60.00, 55.00, 50.00, …), disbursed 2026-01-15, due on the
15th; overdue rate 9% a year, which the legal cap (4 × LPR 3.0% = 12%) cuts to 12% − 6% = 6%.
"""

from __future__ import annotations

import uuid
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loans import service
from app.loans.service import LoanRefused
from app.models import Channel, Loan, Repayment, RepaymentAllocation
from tests.factories import (
    DISBURSED,
    booked_loan,
    day,
    disbursed_loan,
    new_application,
    pay,
    rows,
)


def parts(rep) -> list[tuple[int | None, str, D]]:
    allocations = db.session.scalars(select(RepaymentAllocation).where(
        RepaymentAllocation.repayment_id == rep.id).order_by(RepaymentAllocation.id))
    return [(a.installment.n if a.installment else None, a.part, a.amount)
            for a in allocations]


def assert_allocations_add_up(loan):
    """Every repayment's allocations (credit included) add up to the amount received."""
    for rep in db.session.scalars(select(Repayment).where(Repayment.loan_id == loan.id)):
        total = db.session.scalar(select(func.sum(RepaymentAllocation.amount)).where(
            RepaymentAllocation.repayment_id == rep.id))
        assert D(total) == rep.amount, (rep.id, total, rep.amount)


def test_disbursement_stores_the_schedule_and_activates_the_loan(ctx):
    loan = disbursed_loan()
    schedule = rows(loan)
    assert loan.state == "active" and loan.outstanding_principal == D("12000.00")
    assert [r.due_date for r in schedule[:3]] == [day("2026-02-15"), day("2026-03-15"),
                                                  day("2026-04-15")]
    assert [r.principal for r in schedule] == [D("1000.00")] * 12
    assert [r.interest for r in schedule[:3]] == [D("60.00"), D("55.00"), D("50.00")]
    assert schedule[-1].interest == D("5.00")


def test_disbursement_refuses_a_wrong_amount_and_a_second_payout(ctx):
    loan = disbursed_loan()
    with pytest.raises(LoanRefused):
        service.disburse(loan, {"disbursed_on": "2026-01-15", "amount": "12000.00",
                                "funder_reference": "again"}, today=DISBURSED)
    pending = booked_loan(principal="5000.00", months=6)
    with pytest.raises(LoanRefused) as refused:
        service.disburse(pending, {"disbursed_on": "2026-01-15", "amount": "4999.99",
                                   "funder_reference": "x"}, today=DISBURSED)
    assert "amount" in refused.value.errors
    assert db.session.get(Loan, pending.id).state == "pending"
    assert not rows(pending)


def test_partial_payment_leaves_the_installment_partly_paid(ctx):
    loan = disbursed_loan()
    rep = pay(loan, "500.00", "2026-02-15")
    first = rows(loan)[0]
    assert parts(rep) == [(1, "interest", D("60.00")), (1, "principal", D("440.00"))]
    assert first.state == "partial" and first.paid_principal == D("440.00")
    assert loan.outstanding_principal == D("11560.00")
    assert_allocations_add_up(loan)


def test_exact_payment_pays_the_installment(ctx):
    loan = disbursed_loan()
    pay(loan, "1060.00", "2026-02-15")
    first, second = rows(loan)[:2]
    assert first.state == "paid" and first.paid_on == day("2026-02-15")
    assert second.state == "due" and second.paid_principal == 0
    assert loan.state == "active" and loan.outstanding_principal == D("11000.00")


def test_late_payment_pays_penalty_first_at_the_capped_rate(ctx):
    loan = disbursed_loan()
    # 23 days late (15 Feb → 10 Mar): 1,000.00 × 6% × 23 / 360 = 3.8333 → 3.83
    rep = pay(loan, "1063.83", "2026-03-10")
    assert parts(rep) == [(1, "penalty", D("3.83")), (1, "interest", D("60.00")),
                          (1, "principal", D("1000.00"))]
    assert rows(loan)[0].state == "paid"
    assert loan.state == "active" and loan.days_past_due == 0


def test_overpayment_is_kept_as_credit_and_used_when_the_next_installment_starts(ctx):
    loan = disbursed_loan()
    rep = pay(loan, "2215.00", "2026-02-15")
    # 1,060.00 due, then the current period (#2, 1,055.00) in advance, 100.00 left as credit
    assert parts(rep)[-1] == (None, "credit", D("100.00"))
    assert rows(loan)[1].state == "paid" and rows(loan)[1].paid_principal == D("1000.00")
    assert loan.customer_credit == D("100.00")
    assert_allocations_add_up(loan)
    # The daily job on 16 March: #2 is paid, the credit goes to #3 (interest 50.00 first).
    from app.loans.job import run_daily

    run_daily(day("2026-03-16"), loan_ids=[loan.id])
    db.session.expire_all()
    third = rows(loan)[2]
    assert (third.paid_interest, third.paid_principal) == (D("50.00"), D("50.00"))
    assert db.session.get(Loan, loan.id).customer_credit == D("0.00")
    assert_allocations_add_up(loan)


def test_early_settlement_charges_interest_to_the_payment_date(ctx):
    loan = disbursed_loan()
    pay(loan, "1060.00", "2026-02-15")
    # #2's period runs 15 Feb → 1 Mar: 16 days (30/360); 11,000.00 × 6% × 16/360 = 29.33
    quote = service.balances(loan, today=day("2026-03-01"))
    assert quote["payoff_amount"] == D("11029.33")
    rep = pay(loan, "11100.00", "2026-03-01")
    loan = db.session.get(Loan, loan.id)
    assert loan.state == "settled" and loan.settled_on == day("2026-03-01")
    assert loan.customer_credit == D("70.67")  # the overpayment is kept, not lost
    schedule = rows(loan)
    assert schedule[1].interest == D("29.33")
    assert all(r.interest == 0 for r in schedule[2:])
    assert all(r.state == "paid" for r in schedule)
    assert sum(a[2] for a in parts(rep)) == D("11100.00")


def test_full_period_rule_charges_the_whole_current_interest(ctx):
    loan = disbursed_loan(settlement="full_period")
    pay(loan, "1060.00", "2026-02-15")
    assert service.balances(loan, today=day("2026-03-01"))["payoff_amount"] == \
        D("11055.00")


@pytest.mark.parametrize("mode,count,first_principal,last_due", [
    # 6,000.00 left over the 11 remaining periods: round(6000/11) = 545.45, the last 545.50
    ("lower_installment", 11, D("545.45"), day("2027-01-15")),
    # the same 1,000.00 a month: 6 periods, the term ends in August
    ("shorten_term", 6, D("1000.00"), day("2026-08-15")),
])
def test_partial_prepayment_regenerates_the_rest(ctx, mode, count, first_principal,
                                                 last_due):
    loan = disbursed_loan()
    rep = pay(loan, "6060.00", "2026-02-15", prepayment=mode)
    schedule = [r for r in rows(loan) if r.state != "cancelled"]
    # #1 paid as due; #2 becomes the prepayment (5,000.00 principal, no interest: 0 days)
    assert (schedule[1].principal, schedule[1].interest, schedule[1].state) == (
        D("5000.00"), D("0.00"), "paid")
    rest = schedule[2:]
    assert len(rest) == count
    assert rest[0].due_date == day("2026-03-15") and rest[0].principal == first_principal
    assert rest[0].interest == D("30.00")  # 6,000.00 × 0.5%
    assert rest[-1].due_date == last_due
    assert sum(r.principal for r in rest) == D("6000.00")
    assert sum(r.principal for r in schedule) == D("12000.00")
    assert loan.outstanding_principal == D("6000.00")
    assert sum(a[2] for a in parts(rep)) == D("6060.00")


def test_reversal_then_replay(ctx):
    loan = disbursed_loan()
    first = pay(loan, "1060.00", "2026-02-15")
    pay(loan, "1055.00", "2026-03-15")
    mirror = service.reverse(first, "posted to the wrong loan", today=day("2026-03-20"))
    loan = db.session.get(Loan, loan.id)
    assert mirror.amount == D("-1060.00") and mirror.reversal_of_id == first.id
    assert db.session.get(Repayment, first.id) is not None  # never deleted
    one, two = rows(loan)[:2]
    # Replayed: the 1,055.00 of 15 Mar now meets #1, 28 days late:
    # penalty 1,000.00 × 6% × 28/360 = 4.67; interest 60.00; principal 990.33.
    assert (one.paid_penalty, one.paid_interest, one.paid_principal) == (
        D("4.67"), D("60.00"), D("990.33"))
    # On 20 Mar #1 still owes 9.67 principal (5 more days of penalty: 0.0081 → total 4.67)
    # and #2 is 5 days late: 1,000.00 × 6% × 5/360 = 0.83.
    assert one.state == "overdue" and one.days_past_due == 33 and one.penalty == D("4.67")
    assert two.state == "overdue" and two.penalty == D("0.83")
    assert loan.state == "overdue" and loan.days_past_due == 33
    assert_allocations_add_up(loan)
    with pytest.raises(LoanRefused):
        service.reverse(first, "again", today=day("2026-03-20"))
    with pytest.raises(LoanRefused):
        service.reverse(mirror, "a reversal", today=day("2026-03-20"))


def test_the_same_payment_twice_is_posted_once(ctx):
    loan = disbursed_loan()
    data = {"amount": "1060.00", "paid_on": "2026-02-15", "reference": "BANK-1",
            "idempotency_key": uuid.uuid4().hex}
    first, created = service.post_repayment(loan, data, today=day("2026-02-15"))
    again, created_again = service.post_repayment(loan, data, today=day("2026-02-15"))
    by_reference, _ = service.post_repayment(
        loan, {**data, "idempotency_key": None}, today=day("2026-02-15"))
    assert created and not created_again and again.id == first.id == by_reference.id
    count = db.session.scalar(select(func.count(Repayment.id)).where(
        Repayment.loan_id == loan.id))
    assert count == 1
    with pytest.raises(LoanRefused) as refused:
        service.post_repayment(loan, {**data, "amount": "99.00"}, today=day("2026-02-15"))
    assert "idempotency_key" in refused.value.errors


@pytest.mark.parametrize("data,field", [
    ({"amount": "-5", "paid_on": "2026-02-15"}, "amount"),
    ({"amount": "0", "paid_on": "2026-02-15"}, "amount"),
    ({"amount": "10.001", "paid_on": "2026-02-15"}, "amount"),
    ({"amount": "abc", "paid_on": "2026-02-15"}, "amount"),
    ({"amount": "10", "paid_on": "2026-02-30"}, "paid_on"),
    ({"amount": "10", "paid_on": "2026-12-31"}, "paid_on"),
    ({"amount": "10", "paid_on": "2026-01-01"}, "paid_on"),
    ({"amount": "10", "paid_on": "2026-02-15", "prepayment": "sometimes"}, "prepayment"),
    ({"amount": "10", "paid_on": "2026-02-15", "colour": "red"}, "colour"),
    ({"amount": "10", "paid_on": "2026-02-15", "reference": "x" * 65}, "reference"),
])
def test_bad_repayments_are_refused_and_change_nothing(ctx, data, field):
    loan = disbursed_loan()
    with pytest.raises(LoanRefused) as refused:
        service.post_repayment(loan, data, today=day("2026-02-15"))
    assert field in refused.value.errors
    assert not db.session.scalar(select(func.count(Repayment.id)).where(
        Repayment.loan_id == loan.id))
    assert all(r.paid_principal == 0 for r in rows(loan))


def test_booking_copies_the_applications_owner_and_channel(ctx, monkeypatch):
    """The loan keeps its application's salesperson, team, branch and channel (the reports
    group loans by channel from the loan alone).  Nothing is committed: rolled back after."""
    channel = db.session.scalars(select(Channel).order_by(Channel.id)).first()
    application = new_application("approved", "sales2", channel=channel)
    monkeypatch.setattr(db.session, "commit", db.session.flush)
    loan = service.book(application)
    assert (loan.channel_id, loan.owner_id, loan.team_id, loan.branch_id) == (
        application.channel_id, application.owner_id, application.team_id,
        application.branch_id)

"""Allocation of repayments and penalty interest, against hand-worked numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import DomainError
from app.domain.allocation import (
    Allocation,
    Due,
    allocate,
    bucket,
    days_past_due,
    penalty_interest,
)

D = Decimal
JAN, FEB = dt.date(2026, 1, 31), dt.date(2026, 2, 28)
# Two installments of the 100,000 / 12% / 12-month equal-installment loan (worked by hand:
# 1st = 7,884.88 principal + 1,000.00 interest; 2nd = 7,963.73 + 921.15), the first one
# 10 days late with 26.28 penalty (7,884.88 × 12% × 10 / 360 = 26.2829 → 26.28) and a
# 50.00 fee.
FIRST = Due(1, JAN, penalty=D("26.28"), fee=D("50.00"), interest=D("1000.00"),
            principal=D("7884.88"))
SECOND = Due(2, FEB, interest=D("921.15"), principal=D("7963.73"))


def parts(allocations):
    return [(a.key, a.part, a.amount) for a in allocations]


def test_exact_payment_of_the_first_installment():
    assert parts(allocate(D("8961.16"), [SECOND, FIRST])) == [
        (1, "penalty", D("26.28")), (1, "fee", D("50.00")), (1, "interest", D("1000.00")),
        (1, "principal", D("7884.88"))]


def test_partial_payment_stops_inside_the_oldest_installment():
    # 1,000.00: penalty 26.28, fee 50.00, then 923.72 of the 1,000.00 interest
    assert parts(allocate(D("1000.00"), [FIRST, SECOND])) == [
        (1, "penalty", D("26.28")), (1, "fee", D("50.00")), (1, "interest", D("923.72"))]


def test_overpayment_becomes_credit_and_nothing_is_lost():
    # owed in all: 8,961.16 + 8,884.88 = 17,846.04; paid 18,000.00 → credit 153.96
    result = allocate(D("18000.00"), [FIRST, SECOND])
    assert result[-1] == Allocation(None, "credit", D("153.96"))
    assert sum(a.amount for a in result) == D("18000.00")


def test_horizontal_strategy_takes_each_part_across_installments_first():
    # interest of both (1,000.00 + 921.15) before any principal
    result = parts(allocate(D("2000.00"), [FIRST, SECOND], strategy="horizontal"))
    assert result == [(1, "penalty", D("26.28")), (1, "fee", D("50.00")),
                      (1, "interest", D("1000.00")), (2, "interest", D("921.15")),
                      (1, "principal", D("2.57"))]


def test_a_product_order_puts_principal_first():
    result = parts(allocate(D("8000.00"), [FIRST], order=("principal", "interest", "fee",
                                                           "penalty")))
    assert result == [(1, "principal", D("7884.88")), (1, "interest", D("115.12"))]


@pytest.mark.parametrize("amount", [D("0"), D("-1.00"), D("1.005")])
def test_bad_amounts_are_refused(amount):
    with pytest.raises(DomainError):
        allocate(amount, [FIRST])


def test_penalty_interest_worked_by_hand():
    assert penalty_interest(D("7884.88"), D("0.12"), 10) == D("26.28")
    # 100,000 × 18% × 45 / 360 = 2,250.00
    assert penalty_interest(D("100000.00"), D("0.18"), 45) == D("2250.00")
    assert penalty_interest(D("100000.00"), D("0.18"), 0) == D("0.00")


@pytest.mark.parametrize("days,expected", [(0, "current"), (1, "1-30"), (30, "1-30"),
                                           (31, "31-60"), (60, "31-60"), (61, "61-90"),
                                           (90, "61-90"), (91, "90+")])
def test_buckets_at_their_boundaries(days, expected):
    assert bucket(days) == expected


def test_days_past_due():
    assert days_past_due(JAN, dt.date(2026, 2, 10)) == 10
    assert days_past_due(JAN, JAN) == 0
    assert days_past_due(JAN, dt.date(2026, 3, 1), settled=True) == 0


money = st.decimals(min_value=D("0.01"), max_value=D("50000"), places=2)


@settings(max_examples=300, deadline=None)
@given(money, st.lists(st.tuples(money, money, money, money), min_size=1, max_size=6),
       st.sampled_from(["vertical", "horizontal"]))
def test_allocations_always_add_up_to_the_amount(amount, owed, strategy):
    dues = [Due(i, dt.date(2026, 1, 1) + dt.timedelta(days=30 * i), *o)
            for i, o in enumerate(owed)]
    result = allocate(amount, dues, strategy=strategy)
    assert sum(a.amount for a in result) == amount
    for due in dues:
        for part in ("penalty", "fee", "interest", "principal"):
            paid = sum(a.amount for a in result if a.key == due.key and a.part == part)
            assert paid <= getattr(due, part)

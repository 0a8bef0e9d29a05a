"""Schedules against numbers worked by hand (the working is in the comments)."""

from datetime import date
from decimal import Decimal as D

import pytest

from app.domain import DomainError
from app.domain.schedule import (
    DayCount,
    Fee,
    LoanTerms,
    Method,
    ProductLimits,
    days_360,
    generate_schedule,
    validate_terms,
)

START = date(2026, 1, 15)


def terms(method=Method.EQUAL_INSTALLMENT, principal="100000", rate="0.12", months=12, **kw):
    return LoanTerms(D(principal), D(rate), months, method, kw.pop("start_date", START), **kw)


def totals(schedule):
    return [i.total for i in schedule.installments]


# --- 100,000 at 12 % a year for 12 months (the brief's numbers) -------------------------------

def test_equal_installment_hand_worked():
    # r = 0.01; 1.01^12 = 1.12682503; A = 100000 x 0.01 x 1.12682503 / 0.12682503 = 8884.8788
    # -> 8,884.88.  Eleven of those plus a last one of 8,884.85 (it absorbs the rounding):
    # total paid 106,618.53, so interest 6,618.53.
    s = generate_schedule(terms())
    assert totals(s)[:11] == [D("8884.88")] * 11
    assert s.installments[-1].total == D("8884.85")
    assert s.total_interest == D("6618.53")
    assert s.total_principal == D("100000.00")
    # Period 1: interest 100,000 x 0.01 = 1,000.00, principal 7,884.88, balance 92,115.12.
    first = s.installments[0]
    assert (first.interest, first.principal, first.balance) == (
        D("1000.00"), D("7884.88"), D("92115.12"))
    # Period 2: 92,115.12 x 0.01 = 921.1512 -> 921.15.
    assert s.installments[1].interest == D("921.15")
    assert s.installments[-1].balance == D("0.00")
    assert s.total_payment == D("106618.53")


def test_equal_principal_hand_worked():
    # 100,000 / 12 = 8,333.33 a month; period 1 interest 1,000.00 -> 9,333.33.
    # Last principal 100,000 - 11 x 8,333.33 = 8,333.37, interest 83.3337 -> 83.33: 8,416.70.
    # Interest by period: 1000.00 916.67 833.33 750.00 666.67 583.33 500.00 416.67 333.33
    # 250.00 166.67 83.33 -> 6,500.00.
    s = generate_schedule(terms(Method.EQUAL_PRINCIPAL))
    first, last = s.installments[0], s.installments[-1]
    assert (first.principal, first.interest, first.total) == (
        D("8333.33"), D("1000.00"), D("9333.33"))
    assert (last.principal, last.interest, last.total) == (
        D("8333.37"), D("83.33"), D("8416.70"))
    assert s.total_interest == D("6500.00")
    assert [i.interest for i in s.installments][1:4] == [D("916.67"), D("833.33"), D("750.00")]


def test_interest_only_hand_worked():
    # 100,000 at 1 % a month for 6 months: 1,000.00 five times, then 100,000 + 1,000.
    s = generate_schedule(terms(Method.INTEREST_ONLY, months=6))
    assert totals(s) == [D("1000.00")] * 5 + [D("101000.00")]
    assert [i.balance for i in s.installments] == [D("100000.00")] * 5 + [D("0.00")]
    assert s.total_interest == D("6000.00")


def test_bullet_30_360():
    # 100,000 x 12 % x 12 x 30 / 360 = 12,000 -> one payment of 112,000.00 at start + 12 months.
    s = generate_schedule(terms(Method.BULLET))
    assert len(s.installments) == 1
    only = s.installments[0]
    assert (only.due_date, only.interest, only.total) == (
        date(2027, 1, 15), D("12000.00"), D("112000.00"))
    assert s.payment_months == (D(12),)


@pytest.mark.parametrize(
    ("start", "day_count", "interest"),
    [
        # 2026-03-01 -> 2027-03-01 is 365 days: 12,000 x 365/365 = 12,000.00.
        (date(2026, 3, 1), DayCount.ACT_365, D("12000.00")),
        # Same days on a 360 basis: 12,000 x 365/360 = 12,166.666... -> 12,166.67.
        (date(2026, 3, 1), DayCount.ACT_360, D("12166.67")),
        # 2027-03-01 -> 2028-03-01 spans 29 Feb 2028, 366 days: 12,000 x 366/365 = 12,032.876...
        (date(2027, 3, 1), DayCount.ACT_365, D("12032.88")),
        (date(2027, 3, 1), DayCount.THIRTY_360, D("12000.00")),
    ],
)
def test_bullet_day_counts(start, day_count, interest):
    s = generate_schedule(terms(Method.BULLET, start_date=start, day_count=day_count))
    assert s.installments[0].interest == interest


def test_zero_rate():
    # 12,000 / 12 = 1,000.00 each, no interest, no division by zero.
    s = generate_schedule(terms(principal="12000", rate="0"))
    assert totals(s) == [D("1000.00")] * 12
    assert s.total_interest == D("0.00")
    # 10,000 / 3 = 3,333.33, 3,333.33 and the last takes 3,333.34.
    s = generate_schedule(terms(Method.EQUAL_PRINCIPAL, principal="10000", rate="0", months=3))
    assert totals(s) == [D("3333.33"), D("3333.33"), D("3333.34")]


# --- Due dates --------------------------------------------------------------------------------

def test_month_end_clamping_does_not_drift():
    s = generate_schedule(terms(start_date=date(2026, 1, 31)))
    assert [i.due_date for i in s.installments] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
        date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30),
        date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31)]
    # A regular schedule from a month end: 31 Jan -> 28 Feb is still a full month, 1,000.00.
    assert s.installments[0].interest == D("1000.00")


def test_leap_february_and_the_day_30_anchor():
    s = generate_schedule(terms(start_date=date(2027, 11, 30), months=4))
    assert [i.due_date for i in s.installments] == [
        date(2027, 12, 30), date(2028, 1, 30), date(2028, 2, 29), date(2028, 3, 30)]


def test_days_360_counts_month_ends_as_day_30():
    assert days_360(date(2026, 1, 31), date(2026, 2, 28)) == 30
    assert days_360(date(2026, 2, 28), date(2026, 3, 31)) == 30
    assert days_360(date(2026, 1, 10), date(2026, 2, 20)) == 40
    assert days_360(date(2026, 3, 25), date(2026, 4, 5)) == 10


def test_fixed_repayment_day_with_a_long_first_period():
    # Start 10 Jan, repayment day 20: first due 20 Feb.  30/360 days: 30 + (20 - 10) = 40.
    # Interest 100,000 x 12 % x 40/360 = 1,333.333 -> 1,333.33.
    # Equal principal: 8,333.33 + 1,333.33 = 9,666.66; then 91,666.67 x 1 % = 916.67 -> 9,250.00.
    s = generate_schedule(terms(Method.EQUAL_PRINCIPAL, start_date=date(2026, 1, 10),
                                repayment_day=20))
    assert [i.due_date for i in s.installments[:3]] == [
        date(2026, 2, 20), date(2026, 3, 20), date(2026, 4, 20)]
    assert totals(s)[:2] == [D("9666.66"), D("9250.00")]
    # The time of each payment for the APR: 40/30 months, then a month apart.
    assert abs(s.payment_months[0] - D(40) / 30) < D("1e-11")
    assert s.payment_months[1] - s.payment_months[0] == 1
    # Equal installment: only period 1's interest changes; principal 8,884.88 - 1,000.00.
    s = generate_schedule(terms(start_date=date(2026, 1, 10), repayment_day=20))
    first = s.installments[0]
    assert (first.principal, first.interest, first.total) == (
        D("7884.88"), D("1333.33"), D("9218.21"))
    assert totals(s)[1:11] == [D("8884.88")] * 10
    assert s.installments[-1].total == D("8884.85")


@pytest.mark.parametrize(
    ("day_count", "interest"),
    [
        # Start 25 Mar, day 5: first due 5 Apr, a short period.
        (DayCount.THIRTY_360, D("333.33")),  # 30 + 5 - 25 = 10 days: 12,000 x 10/360
        (DayCount.ACT_360, D("366.67")),  # 11 actual days: 12,000 x 11/360 = 366.666...
        (DayCount.ACT_365, D("361.64")),  # 12,000 x 11/365 = 361.643...
    ],
)
def test_short_first_period_by_day_count(day_count, interest):
    s = generate_schedule(terms(Method.INTEREST_ONLY, start_date=date(2026, 3, 25),
                                repayment_day=5, day_count=day_count))
    assert s.installments[0].due_date == date(2026, 4, 5)
    assert s.installments[0].interest == interest
    assert s.installments[1].interest == D("1000.00")  # regular months are r whatever the basis


def test_month_end_repayment_day_and_explicit_first_due_date():
    # Day 31 = month end.  10 Feb -> 31 Mar is 30 + (30 - 10) = 50 days on 30E/360:
    # 100,000 x 12 % x 50/360 = 1,666.666... -> 1,666.67.
    s = generate_schedule(terms(Method.INTEREST_ONLY, start_date=date(2026, 2, 10),
                                repayment_day=31, months=3))
    assert [i.due_date for i in s.installments] == [
        date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    assert s.installments[0].interest == D("1666.67")
    s = generate_schedule(terms(Method.INTEREST_ONLY, start_date=date(2026, 2, 10),
                                first_due_date=date(2026, 3, 31), repayment_day=31, months=2))
    assert s.installments[0].interest == D("1666.67")
    # First due 1 Mar without a repayment day: anchor day 1 from then on.
    # 30/360 days 10 Feb -> 1 Mar: 30 + (1 - 10) = 21; 100,000 x 12 % x 21/360 = 700.00.
    s = generate_schedule(terms(Method.INTEREST_ONLY, start_date=date(2026, 2, 10),
                                first_due_date=date(2026, 3, 1), months=2))
    assert [i.due_date for i in s.installments] == [date(2026, 3, 1), date(2026, 4, 1)]
    assert s.installments[0].interest == D("700.00")


# --- Grace months and fees ------------------------------------------------------------------

def test_grace_months_then_equal_principal():
    # 120,000 at 12 %, 12 months, 2 grace months: 1,200.00 interest twice, then 12,000 of
    # principal a month for 10 months.  3rd: 12,000 + 1,200 = 13,200; last: 12,000 + 120.
    # Interest: 2 x 1,200 + 120 x (10 + 9 + ... + 1) = 2,400 + 6,600 = 9,000.00.
    s = generate_schedule(terms(Method.EQUAL_PRINCIPAL, principal="120000", grace_months=2))
    assert totals(s)[:3] == [D("1200.00"), D("1200.00"), D("13200.00")]
    assert s.installments[-1].total == D("12120.00")
    assert s.total_interest == D("9000.00")


def test_grace_months_then_equal_installment_repeat_the_12_month_table():
    s = generate_schedule(terms(months=14, grace_months=2))
    assert totals(s) == [D("1000.00")] * 2 + [D("8884.88")] * 11 + [D("8884.85")]
    assert s.total_interest == D("8618.53")  # 2,000 + 6,618.53


def test_fees():
    fees = (Fee("upfront", amount=D("1000.00"), deducted=True),
            Fee("upfront", rate=D("0.005")),  # 0.5 % of 100,000 = 500.00, paid apart
            Fee("per_installment", amount=D("50.00")),
            Fee("per_installment", rate=D("0.0001")))  # 10.00 per installment
    s = generate_schedule(terms(fees=fees))
    assert all(i.fee == D("60.00") for i in s.installments)
    assert s.installments[0].total == D("8944.88")
    assert s.total_fee == D("720.00")
    assert s.upfront_fee == D("1500.00")
    assert s.net_proceeds == D("99000.00")
    assert s.total_payment == s.total_principal + s.total_interest + s.total_fee
    assert s.total_cost == D("6618.53") + D("720.00") + D("1500.00")
    flows = s.cash_flows()
    assert flows.received == D("98500.00")  # 100,000 - 1,000 withheld - 500 paid at signing
    assert [p.amount for p in flows.payments] == totals(s)
    assert [p.months for p in flows.payments] == [D(k) for k in range(1, 13)]
    assert flows.payments[0].due_date == date(2026, 2, 15)


# --- Validation -----------------------------------------------------------------------------

def fields_of(error):
    return set(error.value.errors)


def test_everything_wrong_is_reported_at_once():
    bad = LoanTerms(D(-1), D(12), 0, "weekly", date(2026, 1, 1),
                    first_due_date=date(2025, 12, 1), repayment_day=29, grace_months=-1,
                    day_count="actual/actual", fees=(Fee("upfront"),))
    with pytest.raises(DomainError) as error:
        validate_terms(bad)
    assert fields_of(error) == {"principal", "annual_rate", "months", "method", "grace_months",
                                "day_count", "repayment_day", "first_due_date", "fees"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"principal": D(0)}, "principal"),
        ({"principal": D("100.001")}, "principal"),
        ({"principal": D("100000000.01")}, "principal"),
        ({"principal": 100000.0}, "principal"),  # a float is refused, not converted
        ({"annual_rate": D("-0.01")}, "annual_rate"),
        ({"annual_rate": D("10.000001")}, "annual_rate"),
        ({"annual_rate": D("0.1234567")}, "annual_rate"),
        ({"months": 361}, "months"),
        ({"months": True}, "months"),
        ({"grace_months": 12}, "grace_months"),
        ({"method": Method.BULLET, "grace_months": 1}, "grace_months"),
        ({"method": Method.INTEREST_ONLY, "grace_months": 1}, "grace_months"),
        ({"first_due_date": START}, "first_due_date"),
        ({"first_due_date": date(2026, 3, 16)}, "first_due_date"),  # > 2 months after start
        ({"first_due_date": date(2026, 2, 20), "repayment_day": 21}, "first_due_date"),
        ({"method": Method.BULLET, "repayment_day": 5}, "repayment_day"),
        ({"method": Method.BULLET, "first_due_date": date(2026, 2, 15)}, "first_due_date"),
        ({"repayment_day": 0}, "repayment_day"),
        ({"repayment_day": 30}, "repayment_day"),
        ({"fees": (Fee("monthly", amount=D(1)),)}, "fees"),
        ({"fees": (Fee("upfront", amount=D(1), rate=D("0.01")),)}, "fees"),
        ({"fees": (Fee("upfront", amount=D(-1)),)}, "fees"),
        ({"fees": (Fee("upfront", rate=D("1.5")),)}, "fees"),
        ({"fees": (Fee("per_installment", amount=D(1), deducted=True),)}, "fees"),
        ({"fees": (Fee("upfront", amount=D("100000.00"), deducted=True),)}, "fees"),
    ],
)
def test_single_rule(changes, field):
    base = {"principal": D(100000), "annual_rate": D("0.12"), "months": 12,
            "method": Method.EQUAL_INSTALLMENT, "start_date": START}
    with pytest.raises(DomainError) as error:
        generate_schedule(LoanTerms(**{**base, **changes}))
    assert fields_of(error) == {field}


@pytest.mark.parametrize(
    "changes",
    [
        {"first_due_date": date(2026, 3, 15)},  # exactly two months is allowed
        {"first_due_date": date(2026, 1, 16)},  # one day is allowed
        {"repayment_day": 31},
        {"repayment_day": 28, "first_due_date": date(2026, 2, 28)},
        {"repayment_day": 31, "first_due_date": date(2026, 2, 28)},  # Feb's month end
        {"annual_rate": D(10)},
        {"principal": D(100000000)},
        {"fees": (Fee("upfront", amount=D(0)),)},
    ],
)
def test_edges_that_are_allowed(changes):
    base = {"principal": D(100000), "annual_rate": D("0.12"), "months": 12,
            "method": Method.EQUAL_INSTALLMENT, "start_date": START}
    validate_terms(LoanTerms(**{**base, **changes}))


def test_product_limits():
    limits = ProductLimits(min_amount=D(5000), max_amount=D(50000), min_months=6,
                           max_months=24, min_rate=D("0.08"), max_rate=D("0.24"),
                           methods=frozenset({Method.EQUAL_PRINCIPAL}))
    with pytest.raises(DomainError) as error:
        generate_schedule(terms(principal="60000", rate="0.30", months=36), limits)
    assert fields_of(error) == {"principal", "annual_rate", "months", "method"}
    messages = error.value.messages()
    assert messages["principal"] == ["Principal must be at most 50,000.00 for this product."]
    assert messages["annual_rate"] == ["Annual rate must be at most 24.00% for this product."]
    assert messages["months"] == ["Term must be at most 24 months for this product."]
    with pytest.raises(DomainError) as error:
        validate_terms(terms(Method.EQUAL_PRINCIPAL, principal="4999.99", rate="0.05",
                             months=3), limits)
    assert fields_of(error) == {"principal", "annual_rate", "months"}
    validate_terms(terms(Method.EQUAL_PRINCIPAL, principal="5000", rate="0.08", months=6),
                   limits)


def test_domain_error_renders_in_english():
    error = DomainError.single("principal", "Principal must be at most %(max)s.", max="1.00")
    assert error.errors == {"principal": [("Principal must be at most %(max)s.",
                                           {"max": "1.00"})]}
    assert str(error) == "principal: Principal must be at most 1.00."


@pytest.mark.parametrize("method", [Method.INTEREST_ONLY, Method.BULLET])
@pytest.mark.parametrize(
    ("principal", "rate", "interest"),
    [
        ("1.80", "0.1", "0.02"),  # 1.80 x 0.1 / 12 = 0.015 exactly -> 0.02
        # 27,328,059 x 0.34 = 9,291,540.06; / 12 = 774,295.005 exactly -> 774,295.01.  Taking
        # r = 0.34 / 12 = 0.028333... first (34 digits) gives 774,295.00499... -> .00.
        ("27328059", "0.34", "774295.01"),
    ],
)
def test_an_exact_half_fen_rounds_up_even_when_the_monthly_rate_does_not_terminate(
        method, principal, rate, interest):
    s = generate_schedule(terms(method, principal=principal, rate=rate, months=1))
    assert s.installments[0].interest == D(interest)

"""IRR-based annualized rate: published and hand-solvable cases."""

from datetime import date
from decimal import Decimal as D

import pytest

from app.domain import DomainError
from app.domain.apr import annualized_rate, schedule_apr
from app.domain.schedule import Fee, LoanTerms, Method, generate_schedule


def test_published_example_100000_with_a_1000_fee():
    # The PBOC announcement's worked example (ARCHITECTURE.md, "Annualized rate"): 100,000
    # lent, a 1,000 fee at the start, 12 payments of 8,833.30 -> about 12.80 % a year
    # (effective about 13.58 %).
    result = annualized_rate(D(99000), [(k, D("8833.30")) for k in range(1, 13)])
    assert result.converged
    assert abs(result.apr - D("0.1280")) < D("0.00005")
    assert abs(result.effective_annual_rate - D("0.1358")) < D("0.00005")
    assert abs(result.apr - 12 * result.monthly_rate) < D("0.000001")


def test_single_payments_solvable_by_hand():
    # 100 -> 121 after 2 months: (1 + r)^2 = 1.21, r = 0.1 exactly; apr 1.2;
    # effective 1.1^12 - 1 = 3.138428376721 - 1 = 2.138428.
    result = annualized_rate(D(100), [(2, D(121))])
    assert result.monthly_rate == D("0.1")
    assert result.apr == D("1.200000")
    assert result.effective_annual_rate == D("2.138428")
    # Fractional time: 100 -> 110 after half a month: (1 + r)^0.5 = 1.1, r = 0.21.
    result = annualized_rate(D(100), [(D("0.5"), D(110))])
    assert abs(result.monthly_rate - D("0.21")) < D("1e-12")
    assert result.apr == D("2.520000")
    # Repaying less than was received is a negative rate, not an error: (1 + r) = 0.9.
    result = annualized_rate(D(100), [(1, D(90))])
    assert result.apr == D("-1.200000")


def test_zero_rate_loan_has_apr_zero():
    result = schedule_apr(generate_schedule(
        LoanTerms(D(12000), D(0), 12, Method.EQUAL_INSTALLMENT, date(2026, 1, 15))))
    assert result.apr == 0 and result.effective_annual_rate == 0 and result.converged


@pytest.mark.parametrize("rate", ["0.12", "0.036", "0.24", "3", "10"])
@pytest.mark.parametrize("method", [Method.EQUAL_INSTALLMENT, Method.EQUAL_PRINCIPAL,
                                    Method.INTEREST_ONLY])
def test_fee_free_regular_loan_apr_equals_nominal(rate, method):
    terms = LoanTerms(D(100000), D(rate), 36, method, date(2026, 1, 31))
    result = schedule_apr(generate_schedule(terms))
    assert result.converged
    assert abs(result.apr - D(rate)) < D("0.0001")


def test_very_high_rate_converges():
    # 300 % a year = 25 % a month: effective (1.25)^12 - 1 = 14.551915 - 1 = 13.551915.
    terms = LoanTerms(D(100000), D(3), 360, Method.EQUAL_INSTALLMENT, date(2026, 1, 31))
    result = schedule_apr(generate_schedule(terms))
    assert result.converged
    assert abs(result.apr - D(3)) < D("0.0001")
    assert abs(result.effective_annual_rate - D("13.551915")) < D("0.001")


def test_fees_raise_the_apr_and_the_root_is_a_root():
    fee = Fee("upfront", amount=D("1000.00"), deducted=True)
    schedule = generate_schedule(LoanTerms(D(100000), D("0.12"), 12, Method.EQUAL_INSTALLMENT,
                                           date(2026, 1, 15), fees=(fee,)))
    result = schedule_apr(schedule)
    assert result.apr > D("0.12") + D("0.015")  # 1 % of the loan over ~half a year of use
    # Independent check: discounting the installments at the solved rate gives 99,000.
    r = result.monthly_rate
    pv = sum(i.total / (1 + r) ** i.n for i in schedule.installments)
    assert abs(pv - D(99000)) < D("0.01")


def test_a_fee_paid_apart_counts_like_a_deducted_one():
    def apr(deducted):
        fee = Fee("upfront", rate=D("0.01"), deducted=deducted)
        return schedule_apr(generate_schedule(LoanTerms(
            D(100000), D("0.12"), 12, Method.EQUAL_INSTALLMENT, date(2026, 1, 15),
            fees=(fee,)))).apr
    assert apr(True) == apr(False)


def test_bullet_apr():
    # 100,000 -> 112,000 after 12 months: (1 + r)^12 = 1.12; effective 0.12 exactly;
    # r = e^(ln 1.12 / 12) - 1 = e^0.0094440571 - 1 = 0.0094887926 -> apr 0.1138655.
    schedule = generate_schedule(LoanTerms(D(100000), D("0.12"), 12, Method.BULLET,
                                           date(2026, 1, 15)))
    result = schedule_apr(schedule)
    assert result.effective_annual_rate == D("0.120000")
    assert abs(result.apr - D("0.1138655")) < D("0.000001")


def test_irregular_first_period_uses_the_accrual_fraction_as_time():
    # Start 10 Jan, due the 20th: first period 40/30 months.  Interest-only at 12 %: payments
    # 1,333.33 at t = 4/3, then 1,000.00 monthly.  Compounding 1 % a month over 4/3 months
    # would cost 100,000 x (1.01^(4/3) - 1) = 100,000 x (e^(1.3333 x 0.0099503) - 1) = 1,335.55;
    # the schedule charges simple interest, 1,333.33, so the IRR is a hair under 12 %.
    schedule = generate_schedule(LoanTerms(D(100000), D("0.12"), 12, Method.INTEREST_ONLY,
                                           date(2026, 1, 10), repayment_day=20))
    flows = schedule.cash_flows()
    assert abs(flows.payments[0].months - D(40) / 30) < D("1e-11")
    assert abs(flows.payments[11].months - (D(40) / 30 + 11)) < D("1e-11")
    result = schedule_apr(schedule)
    assert D("0.1195") < result.apr < D("0.12")


@pytest.mark.parametrize(
    ("received", "payments", "fragment"),
    [
        (D(1000), [(1, D(0)), (2, D(0))], "no payments after the start"),
        (D(1000), [], "no payments after the start"),
        (D(1000), [(0, D(1000))], "no payments after the start"),
        (D(0), [(1, D(100))], "greater than 0"),
        (D(1000), [(1, D(-5)), (2, D(2000))], "must not be negative"),
        (D(1000), [(-1, D(1100))], "must not be negative"),
        # Even at -99 % a month 1 fen after a month is worth 1.00: it can never repay 1,000.
        (D(1000), [(1, D("0.01"))], "can never repay"),
        # 1,000 received, 20,000 due after a month: 1,900 % a month, past the bracket.
        (D(1000), [(1, D(20000))], "exceed"),
    ],
)
def test_no_root_is_a_clear_domain_error(received, payments, fragment):
    with pytest.raises(DomainError) as error:
        annualized_rate(received, payments)
    assert list(error.value.errors) == ["apr"]
    message = error.value.messages()["apr"][0]
    assert message.startswith("The annualized rate could not be computed")
    assert fragment in message


def test_floats_are_refused():
    with pytest.raises(TypeError):
        annualized_rate(D(1000), [(1, 1100.0)])
    with pytest.raises(TypeError):
        annualized_rate(D(1000), [(1.0, D(1100))])
    with pytest.raises(TypeError):
        annualized_rate(1000.0, [(1, D(1100))])

"""Scoring behaves as a scorecard should, and the state table refuses every illegal move."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import DomainError
from app.domain.scoring import Bin, Card, Factor, grade_of, score
from app.domain.states import TRANSITIONS, check_transition

# A small card, written out here: income up → points up, overdue count up → points down.
CARD = Card(
    version=1, base=600, approve_min=650, reject_below=520,
    factors=(
        Factor("monthly_income", "月收入", (
            Bin(None, Decimal(5000), -30, "low"), Bin(Decimal(5000), Decimal(10000), 0, "mid"),
            Bin(Decimal(10000), Decimal(20000), 20, "good"), Bin(Decimal(20000), None, 35, "high"))),
        Factor("overdue_count_24m", "逾期", (
            Bin(None, Decimal(1), 20, "none"), Bin(Decimal(1), Decimal(3), -20, "some"),
            Bin(Decimal(3), None, -60, "many"))),
    ),
    grades=(("A", 700), ("B", 650), ("C", 600), ("D", 550), ("E", 0)))


def test_worked_example():
    # income 12,000 → +20; no overdue → +20; 600 + 40 = 640: grade C, manual review.
    result = score(CARD, {"monthly_income": Decimal(12000), "overdue_count_24m": Decimal(0)})
    assert (result.score, result.grade, result.recommendation) == (640, "C", "review")
    assert [(f.factor, f.points) for f in result.factors] == [
        ("monthly_income", 20), ("overdue_count_24m", 20)]


def test_bins_are_half_open():
    # exactly 5,000 falls in [5000, 10000) → 0 points, not −30
    result = score(CARD, {"monthly_income": Decimal(5000), "overdue_count_24m": None})
    assert result.factors[0].points == 0 and result.factors[1].points == 0  # unknown → 0


def test_a_hard_rule_rejects_whatever_the_score():
    result = score(CARD, {"monthly_income": Decimal(50000), "overdue_count_24m": Decimal(0)},
                   hard_rules=[("blacklisted", {})])
    assert result.score == 655 and result.recommendation == "reject"


def test_grades():
    assert [grade_of(s, CARD.grades) for s in (720, 700, 699, 650, 600, 550, 549, 0)] == [
        "A", "A", "B", "B", "C", "D", "E", "E"]


incomes = st.decimals(min_value=0, max_value=200000, places=2)
counts = st.integers(min_value=0, max_value=30).map(Decimal)


@settings(max_examples=200, deadline=None)
@given(incomes, incomes, counts)
def test_more_income_never_lowers_the_score(a, b, overdue):
    low, high = sorted((a, b))
    s_low = score(CARD, {"monthly_income": low, "overdue_count_24m": overdue}).score
    s_high = score(CARD, {"monthly_income": high, "overdue_count_24m": overdue}).score
    assert s_high >= s_low


@settings(max_examples=200, deadline=None)
@given(counts, counts, incomes)
def test_more_overdue_never_raises_the_score(a, b, income):
    few, many = sorted((a, b))
    s_few = score(CARD, {"monthly_income": income, "overdue_count_24m": few}).score
    s_many = score(CARD, {"monthly_income": income, "overdue_count_24m": many}).score
    assert s_many <= s_few


STATES = list(TRANSITIONS)


@pytest.mark.parametrize("current,target", list(itertools.product(STATES, STATES)))
def test_every_move_outside_the_table_is_refused(current, target):
    allowed = {
        ("draft", "submitted"), ("draft", "withdrawn"), ("submitted", "scoring"),
        ("submitted", "withdrawn"), ("scoring", "under_review"), ("scoring", "rejected"),
        ("under_review", "approved"), ("under_review", "rejected"),
        ("under_review", "withdrawn"), ("under_review", "draft"), ("approved", "contracted"),
        ("approved", "withdrawn"), ("contracted", "disbursed"), ("contracted", "withdrawn"),
        ("disbursed", "repaying"), ("repaying", "settled"), ("repaying", "overdue"),
        ("repaying", "written_off"), ("overdue", "repaying"), ("overdue", "settled"),
        ("overdue", "written_off"), ("settled", "repaying"), ("settled", "overdue")}
    if (current, target) in allowed:
        check_transition(current, target)
    else:
        with pytest.raises(DomainError):
            check_transition(current, target)


def test_unknown_states_are_refused():
    with pytest.raises(DomainError):
        check_transition("draft", "paid_out")


def _default_card():
    from seed.scorecard import FACTORS, GRADES

    return Card(version=1, base=600, approve_min=650, reject_below=520, grades=tuple(GRADES),
                factors=tuple(Factor(code, name, tuple(Bin(lo, hi, pts, why)
                                                       for lo, hi, pts, why in bins))
                              for code, name, bins in FACTORS))


# The seeded default scorecard: for each factor, the direction the score must follow.
RISING = ["monthly_income", "years_employed", "social_insurance_months",
          "housing_fund_months", "has_property", "has_car"]
FALLING = ["debt_to_income", "overdue_count_24m", "inquiries_6m", "existing_loans"]
values = st.decimals(min_value=0, max_value=100000, places=2)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(RISING + FALLING), values, values)
def test_the_default_scorecard_is_monotonic(code, a, b):
    card = _default_card()
    low, high = sorted((a, b))
    s_low = score(card, {code: low}).score
    s_high = score(card, {code: high}).score
    assert (s_high >= s_low) if code in RISING else (s_high <= s_low)

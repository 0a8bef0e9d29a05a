"""Explainable credit scoring over a scorecard that is data (factors → bins → points).

The score is the card's base plus, for each factor, the points of the bin the applicant's
value falls in ([lower, upper), open ends allowed).  Hard rules run first and reject with
their reason.  Every factor's points come with a reason in plain words, and the result says
which scorecard version produced it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.i18n import N_

# Factors whose value is yes (1) or no (0): shown as such, never as 1 / 0.
YES_NO_FACTORS = frozenset({"has_property", "has_car", "has_insurance_policy",
                            "has_business_licence"})
# Factors that are a fraction (0.32): shown as a percentage (32.00%).
RATIO_FACTORS = frozenset({"debt_to_income"})


@dataclass(frozen=True)
class Bin:
    lower: Decimal | None
    upper: Decimal | None
    points: int
    reason: str | None = None

    def holds(self, value: Decimal) -> bool:
        return (self.lower is None or value >= self.lower) and (
            self.upper is None or value < self.upper)


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    bins: tuple[Bin, ...]


@dataclass(frozen=True)
class Card:
    version: int
    base: int
    approve_min: int
    reject_below: int
    factors: tuple[Factor, ...]
    grades: tuple[tuple[str, int], ...]  # (grade, minimum score), any order


@dataclass(frozen=True)
class FactorScore:
    factor: str
    value: Decimal | None
    points: int
    reason: str


@dataclass(frozen=True)
class Result:
    score: int
    grade: str
    recommendation: str  # approve | review | reject
    scorecard_version: int
    factors: tuple[FactorScore, ...]
    hard_rules: tuple[tuple[str, dict], ...] = field(default=())  # (msgid, params)

    def top_reasons(self, n: int = 3) -> list[FactorScore]:
        """The factors that moved the score most, largest effect first."""
        return sorted(self.factors, key=lambda f: -abs(f.points))[:n]


def grade_of(score: int, grades: Sequence[tuple[str, int]]) -> str:
    for grade, minimum in sorted(grades, key=lambda g: -g[1]):
        if score >= minimum:
            return grade
    return "E"


def score(card: Card, values: Mapping[str, Decimal | None],
          hard_rules: Sequence[tuple[str, dict]] = ()) -> Result:
    """Score ``values`` (factor code → value; None = unknown, scores 0) on ``card``."""
    scores = []
    for factor in card.factors:
        value = values.get(factor.code)
        points, reason = 0, N_("unknown")
        if value is not None:
            for b in factor.bins:
                if b.holds(value):
                    points, reason = b.points, b.reason or ""
                    break
        scores.append(FactorScore(factor.code, value, points, reason))
    total = card.base + sum(s.points for s in scores)
    if hard_rules:
        recommendation = "reject"
    elif total >= card.approve_min:
        recommendation = "approve"
    elif total < card.reject_below:
        recommendation = "reject"
    else:
        recommendation = "review"
    return Result(total, grade_of(total, card.grades), recommendation, card.version,
                  tuple(scores), tuple(hard_rules))

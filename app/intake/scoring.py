"""Scoring an application: gather the applicant's values, run hard rules, score, store.

Every assessment keeps its inputs, the per-factor points and reasons, the hard rules that
failed and the scorecard version, so an old score can always be explained.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import gettext
from sqlalchemy import select

from app.domain.i18n import N_
from app.domain.scoring import Bin, Card, Factor, Result, score
from app.domain.validators import id_number_error
from app.extensions import db
from app.loans import business_today
from app.models import AssessmentFactor, CreditAssessment, Scorecard
from app.models.application import factor_value_text
from app.models.enums import CustomerKind, CustomerStatus

MIN_AGE, MAX_AGE = 18, 65  # a firm-wide floor and ceiling; products narrow them further


def active_scorecard() -> Scorecard | None:
    return db.session.scalar(select(Scorecard).where(Scorecard.active.is_(True))
                             .order_by(Scorecard.version.desc()).limit(1))


def card_of(scorecard: Scorecard) -> Card:
    return Card(
        version=scorecard.version, base=scorecard.base_score,
        approve_min=scorecard.approve_min, reject_below=scorecard.reject_below,
        factors=tuple(Factor(f.code, f.name, tuple(
            Bin(b.lower_bound, b.upper_bound, b.points, b.reason)
            for b in sorted(f.bins, key=lambda b: (b.lower_bound is not None,
                                                   b.lower_bound or 0))))
            for f in sorted(scorecard.factors, key=lambda f: f.sort_order)),
        grades=tuple((g.grade, g.min_score) for g in scorecard.grades))


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def applicant_values(customer, application, day: dt.date) -> dict[str, Decimal | None]:
    """The factor values, by factor code (None where unknown)."""
    def num(value):
        return None if value is None else Decimal(value)

    income = customer.monthly_income
    debt = customer.monthly_debt_payment
    dti = (Decimal(debt) / Decimal(income)).quantize(Decimal("0.0001")) if (
        income and debt is not None and income > 0) else None
    age = age_on(customer.birth_date, day)
    return {
        "age": num(age), "monthly_income": num(income), "debt_to_income": dti,
        "years_employed": num(customer.years_employed),
        "has_property": Decimal(int(customer.has_property)),
        "has_car": Decimal(int(customer.has_car)),
        "social_insurance_months": num(customer.social_insurance_months),
        "housing_fund_months": num(customer.housing_fund_months),
        "overdue_count_24m": num(customer.overdue_count_24m),
        "inquiries_6m": num(customer.inquiries_6m),
        "existing_loans": num(customer.existing_loans),
        "business_age_years": num(customer.business_age_years)
        if customer.kind == CustomerKind.ENTERPRISE else None,
    }


def hard_rules(customer, application, day: dt.date) -> list[tuple[str, dict]]:
    """Rules that reject before any score: (msgid, params) for each one broken."""
    broken: list[tuple[str, dict]] = []
    if customer.status == CustomerStatus.BLACKLISTED:
        broken.append((N_("The customer is blacklisted: %(reason)s"),
                       {"reason": customer.blacklist_reason or ""}))
    if customer.kind == CustomerKind.PERSON:
        if not customer.id_number or id_number_error(customer.id_number) is not None:
            broken.append((N_("The customer's ID number is not valid."), {}))
        age = age_on(customer.birth_date, day)
        product = application.product
        low = max(MIN_AGE, product.min_age or MIN_AGE) if product else MIN_AGE
        high = min(MAX_AGE, product.max_age or MAX_AGE) if product else MAX_AGE
        if age is not None and not low <= age <= high:
            broken.append((N_("Age %(age)s is outside %(low)s–%(high)s."),
                           {"age": age, "low": low, "high": high}))
    # A missing consent to the credit-report query is missing data, not a credit decision:
    # the submission checklist (app/intake/checklist.py) holds the draft back instead.
    return broken


def evaluate(application, day: dt.date | None = None) -> tuple[Result, Scorecard, dict]:
    """Score without storing (matching and previews use it)."""
    day = day or business_today()
    scorecard = active_scorecard()
    values = applicant_values(application.customer, application, day)
    result = score(card_of(scorecard), values, hard_rules(application.customer, application,
                                                          day))
    return result, scorecard, values


def assess(application, assessed_by=None) -> CreditAssessment:
    """Score and store the assessment (the caller commits)."""
    result, scorecard, values = evaluate(application)
    assessment = CreditAssessment(
        application=application, scorecard=scorecard, score=result.score,
        grade=result.grade, recommendation=result.recommendation, assessed_by=assessed_by,
        inputs={k: None if v is None else str(v) for k, v in values.items()},
        hard_rules=[{"msgid": m, "params": p} for m, p in result.hard_rules])
    assessment.factors = [AssessmentFactor(factor_code=f.factor,
                                           value=None if f.value is None else str(f.value),
                                           points=f.points, reason=f.reason)
                          for f in result.factors]
    db.session.add(assessment)
    return assessment


def value_text(factor_code: str, value: str | None) -> str:
    """A factor's value as a person reads it: yes / no for the yes-or-no factors."""
    return str(factor_value_text(factor_code, value))


def assessment_json(assessment) -> dict:
    names = {f.code: f.name for f in assessment.scorecard.factors}
    factors = [{"factor": f.factor_code, "name": names.get(f.factor_code, f.factor_code),
                "value": f.value, "value_text": value_text(f.factor_code, f.value),
                "points": f.points, "reason": f.reason} for f in assessment.factors]
    return {
        "id": assessment.id, "score": assessment.score, "grade": assessment.grade,
        "recommendation": assessment.recommendation,
        "scorecard_version": assessment.scorecard.version,
        # base + the factors' points = the score: the explanation adds up
        "base_score": assessment.scorecard.base_score,
        "factor_points": sum(f["points"] for f in factors),
        "hard_rules": [gettext(r["msgid"], **r["params"]) for r in assessment.hard_rules or []],
        "factors": factors,
    }

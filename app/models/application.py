"""Loan applications (进件), scorecards, credit assessments and reviewers' decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.money import CENT
from ..domain.scoring import RATIO_FACTORS, YES_NO_FACTORS
from ..domain.states import IN_PROGRESS_ORDER
from .base import (
    SCOPE_COLUMNS,
    Model,
    Money,
    OwnedMixin,
    Rate,
    TimestampMixin,
    VersionedMixin,
    coded,
    id_indexes,
    positive,
    utcnow,
)
from .enums import ApplicationState, DecisionOutcome, Recommendation, RepaymentMethod

IN_PROGRESS_SQL = "state IN ({})".format(", ".join(f"'{s}'" for s in IN_PROGRESS_ORDER))


class Application(OwnedMixin, TimestampMixin, VersionedMixin, Model):
    __tablename__ = "application"
    indexes_declared = (*SCOPE_COLUMNS, "created_at")
    __table_args__ = (
        *id_indexes("application", *SCOPE_COLUMNS),
        # The applications taken in over a period, with what the reports and the dashboard
        # count of them, read from the index alone on PostgreSQL.
        Index("ix_application_created_at", "created_at",
              postgresql_include=["state", "submitted_at", "decided_at", "channel_id",
                                  "product_id", "owner_id", "team_id", "branch_id"]),
        positive("amount"),
        CheckConstraint("months BETWEEN 1 AND 360", name="months_range"),
        Index("ix_application_state_created", "state", "created_at"),
        Index("ix_application_reviewer_state", "reviewer_id", "state"),
        # One application in progress per customer, held by the database itself.
        Index("uq_application_customer_in_progress", "customer_id", unique=True,
              sqlite_where=text(IN_PROGRESS_SQL), postgresql_where=text(IN_PROGRESS_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": _l("Number")})
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("loan_product.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Amount")})
    months: Mapped[int] = mapped_column(Integer, info={"label": _l("Term (months)")})
    method: Mapped[str | None] = coded(RepaymentMethod, "method", nullable=True, label=_l("Method"))
    purpose: Mapped[str] = mapped_column(String(255), info={"label": _l("Purpose")})
    state: Mapped[str] = coded(ApplicationState, "state", default="draft", label=_l("State"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True,
                                                             info={"label": _l("Submitted")})
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info={"label": _l("Decided")})
    note: Mapped[str | None] = mapped_column(Text)

    customer = relationship("Customer", info={"label": _l("Customer")})
    product = relationship("LoanProduct", info={"label": _l("Product")})
    channel = relationship("Channel", info={"label": _l("Channel")})
    reviewer = relationship("Staff", foreign_keys=[reviewer_id], info={"label": _l("Reviewer")})
    documents = relationship("Document", back_populates="application",
                             info={"label": _l("Documents")})
    decisions = relationship("Decision", back_populates="application",
                             info={"label": _l("Decisions")})
    assessments = relationship("CreditAssessment", back_populates="application",
                               info={"label": _l("Assessments")})

    def __repr__(self) -> str:
        return self.number


class Scorecard(TimestampMixin, VersionedMixin, Model):
    """A versioned scorecard; editing one creates a new version, old assessments keep theirs."""

    __tablename__ = "scorecard"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1, info={"label": _l("Version")})
    base_score: Mapped[int] = mapped_column(Integer, default=600, info={"label": _l("Base score")})
    approve_min: Mapped[int] = mapped_column(Integer, default=650,
                                             info={"label": _l("Approve from score")})
    reject_below: Mapped[int] = mapped_column(Integer, default=520,
                                              info={"label": _l("Reject below score")})
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    note: Mapped[str | None] = mapped_column(Text)

    factors = relationship("ScoreFactor", back_populates="scorecard",
                           cascade="all, delete-orphan", info={"label": _l("Factors")})
    grades = relationship("ScoreGrade", back_populates="scorecard", cascade="all, delete-orphan",
                          info={"label": _l("Grades")})

    def __repr__(self) -> str:
        return f"{self.name} v{self.version}"


class ScoreGrade(VersionedMixin, Model):
    """Grade band: a score at or above ``min_score`` earns ``grade`` (A–E)."""

    __tablename__ = "score_grade"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (UniqueConstraint("scorecard_id", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"))
    grade: Mapped[str] = mapped_column(String(1), info={"label": _l("Grade")})
    min_score: Mapped[int] = mapped_column(Integer, info={"label": _l("Minimum score")})

    scorecard = relationship("Scorecard", back_populates="grades", info={"label": _l("Scorecard")})

    def __repr__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class ScoreFactor(VersionedMixin, Model):
    __tablename__ = "score_factor"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (UniqueConstraint("scorecard_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"))
    code: Mapped[str] = mapped_column(String(48))
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0, info={"label": _l("Order")})

    scorecard = relationship("Scorecard", back_populates="factors", info={"label": _l("Scorecard")})
    bins = relationship("ScoreBin", back_populates="factor", cascade="all, delete-orphan",
                        info={"label": _l("Bins")})

    def __repr__(self) -> str:
        return self.name


class ScoreBin(VersionedMixin, Model):
    """A half-open range [lower, upper) of a factor's value and the points it earns."""

    __tablename__ = "score_bin"
    __table_args__ = (
        CheckConstraint("lower_bound IS NULL OR upper_bound IS NULL OR upper_bound > lower_bound",
                        name="bounds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    factor_id: Mapped[int] = mapped_column(ForeignKey("score_factor.id"), index=True)
    lower_bound: Mapped[Decimal | None] = mapped_column(Rate,
                                                        info={"label": _l("From (inclusive)")})
    upper_bound: Mapped[Decimal | None] = mapped_column(Rate, info={"label": _l("To (exclusive)")})
    points: Mapped[int] = mapped_column(Integer, info={"label": _l("Points")})
    reason: Mapped[str | None] = mapped_column(String(120), info={"label": _l("Reason")})

    factor = relationship("ScoreFactor", back_populates="bins", info={"label": _l("Factor")})

    def __repr__(self) -> str:
        return f"[{self.lower_bound}, {self.upper_bound}) → {self.points}"


class CreditAssessment(Model):
    __tablename__ = "credit_assessment"
    __scope_parent__ = "application"  # scoped through its application
    __table_args__ = (CheckConstraint("grade IN ('A','B','C','D','E')", name="grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"))
    score: Mapped[int] = mapped_column(Integer, info={"label": _l("Score")})
    grade: Mapped[str] = mapped_column(String(1), info={"label": _l("Grade")})
    recommendation: Mapped[str] = coded(Recommendation, "recommendation",
                                        label=_l("Recommendation"))
    inputs: Mapped[dict | None] = mapped_column(JSON, info={"label": _l("Inputs")})
    hard_rules: Mapped[list | None] = mapped_column(JSON, info={"label": _l("Hard rules")})
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    application = relationship("Application", back_populates="assessments",
                               info={"label": _l("Application")})
    scorecard = relationship("Scorecard", info={"label": _l("Scorecard")})
    assessed_by = relationship("Staff", info={"label": _l("Assessed by")})
    factors = relationship("AssessmentFactor", back_populates="assessment",
                           cascade="all, delete-orphan", info={"label": _l("Factors")})

    def __repr__(self) -> str:
        return f"{self.score} ({self.grade})"


def factor_value_text(factor_code: str, value: str | None) -> object:
    """A factor's stored value as a person reads it: yes / no for the yes-or-no factors."""
    if value is None:
        return ""
    if factor_code in YES_NO_FACTORS:
        return _l("No") if value in ("0", "0.0", "") else _l("Yes")
    try:
        number = Decimal(value)
    except (ArithmeticError, ValueError):
        return value
    if factor_code in RATIO_FACTORS:  # 0.3200 → 32.00%
        return f"{(number * 100).quantize(CENT)}%"
    if number == number.to_integral_value():  # 20000.00 → 20,000
        return f"{number:,.0f}"
    return f"{number.normalize():,f}"


class AssessmentFactor(Model):
    """Per-factor points and the reason in plain words, kept with the assessment."""

    __tablename__ = "assessment_factor"
    __scope_parent__ = "assessment"  # scoped through its assessment

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("credit_assessment.id"), index=True)
    factor_code: Mapped[str] = mapped_column(String(48), info={"label": _l("Factor")})
    value: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Value")})
    points: Mapped[int] = mapped_column(Integer, info={"label": _l("Points")})
    reason: Mapped[str | None] = mapped_column(String(255), info={"label": _l("Reason")})

    assessment = relationship("CreditAssessment", back_populates="factors",
                              info={"label": _l("Assessment")})

    # What the screens show of these properties, as columns are labelled (app/models/labels.py).
    __labels__ = {"factor_name": _l("Factor"), "value_text": _l("Value")}

    @property
    def factor_name(self) -> str:
        """The factor as its scorecard names it (the code only if the card no longer has
        it)."""
        names = {f.code: f.name for f in self.assessment.scorecard.factors}
        return names.get(self.factor_code, self.factor_code)

    @property
    def value_text(self) -> object:
        return factor_value_text(self.factor_code, self.value)


class Decision(Model):
    __tablename__ = "decision"
    __scope_parent__ = "application"  # scoped through its application
    __table_args__ = (
        CheckConstraint("approved_amount IS NULL OR approved_amount > 0", name="approved_amount"),
        CheckConstraint("approved_months IS NULL OR approved_months BETWEEN 1 AND 360",
                        name="approved_months"),
        CheckConstraint("approved_rate IS NULL OR approved_rate >= 0", name="approved_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    outcome: Mapped[str] = coded(DecisionOutcome, "outcome", label=_l("Outcome"))
    approved_amount: Mapped[Decimal | None] = mapped_column(Money,
                                                            info={"label": _l("Approved amount")})
    approved_months: Mapped[int | None] = mapped_column(
        Integer, info={"label": _l("Approved term (months)")})
    approved_rate: Mapped[Decimal | None] = mapped_column(
        Rate, info={"label": _l("Approved annual rate")})
    method: Mapped[str | None] = coded(RepaymentMethod, "method", nullable=True, label=_l("Method"))
    conditions: Mapped[str | None] = mapped_column(Text, info={"label": _l("Conditions")})
    reason_code: Mapped[str | None] = mapped_column(String(48), info={"label": _l("Reason code")})
    note: Mapped[str | None] = mapped_column(Text)
    # Indexed: the dashboard counts the approvals of a day and of a month.
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True,
                                                    info={"label": _l("Decided")})

    application = relationship("Application", back_populates="decisions",
                               info={"label": _l("Application")})
    reviewer = relationship("Staff", info={"label": _l("Reviewer")})

    def __repr__(self) -> str:
        return f"{self.outcome} {self.decided_at:%Y-%m-%d}"

"""Codes of applications, their decisions and scoring recommendations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class ApplicationState(LabelledEnum):
    DRAFT = ("draft", _l("Draft"))
    SUBMITTED = ("submitted", _l("Submitted"))
    SCORING = ("scoring", _l("Scoring"))
    UNDER_REVIEW = ("under_review", _l("Under review"))
    APPROVED = ("approved", _l("Approved"))
    REJECTED = ("rejected", _l("Rejected"))
    WITHDRAWN = ("withdrawn", _l("Withdrawn"))
    CONTRACTED = ("contracted", _l("Contracted"))
    DISBURSED = ("disbursed", _l("Disbursed"))
    REPAYING = ("repaying", _l("Repaying"))
    SETTLED = ("settled", _l("Settled"))
    OVERDUE = ("overdue", _l("Overdue"))
    WRITTEN_OFF = ("written_off", _l("Written off"))


class DecisionOutcome(LabelledEnum):
    APPROVE = ("approve", _l("Approve"))
    REJECT = ("reject", _l("Reject"))
    RETURN = ("return", _l("Return for more documents"))


class Recommendation(LabelledEnum):
    APPROVE = ("approve", _l("Approve"))
    REVIEW = ("review", _l("Manual review"))
    REJECT = ("reject", _l("Reject"))

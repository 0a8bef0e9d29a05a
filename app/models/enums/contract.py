"""Codes of contracts, repayment reminders and the daily job's runs."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class ContractKind(LabelledEnum):
    LOAN = ("loan", _l("Loan contract"))
    SERVICE = ("service", _l("Intermediary service contract"))
    CREDIT_AUTHORIZATION = ("credit_authorization", _l("Credit report query authorisation"))


class ContractState(LabelledEnum):
    DRAFT = ("draft", _l("Draft"))
    ISSUED = ("issued", _l("Issued"))
    SIGNED = ("signed", _l("Signed"))
    SETTLED = ("settled", _l("Settled"))
    VOID = ("void", _l("Void"))


class ReminderChannel(LabelledEnum):
    SMS = ("sms", _l("SMS"))
    EMAIL = ("email", _l("E-mail"))


class ReminderKind(LabelledEnum):
    BEFORE_DUE = ("before_due", _l("Before due date"))
    OVERDUE = ("overdue", _l("Overdue"))


class ReminderState(LabelledEnum):
    QUEUED = ("queued", _l("Queued"))
    SENT = ("sent", _l("Sent"))
    FAILED = ("failed", _l("Failed"))
    CANCELLED = ("cancelled", _l("Cancelled"))


class JobState(LabelledEnum):
    RUNNING = ("running", _l("Running"))
    DONE = ("done", _l("Done"))
    FAILED = ("failed", _l("Failed"))

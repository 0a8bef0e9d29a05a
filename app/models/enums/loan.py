"""Codes of loans, their installments and how a repayment is applied."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class LoanState(LabelledEnum):
    PENDING = ("pending", _l("Awaiting disbursement"))
    ACTIVE = ("active", _l("Repaying"))
    OVERDUE = ("overdue", _l("Overdue"))
    SETTLED = ("settled", _l("Settled"))
    WRITTEN_OFF = ("written_off", _l("Written off"))


class InstallmentState(LabelledEnum):
    DUE = ("due", _l("Not yet due"))
    PARTIAL = ("partial", _l("Partly paid"))
    PAID = ("paid", _l("Paid"))
    OVERDUE = ("overdue", _l("Overdue"))
    WRITTEN_OFF = ("written_off", _l("Written off"))
    # beyond a term shortened by a prepayment
    CANCELLED = ("cancelled", _l("Cancelled by a prepayment"))


class AllocationPart(LabelledEnum):
    PENALTY = ("penalty", _l("Penalty interest"))
    FEE = ("fee", _l("Fee"))
    INTEREST = ("interest", _l("Interest"))
    PRINCIPAL = ("principal", _l("Principal"))
    CREDIT = ("credit", _l("Customer credit (overpayment)"))


class PrepaymentMode(LabelledEnum):
    SHORTEN_TERM = ("shorten_term", _l("Shorten the term"))
    LOWER_INSTALLMENT = ("lower_installment", _l("Lower the installments"))

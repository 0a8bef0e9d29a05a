"""Codes of the broker's income: service fees, commissions and payout batches."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class FeeBasis(LabelledEnum):
    PERCENT_APPROVED = ("percent_approved", _l("Percentage of the approved amount"))
    PERCENT_DISBURSED = ("percent_disbursed", _l("Percentage of the disbursed amount"))
    FIXED = ("fixed", _l("Fixed sum"))


class ServiceFeeState(LabelledEnum):
    CHARGED = ("charged", _l("Charged"))
    RECEIVED = ("received", _l("Received"))
    REFUNDED = ("refunded", _l("Refunded"))


class CommissionState(LabelledEnum):
    PENDING = ("pending", _l("Pending"))
    PAYABLE = ("payable", _l("Payable"))
    PAID = ("paid", _l("Paid"))
    CLAWED_BACK = ("clawed_back", _l("Clawed back"))


class BatchState(LabelledEnum):
    DRAFT = ("draft", _l("Awaiting confirmation"))
    CONFIRMED = ("confirmed", _l("Confirmed and paid"))

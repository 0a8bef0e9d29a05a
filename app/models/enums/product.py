"""Codes of funders, loan products and channels: how a product lends and pays out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class FunderKind(LabelledEnum):
    BANK = ("bank", _l("Bank"))
    CONSUMER_FINANCE = ("consumer_finance", _l("Consumer finance company"))
    MICRO_LENDER = ("micro_lender", _l("Micro-lender"))
    TRUST = ("trust", _l("Trust company"))


class RepaymentMethod(LabelledEnum):
    EQUAL_INSTALLMENT = ("equal_installment", _l("Equal installment"))
    EQUAL_PRINCIPAL = ("equal_principal", _l("Equal principal"))
    INTEREST_ONLY = ("interest_only", _l("Interest only, principal at maturity"))
    BULLET = ("bullet", _l("Bullet (principal and interest at maturity)"))


class DayCount(LabelledEnum):
    THIRTY_360 = ("30/360", _l("30/360"))
    ACT_360 = ("actual/360", _l("Actual/360"))
    ACT_365 = ("actual/365", _l("Actual/365"))


class FeeEvent(LabelledEnum):
    APPROVAL = ("approval", _l("On approval"))
    DISBURSEMENT = ("disbursement", _l("On disbursement"))


class ChannelKind(LabelledEnum):
    LEAD_SOURCE = ("lead_source", _l("Lead source"))
    AGENT = ("agent", _l("Agent partner"))


class CommissionBasis(LabelledEnum):
    FEE = ("fee", _l("Share of the service fee"))
    DISBURSED = ("disbursed", _l("Share of the disbursed amount"))


class AllocationStrategy(LabelledEnum):
    VERTICAL = ("vertical", _l("Installment by installment (oldest first)"))
    HORIZONTAL = ("horizontal", _l("Part by part across installments"))


class SettlementInterest(LabelledEnum):
    TO_DATE = ("to_date", _l("Interest to the payment date"))
    FULL_PERIOD = ("full_period", _l("The current period's full interest"))

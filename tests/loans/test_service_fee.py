"""The broker's service fee is one rule: what the matching quotes, the reviewer approves and
the booking charges are the same amount."""

from decimal import Decimal
from types import SimpleNamespace

from app.intake.approval import service_fee as approved_fee
from app.loans.service import fee_for


def test_quote_approval_and_booking_charge_the_same_fee():
    product = SimpleNamespace(service_fee_rate=Decimal("0.0125"), service_fee_fixed=Decimal(0),
                              fee_due="disbursement")
    assert approved_fee(product, Decimal("10010.00")) == Decimal("125.13")
    assert fee_for(product, Decimal("10010.00")) == ("percent_disbursed", Decimal("0.0125"),
                                                     Decimal("125.13"))

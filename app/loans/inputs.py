"""What the loan actions accept, declared: one schema per action, serving the loan page's
forms and the REST API alike (app/inputs.py has the fields and their messages).  Only the
typing is here — is it an amount, a date, a known code; the rules that need the loan (the
principal, the disbursement date, the fee) stay in the actions."""

from __future__ import annotations

from typing import Any

from marshmallow import pre_load

from app.domain.i18n import N_
from app.inputs import Choice, Day, Input, Money, Text, one_of
from app.models.enums import PrepaymentMode

# How money arrives; the codes are stable, people see the labels.
PAYMENT_CHANNELS = {"bank_transfer": N_("Bank transfer"), "card_deduction": N_("Card debit"),
                    "wechat": N_("WeChat Pay"), "alipay": N_("Alipay"), "cash": N_("Cash")}


class DisbursementInput(Input):
    disbursed_on = Day(required=True)
    amount = Money(required=True)
    funder_reference = Text(limit=64, required=True)
    first_due_date = Day(load_default=None)


class RepaymentInput(Input):
    amount = Money(required=True)
    paid_on = Day(required=True)
    reference = Text(limit=64, load_default=None)
    idempotency_key = Text(limit=64, load_default=None)
    channel = Text(limit=32, validate=one_of(PAYMENT_CHANNELS), load_default="bank_transfer")
    prepayment = Choice([m.value for m in PrepaymentMode], load_default=None)

    @pre_load
    def _no_prepayment(self, data: Any, **kwargs: Any) -> Any:
        # A false prepayment (false, 0, as well as blank) has always meant "none".
        if isinstance(data, dict) and "prepayment" in data and not data["prepayment"]:
            data = {key: value for key, value in data.items() if key != "prepayment"}
        return data


class ReasonInput(Input):
    """Why a repayment is reversed or a loan written off."""

    reason = Text(limit=500, required=True)


class FeeReceiptInput(Input):
    ignored = Input.ignored | {"action"}  # the fee page's forms say which action they are
    received_on = Day(required=True)


class FeeRefundInput(Input):
    ignored = Input.ignored | {"action"}
    refund_amount = Money(required=True)
    refunded_on = Day(required=True)
    refund_reason = Text(limit=255, required=True)


class BatchGatherInput(Input):
    payable_until = Day(required=True)


class BatchConfirmInput(Input):
    paid_on = Day(required=True)

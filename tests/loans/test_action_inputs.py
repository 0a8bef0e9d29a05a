"""The action inputs, declared as schemas (app/inputs.py, app/loans/inputs.py,
app/quotes/inputs.py): what each accepts from a form (strings, "" for a blank input) and from
JSON (strings or numbers), what it refuses and with which of the firm's messages, per field;
and the refusals as the API and the screens show them, in the asked language."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal as D

import pytest
from flask_babel import gettext
from marshmallow import Schema
from sqlalchemy import select

from app.domain import DomainError
from app.domain.schedule import DayCount, Method
from app.extensions import db
from app.inputs import Choice, Input, Message, load
from app.loans import business_today
from app.loans.inputs import (
    DisbursementInput,
    FeeReceiptInput,
    FeeRefundInput,
    ReasonInput,
    RepaymentInput,
)
from app.models import Customer, Loan, LoanProduct, ServiceFee
from app.quotes.inputs import FeeInput, TermsInput, parse_terms
from tests.factories import login, new_draft

REQUIRED = "This field is required."
NUMBER = "Enter a number, such as 100000.00."
DATE = "Enter a real date as YYYY-MM-DD."
REPAYMENT = {"amount": "10.00", "paid_on": "2026-02-15"}
PREVIEW = {"principal": "100000.00", "annual_rate": "0.12", "months": 12,
           "method": "equal_installment", "start_date": "2026-01-15"}


def parsed(schema: Schema, data) -> tuple[dict, dict[str, list[str]]]:
    """(values, the refusals in English) of ``data``."""
    values, errs = load(schema, data)
    return values, DomainError(errs.errors).messages() if errs.errors else {}


def terms_errors(data) -> dict[str, list[str]]:
    with pytest.raises(DomainError) as refused:
        parse_terms(data)
    return refused.value.messages()


# -- money, dates, text, choices -------------------------------------------------------------
@pytest.mark.parametrize("value,amount", [
    ("1060.00", "1060.00"), ("1,060.5", "1060.50"), (" 12000 ", "12000.00"), (1060, "1060.00"),
    (D("1060.5"), "1060.50"), ("1e3", "1000.00"), ("0.01", "0.01"), ("100000000", "100000000.00"),
])
def test_an_amount_is_read_to_the_fen(value, amount):
    values, errors = parsed(RepaymentInput(), {**REPAYMENT, "amount": value})
    assert errors == {}
    assert isinstance(values["amount"], D) and str(values["amount"]) == amount


@pytest.mark.parametrize("value,message", [
    ("1060.005", "The amount must have at most 2 decimal places."),  # refused, never rounded
    ("0", "The amount must be greater than 0."), ("-5", "The amount must be greater than 0."),
    ("100000000.01", "The amount is too large."), ("1e30", "The amount is too large."),
    (10**30, "The amount is too large."),
    ("NaN", NUMBER), ("Infinity", NUMBER), ("-Infinity", NUMBER), ("sNaN", NUMBER),
    (1060.5, NUMBER),  # a JSON float: binary, so never taken for money
    (True, NUMBER), (["5"], NUMBER), ({"a": 1}, NUMBER), ("abc", NUMBER), ("12 000", NUMBER),
    ("", REQUIRED), (None, REQUIRED),
])
def test_an_amount_is_refused_with_the_reason(value, message):
    values, errors = parsed(RepaymentInput(), {**REPAYMENT, "amount": value})
    assert errors == {"amount": [message]}
    assert "amount" not in values and values["paid_on"] == dt.date(2026, 2, 15)


def test_a_missing_amount_is_required():
    assert parsed(RepaymentInput(), {"paid_on": "2026-02-15"})[1] == {"amount": [REQUIRED]}


@pytest.mark.parametrize("value,result", [
    ("2026-01-15", dt.date(2026, 1, 15)), (" 2026-01-15 ", dt.date(2026, 1, 15)),
    ("2026-02-30", DATE), ("15/01/2026", DATE), ("yesterday", DATE), ("2026-01-15T08:00", DATE),
    (20260115, DATE), ("", REQUIRED), (None, REQUIRED),
])
def test_a_date_is_an_iso_calendar_day(value, result):
    values, errors = parsed(FeeReceiptInput(), {"received_on": value})
    if isinstance(result, dt.date):
        assert (values, errors) == ({"received_on": result}, {})
    else:
        assert errors == {"received_on": [result]}


@pytest.mark.parametrize("value,result", [
    ("  wrong loan \t", "wrong loan"), ("错" * 500, "错" * 500),
    ("   ", REQUIRED), ("", REQUIRED), (None, REQUIRED),
    ("错" * 501, "At most 500 characters."), ("a\nb", "Control characters are not allowed."),
    (5, "Enter text."), ({"a": 1}, "Enter text."),
])
def test_a_reason_is_one_trimmed_line(value, result):
    values, errors = parsed(ReasonInput(), {"reason": value})
    if errors:
        assert errors == {"reason": [result]}
    else:
        assert values == {"reason": result}


def test_a_repayment_takes_the_defaults_for_what_is_left_blank():
    defaults = {"amount": D("10.00"), "paid_on": dt.date(2026, 2, 15), "reference": None,
                "idempotency_key": None, "channel": "bank_transfer", "prepayment": None}
    assert parsed(RepaymentInput(), REPAYMENT) == (defaults, {})
    form = {**REPAYMENT, "reference": "", "idempotency_key": None, "channel": "",
            "prepayment": ""}
    assert parsed(RepaymentInput(), form) == (defaults, {})
    # false (or 0) has always meant "no prepayment choice" on the API
    assert parsed(RepaymentInput(), {**REPAYMENT, "prepayment": False}) == (defaults, {})
    chosen = {**REPAYMENT, "channel": " wechat ", "prepayment": "shorten_term",
              "reference": " BANK-1 "}
    assert parsed(RepaymentInput(), chosen) == (
        {**defaults, "channel": "wechat", "prepayment": "shorten_term", "reference": "BANK-1"},
        {})


def test_a_code_outside_its_list_is_refused_naming_the_list():
    _, errors = parsed(RepaymentInput(), {**REPAYMENT, "channel": "pigeon",
                                          "prepayment": "sometimes",
                                          "idempotency_key": "k" * 65})
    assert errors == {
        "channel": ["Choose one of: bank_transfer, card_deduction, wechat, alipay, cash."],
        "prepayment": ["Choose one of: shorten_term, lower_installment."],
        "idempotency_key": ["At most 64 characters."]}


# -- unknown keys and form controls ------------------------------------------------------------
def test_unknown_keys_are_refused_by_name_and_the_rest_still_read():
    values, errors = parsed(DisbursementInput(), {
        "disbursed_on": "2026-01-15", "amount": "12000", "funder_reference": "FR-1",
        "colour": "red", "amount_yuan": "12000"})
    assert errors == {"colour": ["Unknown field."], "amount_yuan": ["Unknown field."]}
    assert values == {"disbursed_on": dt.date(2026, 1, 15), "amount": D("12000.00"),
                      "funder_reference": "FR-1", "first_due_date": None}


def test_the_forms_controls_are_not_input():
    """The CSRF token of every form, and the fee page's action switch, are dropped; the
    action is an unknown field anywhere else."""
    assert parsed(RepaymentInput(), {**REPAYMENT, "csrf_token": "t"})[1] == {}
    assert parsed(FeeReceiptInput(), {"csrf_token": "t", "action": "receive",
                                      "received_on": "2026-01-20"})[1] == {}
    assert parsed(FeeRefundInput(), {"csrf_token": "t", "action": "refund",
                                     "refund_amount": "240.00", "refunded_on": "2026-01-21",
                                     "refund_reason": "未放款"})[1] == {}
    assert parsed(RepaymentInput(), {**REPAYMENT, "action": "x"})[1] == {
        "action": ["Unknown field."]}


def test_a_body_that_is_not_an_object_is_refused_in_our_words():
    assert parsed(DisbursementInput(), [1, 2])[1] == {"_schema": ["Send a JSON object."]}
    assert terms_errors([1, 2]) == {"_schema": ["Send a JSON object."]}


# -- loan terms --------------------------------------------------------------------------------
def test_terms_are_read_with_their_defaults():
    terms = parse_terms({**PREVIEW, "months": "１２"})  # full-width digits, as an IME types
    assert (terms.principal, terms.annual_rate, terms.months) == (D("100000.00"), D("0.12"), 12)
    assert terms.method is Method.EQUAL_INSTALLMENT and terms.day_count is DayCount.THIRTY_360
    assert (terms.grace_months, terms.fees, terms.first_due_date) == (0, (), None)


@pytest.mark.parametrize("value", ["--5", "²", "12.0", "1e1", True, 12.5, "1234567890"])
def test_a_term_that_is_no_whole_number_is_refused(value):
    """"--5" and "²" passed the old digit check, then crashed int() (a 500)."""
    assert terms_errors({**PREVIEW, "months": value}) == {"months": ["Enter a whole number."]}


def test_each_bad_fee_is_named_and_the_good_ones_kept():
    fees = [{"kind": "per_installment", "rate": "0.001"}, {"kind": "monthly"}, "flat",
            {"kind": "upfront", "amount": "abc"}, {"kind": "upfront", "amount": "1",
                                                   "deducted": "yes"},
            {"kind": "upfront", "amount": "1", "zeta": 1, "colour": "x"},
            {"kind": "upfront", "amount": "1", "deducted": None}]
    assert terms_errors({**PREVIEW, "fees": fees}) == {"fees": [
        "Fee 2: kind must be upfront or per_installment.", "Fee 3: must be an object.",
        "Fee 4: amount and rate must be numbers.", "Fee 5: deducted must be true or false.",
        "Fee 6: unknown field colour, zeta.", "Fee 7: deducted must be true or false."]}
    assert terms_errors({**PREVIEW, "fees": "lots"}) == {"fees": ["Fees must be a list."]}
    assert parse_terms({**PREVIEW, "fees": ""}).fees == ()


def test_one_answer_names_every_bad_field_typing_and_rules_alike():
    assert terms_errors({**PREVIEW, "principal": "abc", "months": 0, "colour": "red",
                         "start_date": "2026-02-30"}) == {
        "principal": [NUMBER], "start_date": [DATE], "colour": ["Unknown field."],
        "months": ["Term must be a whole number of months from 1 to 360."]}


def _schemas():
    seen, todo = [FeeInput], list(Input.__subclasses__())
    while todo:
        schema = todo.pop()
        seen.append(schema)
        todo.extend(schema.__subclasses__())
    return seen


def test_every_message_a_schema_can_give_is_the_firms_own_and_translated(app):
    schemas = _schemas()
    assert {DisbursementInput, RepaymentInput, TermsInput, FeeInput} <= set(schemas)
    with app.test_request_context("/?_l_=zh_CN"):
        for schema_class in schemas:
            schema = schema_class()
            messages = [schema.error_messages["unknown"], schema.error_messages["type"]]
            for field in schema.fields.values():
                messages += field.error_messages.values()
                if isinstance(field, Choice):
                    messages.append(field.validators[0].error)
            for message in messages:
                assert isinstance(message, Message), (schema_class, message)
                assert gettext(str(message)) != str(message), (schema_class, message)


# -- through the API and the screens ---------------------------------------------------------
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _two_months_ago(app) -> dt.date:
    """A day of an earlier month: the dashboard shows this month's disbursements by product,
    which other tests read; this module's loan stays out of them."""
    with app.app_context():
        return business_today().replace(day=1) - dt.timedelta(days=40)


def _pending_loan(app, start: dt.date) -> int:
    """A loan of this module's own, booked on ``start`` and not yet disbursed (no
    application)."""
    with app.app_context():
        customer = db.session.scalars(select(Customer).order_by(Customer.id)).first()
        product = db.session.scalars(select(LoanProduct).order_by(LoanProduct.id)).first()
        loan = Loan(number="IN" + uuid.uuid4().hex[:12], customer=customer, product=product,
                    funder=product.funder, principal=D("12000.00"), annual_rate=D("0.06"),
                    months=12, method="equal_principal", day_count="30/360",
                    overdue_rate=D("0.09"), start_date=start, state="pending",
                    owner_id=customer.owner_id, team_id=customer.team_id,
                    branch_id=customer.branch_id)
        db.session.add(loan)
        db.session.commit()
        return loan.id


def test_the_disbursement_api_refuses_an_unknown_field_and_takes_the_documented_ones(
        app, client, auth):
    start = _two_months_ago(app)
    loan_id = _pending_loan(app, start)
    headers = {"Authorization": f"Bearer {auth.token('admin')}", **ZH}
    body = {"disbursed_on": start.isoformat(), "amount": "1.2e4",
            "funder_reference": "FR-IN-1"}
    refused = client.post(f"/api/v1/loans/{loan_id}/disbursement",
                          json={**body, "colour": "red"}, headers=headers)
    # Refused by field (README, REST API: 422 field errors).
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert refused.get_json()["errors"] == {"colour": ["未知字段。"]}
    with app.app_context():
        assert db.session.get(Loan, loan_id).state == "pending"
    done = client.post(f"/api/v1/loans/{loan_id}/disbursement", json=body, headers=headers)
    assert done.status_code == 200, done.get_data(as_text=True)
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        assert (loan.state, loan.disbursed_amount) == ("active", D("12000.00"))


def test_the_schedule_preview_answers_a_malformed_term_with_a_400(client, auth):
    """It was a 500: "--5" passed the digit check and crashed int()."""
    response = client.post("/api/v1/schedule/preview", json={**PREVIEW, "months": "--5"},
                           headers={"Authorization": f"Bearer {auth.token('admin')}", **ZH})
    assert response.status_code == 400
    assert response.get_json()["errors"] == {"months": ["请输入整数。"]}


def test_the_fee_forms_post_their_action_and_are_refused_beside_the_field(app):
    application_id, _ = new_draft(app)
    with app.app_context():
        fee = ServiceFee(application_id=application_id, basis="fixed", amount=D("240.00"),
                         state="charged")
        db.session.add(fee)
        db.session.commit()
        fee_id = fee.id
    web = login(app, "admin")
    url = f"/servicefeeview/fee_action/{fee_id}?_l_=zh_CN"
    with app.app_context():
        today = business_today()
    refused = web.post(url, data={"csrf_token": "t", "action": "receive",
                                  "received_on": "2026-02-30"})
    assert refused.status_code == 200
    assert ('data-field="received_on">请输入有效日期，格式为YYYY-MM-DD。</span>'
            in refused.get_data(as_text=True))
    received = web.post(url, data={"csrf_token": "t", "action": "receive",
                                   "received_on": today.isoformat()})
    assert received.status_code == 302
    refused = web.post(url, data={"csrf_token": "t", "action": "refund",
                                  "refunded_on": today.isoformat(), "refund_amount": "240.005",
                                  "refund_reason": "未放款"})
    assert ('data-field="refund_amount">金额最多保留两位小数。</span>'
            in refused.get_data(as_text=True))
    with app.app_context():
        fee = db.session.get(ServiceFee, fee_id)
        assert (fee.state, fee.received_on, fee.refund_amount) == ("received", today, None)

"""Hostile input against the forms and the APIs (issue 10).

For each hostile value: the answer is not a 500; it names the field (a form shows the error
next to the field, an API keys its errors by field); the message is in the user's language
(Chinese is asked for explicitly: ``?_l_=zh_CN`` on pages, ``Accept-Language`` on the API);
and nothing is stored (row counts before and after).  Text that is valid but dangerous
(HTML, script, CSV formula prefixes, SQL metacharacters) is stored as typed and comes back
escaped on lists, show pages, the contract preview and the dashboard, and neutralised in
CSV exports.

Tests that expose a bug are marked xfail(strict=True) with the bug in their reason, so they
fail as soon as the bug is fixed and the mark can go.  The module works on a database of
its own (tests/conftest.py), so what it stores never reaches another module.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Application,
    Contact,
    Customer,
    Document,
    FollowUp,
    LoanProduct,
    Repayment,
    Staff,
)
from tests import ROOT
from tests.conftest import DEMO_PASSWORD
from tests.factories import disbursed_loan

CJK = re.compile(r"[\u4e00-\u9fff]")
ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
XSS = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'


def xfail(reason):
    return pytest.mark.xfail(strict=True, reason=reason)


# -- Shared helpers ---------------------------------------------------------------------------
def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)).where(*where))


@pytest.fixture(scope="module")
def api(app):
    response = app.test_client().post("/api/v1/security/login", json={
        "username": "admin", "password": DEMO_PASSWORD, "provider": "db"})
    assert response.status_code == 200
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}


@pytest.fixture(scope="module")
def web(app):
    """An admin's browser session (its language is chosen per request with ?_l_=)."""
    client = app.test_client()
    assert client.post("/login/", data={"username": "admin",
                                        "password": DEMO_PASSWORD}).status_code == 302
    return client


@dataclass
class Answer:
    status_code: int
    text: str
    json: object = None


def _send(client, method, url, **kwargs) -> Answer:
    """The response, or a 500 carrying the exception the app let escape (TESTING mode)."""
    try:
        response = getattr(client, method)(url, **kwargs)
    except Exception as error:  # noqa: BLE001 - an unhandled exception is what a user gets as 500
        return Answer(500, f"{type(error).__name__}: {error}")
    return Answer(response.status_code, response.get_data(as_text=True),
                  response.get_json(silent=True))


def _fresh_identity(app) -> tuple[str, str]:
    """A valid resident ID number and mobile number no customer has."""
    from app.crypto import search_hash
    from app.domain.validators import make_id_number

    with app.app_context():
        while True:
            n = uuid.uuid4().int
            id_number = make_id_number(
                "350102", dt.date(1960, 1, 1) + dt.timedelta(days=n % 14000), n % 997)
            phone = f"199{n % 10**8:08d}"
            taken = db.session.scalar(select(func.count(Customer.id)).where(
                (Customer.id_number_hash == search_hash(id_number))
                | (Customer.phone_hash == search_hash(phone))))
            if not taken:
                return id_number, phone


def _credit_code() -> str:
    from app.domain.validators import make_credit_code

    body = "91350100" + "".join("0123456789ABCDEFGHJKLMNPQRTUWXY"[b % 31]
                                for b in uuid.uuid4().bytes[:9])
    return make_credit_code(body)


def _api_errors(answer: Answer) -> dict:
    """The per-field errors of an API answer: ``errors`` (LoanDesk's own endpoints) or a
    ``message`` object (FAB's model APIs)."""
    body = answer.json if isinstance(answer.json, dict) else {}
    if isinstance(body.get("errors"), dict):
        return body["errors"]
    return body["message"] if isinstance(body.get("message"), dict) else {}


def _texts(value) -> str:
    if isinstance(value, dict):
        return " ".join(_texts(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_texts(v) for v in value)
    return str(value)


# -- The customer API -------------------------------------------------------------------------
def _customer_body(app, **changes) -> dict:
    id_number, phone = _fresh_identity(app)
    body = {"kind": "person", "name": "敌意测试", "id_number": id_number, "phone": phone,
            "status": "lead"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def _wrong_check_char(code: str) -> str:
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return code[:17] + charset[(charset.index(code[17]) + 1) % 31]


def _wrong_check_digit(id_number: str) -> str:
    last = "0123456789X"
    return id_number[:17] + last[(last.index(id_number[17]) + 1) % 11]


FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# (id, changes given the valid body, field, refusal bug, translation bug)
CUSTOMER_CASES = [
    ("id-check-digit", lambda b: {"id_number": _wrong_check_digit(b["id_number"])},
     "id_number", None, None),
    ("id-17-digits", lambda b: {"id_number": b["id_number"][:17]}, "id_number", None, None),
    ("id-19-digits", lambda b: {"id_number": b["id_number"] + "1"}, "id_number", None, None),
    ("id-impossible-birth", lambda b: {"id_number": "35010219900230" + "123X"},
     "id_number", None, None),
    ("id-future-birth", lambda b: {"id_number": "35010220990101" + "1234"},
     "id_number", None, None),
    ("id-zero-width", lambda b: {"id_number": b["id_number"][:9] + "\u200b" +
                                 b["id_number"][9:]}, "id_number", None, None),
    ("id-fullwidth-digits", lambda b: {"id_number": b["id_number"].translate(FULLWIDTH)},
     "id_number", None, None),
    ("id-sql", lambda b: {"id_number": "1' OR '1'='1"}, "id_number", None, None),
    ("credit-check-char", lambda b: {"kind": "enterprise", "id_number": ...,
                                     "credit_code": _wrong_check_char(_credit_code())},
     "credit_code", None, None),
    ("credit-17-chars", lambda b: {"kind": "enterprise", "id_number": ...,
                                   "credit_code": _credit_code()[:17]}, "credit_code",
     None, None),
    ("credit-letter-I", lambda b: {"kind": "enterprise", "id_number": ...,
                                   "credit_code": "I" + _credit_code()[1:]}, "credit_code",
     None, None),
    ("phone-short", lambda b: {"phone": "12345"}, "phone", None, None),
    ("phone-landline", lambda b: {"phone": "059187654321"}, "phone", None, None),
    ("phone-emoji", lambda b: {"phone": "📞" + b["phone"]}, "phone", None, None),
    ("phone-arabic-indic", lambda b: {"phone": "13" + b["phone"][2:].translate(ARABIC_INDIC)},
     "phone", None, None),
    ("income-negative", lambda b: {"monthly_income": "-5"}, "monthly_income", None, None),
    ("income-3-decimals", lambda b: {"monthly_income": "12.345"}, "monthly_income",
     None, None),
    ("income-huge", lambda b: {"monthly_income": "1e30"}, "monthly_income", None, None),
    ("income-text", lambda b: {"monthly_income": "abc"}, "monthly_income", None, None),
    ("income-wrong-type", lambda b: {"monthly_income": [1]}, "monthly_income", None, None),
    ("birth-feb-30", lambda b: {"birth_date": "2026-02-30"}, "birth_date", None, None),
    ("birth-future", lambda b: {"birth_date": "2090-01-01"}, "birth_date", None, None),
    ("birth-minor", lambda b: {"birth_date": (dt.date.today() - dt.timedelta(days=365 * 10))
                               .isoformat()}, "birth_date", None, None),
    ("name-empty", lambda b: {"name": ""}, "name", None, None),
    ("name-blank", lambda b: {"name": "   "}, "name", None, None),
    ("name-zero-width", lambda b: {"name": "\u200b"}, "name", None, None),
    ("name-rtl-override", lambda b: {"name": "\u202eevil"}, "name", None, None),
    ("name-emoji", lambda b: {"name": "王伟😀"}, "name", None, None),
    ("name-10000-chars", lambda b: {"name": "王" * 10000}, "name", None, None),
    ("name-wrong-type", lambda b: {"name": 123}, "name", None, None),
    ("email-invalid", lambda b: {"email": "not an email"}, "email", None, None),
    ("gender-unknown", lambda b: {"gender": "Q"}, "gender", None, None),
    ("gender-empty", lambda b: {"gender": ""}, "gender", None, None),
    ("status-unknown", lambda b: {"status": "nonsense"}, "status", None, None),
    ("loans-beyond-64-bits", lambda b: {"existing_loans": 10**20}, "existing_loans", None,
     None),
    ("months-negative", lambda b: {"social_insurance_months": -3}, "social_insurance_months",
     None, None),
    ("unknown-field", lambda b: {"colour": "red"}, "colour", None, None),
]


def _case_params(cases, aspect):
    params = []
    for case_id, change, field, refusal_bug, translation_bug in cases:
        bug = refusal_bug if aspect == "refusal" else (refusal_bug or translation_bug)
        marks = [xfail(bug)] if bug else []
        params.append(pytest.param(change, field, id=case_id, marks=marks))
    return params


@pytest.mark.parametrize("change,field", _case_params(CUSTOMER_CASES, "refusal"))
def test_customer_api_refuses_hostile_input_naming_the_field(app, api, change, field):
    body = _customer_body(app)
    body = {k: v for k, v in {**body, **change(body)}.items() if v is not ...}
    before = _count(app, Customer)
    answer = _send(app.test_client(), "post", "/api/v1/customers/", json=body,
                   headers={**api, **ZH})
    assert answer.status_code != 500, answer.text[:300]
    assert _count(app, Customer) == before, f"stored ({answer.status_code})"
    assert answer.status_code in (400, 422), answer.status_code
    assert field in _api_errors(answer), answer.json


@pytest.mark.parametrize("change,field", _case_params(CUSTOMER_CASES, "translation"))
def test_customer_api_errors_are_in_the_asked_language(app, api, change, field):
    body = _customer_body(app)
    body = {k: v for k, v in {**body, **change(body)}.items() if v is not ...}
    client = app.test_client()
    chinese = _send(client, "post", "/api/v1/customers/", json=body, headers={**api, **ZH})
    english = _send(client, "post", "/api/v1/customers/", json=body, headers={**api, **EN})
    zh, en = _texts(_api_errors(chinese).get(field)), _texts(_api_errors(english).get(field))
    assert CJK.search(zh), zh
    assert en and not CJK.search(en), en


def test_customer_api_malformed_json_is_a_translated_400(app, api):
    before = _count(app, Customer)
    answer = _send(app.test_client(), "post", "/api/v1/customers/", data='{"name": "x",',
                   content_type="application/json", headers={**api, **ZH})
    assert answer.status_code == 400 and _count(app, Customer) == before
    assert CJK.search(_texts(answer.json)), answer.text


def test_customer_api_wrongly_typed_json_is_a_translated_400(app, api):
    answer = _send(app.test_client(), "post", "/api/v1/customers/", json=[{"name": "x"}],
                   headers={**api, **ZH})
    assert answer.status_code in (400, 422)
    assert CJK.search(_texts(answer.json)), answer.text


def test_customer_api_refuses_a_huge_body_with_a_translated_413(app, api):
    before = _count(app, Customer)
    huge = '{"name": "' + "x" * (app.config["MAX_CONTENT_LENGTH"] + 1024) + '"}'
    answer = _send(app.test_client(), "post", "/api/v1/customers/", data=huge,
                   content_type="application/json", headers={**api, **ZH})
    assert answer.status_code == 413 and _count(app, Customer) == before
    assert CJK.search(_texts(answer.json)), answer.text


def test_customer_api_does_not_echo_sensitive_fields_in_clear(app, api):
    body = _customer_body(app)
    answer = _send(app.test_client(), "post", "/api/v1/customers/", json=body, headers=api)
    assert answer.status_code == 201, answer.text[:300]
    result = answer.json["result"]
    assert body["id_number"] not in str(result) and body["phone"] not in str(result)


def test_sql_metacharacters_are_stored_as_typed(app, api):
    name = "Robert'); DROP TABLE customer;--"
    body = _customer_body(app, name=name, note="1' OR '1'='1\"; --", address="%_\\")
    before = _count(app, Customer)
    answer = _send(app.test_client(), "post", "/api/v1/customers/", json=body, headers=api)
    assert answer.status_code == 201, answer.text[:300]
    with app.app_context():
        stored = db.session.get(Customer, answer.json["id"])
        assert (stored.name, stored.note, stored.address) == (name, body["note"], "%_\\")
    assert _count(app, Customer) == before + 1
    listed = app.test_client().get("/api/v1/customers/", headers=api, query_string={
        "q": '(filters:!((col:name,opr:ct,value:"\');")))'})
    assert listed.status_code in (200, 400), listed.status_code


def test_a_name_is_stored_without_the_blanks_around_it(app, api):
    answer = _send(app.test_client(), "post", "/api/v1/customers/",
                   json=_customer_body(app, name="\t 王伟\u3000 "), headers=api)
    assert answer.status_code == 201, answer.text[:300]
    with app.app_context():
        assert db.session.get(Customer, answer.json["id"]).name == "王伟"


def test_valid_names_and_addresses_are_accepted(app, api):
    """The name rule refuses what is invisible or a pictograph, not real names: a
    minority name with its middle dot, an enterprise with brackets, a Latin name."""
    for name in ("买买提·艾力", "福建某某（厦门）有限公司", "Zoë O'Brien-Smith", "𠮷野家"):
        body = _customer_body(app, name=name, email="zhang.san+loan@mail.example.cn",
                              monthly_income="12.30")
        digits = body["id_number"]  # the date of birth and sex agree with the ID number
        body.update(birth_date=f"{digits[6:10]}-{digits[10:12]}-{digits[12:14]}",
                    gender="M" if int(digits[16]) % 2 else "F")
        answer = _send(app.test_client(), "post", "/api/v1/customers/", json=body,
                       headers=api)
        assert answer.status_code == 201, (name, answer.text[:300])


# -- Schedule preview API ---------------------------------------------------------------------
PREVIEW = {"principal": "100000.00", "annual_rate": "0.12", "months": 12,
           "method": "equal_installment", "start_date": "2026-01-15"}
PREVIEW_CASES = [
    ("principal-negative", {"principal": "-1"}, "principal", None),
    ("principal-zero", {"principal": "0"}, "principal", None),
    ("principal-3-decimals", {"principal": "1000.005"}, "principal", None),
    ("principal-huge", {"principal": "1e30"}, "principal", None),
    ("rate-huge", {"annual_rate": "1e30"}, "annual_rate", None),
    ("principal-text", {"principal": "abc"}, "principal", None),
    ("principal-wrong-type", {"principal": [1]}, "principal", None),
    ("principal-nan", {"principal": "NaN"}, "principal", None),
    ("rate-negative", {"annual_rate": "-0.1"}, "annual_rate", None),
    ("rate-absurd", {"annual_rate": "100"}, "annual_rate", None),
    ("months-zero", {"months": 0}, "months", None),
    ("months-1000", {"months": 1000}, "months", None),
    ("months-fraction", {"months": 1.5}, "months", None),
    ("months-bool", {"months": True}, "months", None),
    ("method-unknown", {"method": "whenever"}, "method", None),
    ("start-feb-30", {"start_date": "2026-02-30"}, "start_date", None),
    ("start-text", {"start_date": "yesterday"}, "start_date", None),
    ("day-count-unknown", {"day_count": "360/30"}, "day_count", None),
    ("fees-not-a-list", {"fees": "lots"}, "fees", None),
    ("fee-unknown-field", {"fees": [{"kind": "upfront", "amount": "1", "colour": "x"}]},
     "fees", None),
    ("fee-negative", {"fees": [{"kind": "upfront", "amount": "-5"}]}, "fees", None),
    ("unknown-field", {"colour": "red"}, "colour", None),
]


@pytest.mark.parametrize("change,field", [
    pytest.param(change, field, id=case_id, marks=[xfail(bug)] if bug else [])
    for case_id, change, field, bug in PREVIEW_CASES])
def test_schedule_preview_refuses_hostile_input_in_the_asked_language(app, api, change,
                                                                         field):
    client = app.test_client()
    body = {**PREVIEW, **change}
    chinese = _send(client, "post", "/api/v1/schedule/preview", json=body, headers={**api, **ZH})
    assert chinese.status_code == 400, (chinese.status_code, chinese.text[:300])
    errors = _api_errors(chinese)
    assert field in errors, errors
    assert CJK.search(_texts(errors[field])), errors
    english = _send(client, "post", "/api/v1/schedule/preview", json=body, headers={**api, **EN})
    assert not CJK.search(_texts(_api_errors(english).get(field))), english.json


@pytest.mark.parametrize("data", ["[1, 2]", '"text"', "{not json", "", "null",
                                  '{"principal": ' * 2000])
def test_schedule_preview_refuses_malformed_or_wrongly_typed_json(app, api, data):
    answer = _send(app.test_client(), "post", "/api/v1/schedule/preview", data=data,
                   content_type="application/json", headers={**api, **ZH})
    assert answer.status_code == 400, (answer.status_code, answer.text[:200])
    assert CJK.search(_texts(answer.json)), answer.text[:200]


# -- Repayment API ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def loan_id(app):
    """A loan of this module's own, disbursed on 2026-01-15."""
    with app.app_context():
        return disbursed_loan().id


REPAYMENT = {"amount": "10.00", "paid_on": "2026-02-15"}
REPAYMENT_CASES = [
    ("amount-negative", {"amount": "-5"}, "amount", None),
    ("amount-zero", {"amount": "0"}, "amount", None),
    ("amount-3-decimals", {"amount": "10.001"}, "amount", None),
    ("amount-huge", {"amount": "1e30"}, "amount", None),
    ("amount-beyond-64-bits", {"amount": 10**30}, "amount", None),
    ("amount-text", {"amount": "abc"}, "amount", None),
    ("amount-bool", {"amount": True}, "amount", None),
    ("amount-list", {"amount": ["5"]}, "amount", None),
    ("amount-null", {"amount": None}, "amount", None),
    ("amount-nan", {"amount": "NaN"}, "amount", None),
    ("paid-feb-30", {"paid_on": "2026-02-30"}, "paid_on", None),
    ("paid-future", {"paid_on": "2999-01-01"}, "paid_on", None),
    ("paid-text", {"paid_on": "yesterday"}, "paid_on", None),
    ("reference-10000-chars", {"reference": "R" * 10000}, "reference", None),
    ("reference-wrong-type", {"reference": {"a": 1}}, "reference", None),
    ("key-65-chars", {"idempotency_key": "k" * 65}, "idempotency_key", None),
    ("channel-unknown", {"channel": "pigeon"}, "channel", None),
    ("prepayment-unknown", {"prepayment": "sometimes"}, "prepayment", None),
    ("unknown-field", {"colour": "red"}, "colour", None),
]


@pytest.mark.parametrize("change,field", [
    pytest.param(c, f, id=i, marks=[xfail(bug)] if bug else [])
    for i, c, f, bug in REPAYMENT_CASES])
def test_repayment_api_refuses_hostile_input_naming_the_field(app, api, loan_id, change,
                                                              field):
    client = app.test_client()
    before = _count(app, Repayment, Repayment.loan_id == loan_id)
    body = {**REPAYMENT, "reference": uuid.uuid4().hex[:20], **change}
    chinese = _send(client, "post", f"/api/v1/loans/{loan_id}/repayments", json=body,
                    headers={**api, **ZH})
    assert chinese.status_code == 422, (chinese.status_code, chinese.text[:300])
    errors = _api_errors(chinese)
    assert field in errors, errors
    assert CJK.search(_texts(errors[field])), errors
    english = _send(client, "post", f"/api/v1/loans/{loan_id}/repayments", json=body,
                    headers={**api, **EN})
    assert english.status_code == 422 and not CJK.search(_texts(_api_errors(english)[field]))
    assert _count(app, Repayment, Repayment.loan_id == loan_id) == before


@pytest.mark.parametrize("data", ["[1]", '"10.00"', "{not json", "", "null"])
def test_repayment_api_refuses_malformed_or_wrongly_typed_json(app, api, loan_id, data):
    before = _count(app, Repayment, Repayment.loan_id == loan_id)
    answer = _send(app.test_client(), "post", f"/api/v1/loans/{loan_id}/repayments",
                   data=data, content_type="application/json", headers={**api, **ZH})
    assert answer.status_code == 400, (answer.status_code, answer.text[:200])
    assert CJK.search(_texts(answer.json)), answer.text[:200]
    assert _count(app, Repayment, Repayment.loan_id == loan_id) == before


def test_repayment_reference_keeps_text_as_typed(app, api, loan_id):
    """Emoji, right-to-left text and SQL metacharacters are a reference like any other."""
    reference = "'; DROP TABLE repayment;-- 😀 \u05e9\u05dc\u05d5\u05dd"
    answer = _send(app.test_client(), "post", f"/api/v1/loans/{loan_id}/repayments",
                   json={**REPAYMENT, "reference": reference}, headers=api)
    assert answer.status_code == 201, answer.text[:300]
    assert answer.json["repayment"]["reference"] == reference
    assert _count(app, Repayment) > 0


# -- Forms ------------------------------------------------------------------------------------
def _field_error(html: str, field: str) -> str:
    """The error shown next to a field: FAB's alert in the field's table row, or LoanDesk's
    ``field-error`` span; '' when there is none."""
    spans = re.findall(rf'class="help-block field-error" data-field="{field}">(.*?)</span>',
                       html, re.DOTALL)
    if spans:
        return " ".join(" ".join(s.split()) for s in spans)
    start = html.find(f'<label for="{field}"')
    if start < 0:
        return ""
    end = html.find("<label for=", start + 1)
    row = html[start:end if end > 0 else len(html)]
    alert = re.search(r'<div class="alert alert-danger">(.*?)</div>', row, re.DOTALL)
    return " ".join(alert.group(1).split()) if alert else ""


def _admin_staff(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Staff.id).where(
            Staff.user_id == app.appbuilder.sm.find_user(username="admin").id))


def _customer_form(app, **changes) -> dict:
    id_number, phone = _fresh_identity(app)
    data = {"kind": "person", "name": "表单敌意测试", "id_number": id_number, "phone": phone,
            "status": "lead", "credit_report_status": "none",
            "owner": str(_admin_staff(app))}
    data.update(changes)
    return data


CUSTOMER_FORM_CASES = [
    ("id-check-digit", {"id_number": "350102199001011230"}, "id_number", None),
    ("id-impossible-birth", {"id_number": "35010219900230123X"}, "id_number", None),
    ("id-fullwidth-digits", {"id_number": "３５０１０２１９９００１０１１２３０"}, "id_number",
     None),
    ("phone-short", {"phone": "12345"}, "phone", None),
    ("phone-zero-width", {"phone": "139\u200b12345678"}, "phone", None),
    ("credit-wrong", {"kind": "enterprise", "id_number": "", "credit_code": "91350100M000100Y4"},
     "credit_code", None),
    ("birth-feb-30", {"birth_date": "2026-02-30"}, "birth_date", None),
    ("income-negative", {"monthly_income": "-5"}, "monthly_income", None),
    ("income-3-decimals", {"monthly_income": "12.345"}, "monthly_income", None),
    ("income-text", {"monthly_income": "abc"}, "monthly_income", None),
    ("name-empty", {"name": ""}, "name", None),
    ("name-10000-chars", {"name": "王" * 10000}, "name", None),
    ("name-zero-width", {"name": "\u200b\u200b"}, "name", None),
    ("name-emoji", {"name": "李娜🌸"}, "name", None),
    ("email-invalid", {"email": "not an email"}, "email", None),
    ("gender-unknown", {"gender": "Q"}, "gender", None),
    ("birth-future", {"birth_date": "2090-01-01"}, "birth_date", None),
    ("months-negative", {"social_insurance_months": "-3"}, "social_insurance_months", None),
    ("owner-unknown", {"owner": "999999999"}, "owner", None),
]


def _form_params(cases):
    return [pytest.param(changes, field, id=case_id, marks=[xfail(bug)] if bug else [])
            for case_id, changes, field, bug in cases]


def _assert_refused_next_to_the_field(answer: Answer, field: str) -> None:
    assert answer.status_code != 500, answer.text[:300]
    assert answer.status_code == 200, answer.status_code  # the form again, not a redirect
    message = _field_error(answer.text, field)
    assert message, f"no error next to {field}"
    assert CJK.search(message), message


@pytest.mark.parametrize("changes,field", _form_params(CUSTOMER_FORM_CASES))
def test_customer_form_refuses_hostile_input_next_to_the_field(app, web, changes, field):
    before = _count(app, Customer)
    answer = _send(web, "post", "/customerview/add?_l_=zh_CN",
                   data=_customer_form(app, **changes))
    assert _count(app, Customer) == before, "stored"
    _assert_refused_next_to_the_field(answer, field)


def _free_customer(app, api) -> int:
    """A customer of admin's with no application in progress."""
    answer = _send(app.test_client(), "post", "/api/v1/customers/",
                   json=_customer_body(app, status="active"), headers=api)
    assert answer.status_code == 201, answer.text[:300]
    return answer.json["id"]


def _product_id(app) -> int:
    with app.app_context():
        return db.session.scalars(select(LoanProduct.id).order_by(LoanProduct.id)).first()


APPLICATION_FORM_CASES = [
    ("amount-zero", {"amount": "0"}, "amount", None),
    ("amount-negative", {"amount": "-1"}, "amount", None),
    ("amount-3-decimals", {"amount": "50000.005"}, "amount", None),
    ("amount-huge", {"amount": "1e30"}, "amount", None),
    ("amount-text", {"amount": "五万"}, "amount", None),
    ("months-zero", {"months": "0"}, "months", None),
    ("months-1000", {"months": "1000"}, "months", None),
    ("customer-unknown", {"customer": "999999999"}, "customer", None),
    ("customer-sql", {"customer": "1 OR 1=1"}, "customer", None),
    ("purpose-10000-chars", {"purpose": "用" * 10000}, "purpose", None),
]


@pytest.mark.parametrize("changes,field", _form_params(APPLICATION_FORM_CASES))
def test_application_form_refuses_hostile_input_next_to_the_field(app, api, web, changes,
                                                                  field):
    data = {"customer": str(_free_customer(app, api)), "amount": "50000.00", "months": "12",
            "method": "equal_installment", "purpose": "经营周转",
            "product": str(_product_id(app)), "owner": str(_admin_staff(app))}
    before = _count(app, Application)
    answer = _send(web, "post", "/applicationview/add?_l_=zh_CN", data={**data, **changes})
    assert _count(app, Application) == before, "stored"
    _assert_refused_next_to_the_field(answer, field)


def test_database_errors_never_reach_the_page(app, api, web):
    data = {"customer": str(_free_customer(app, api)), "amount": "0", "months": "12",
            "method": "equal_installment", "purpose": "经营周转",
            "product": str(_product_id(app)), "owner": str(_admin_staff(app))}
    answer = _send(web, "post", "/applicationview/add?_l_=zh_CN", data=data,
                   follow_redirects=True)
    assert answer.status_code == 200
    for leak in ("INSERT INTO", "IntegrityError", "sqlalche.me", "[parameters:"):
        assert leak not in answer.text, leak


def test_a_save_the_database_refuses_says_so_without_the_error(app, web):
    """No form checks a channel's commission rate against its CHECK (0 to 1): the database
    refuses the INSERT, and the page says so in the user's language, without the SQL."""
    from app.models import Channel

    before = _count(app, Channel)
    answer = _send(web, "post", "/channelview/add?_l_=zh_CN", follow_redirects=True, data={
        "code": "CK" + uuid.uuid4().hex[:8], "name": "约束测试" + uuid.uuid4().hex[:6],
        "kind": "agent", "commission_basis": "fee", "commission_rate": "2", "settle_days": "7",
        "clawback_days": "90", "active": "y"})
    assert answer.status_code == 200 and _count(app, Channel) == before
    for leak in ("INSERT INTO", "IntegrityError", "sqlalche.me", "[parameters:"):
        assert leak not in answer.text, leak
    assert "数据库拒绝了其中的某个值" in answer.text, answer.text[:500]


def _some_customer(app) -> int:
    with app.app_context():
        return db.session.scalars(select(Customer.id).order_by(Customer.id)).first()


FOLLOWUP_FORM_CASES = [
    ("note-empty", {"note": ""}, "note", None),
    ("happened-feb-30", {"happened_at": "2026-02-30 10:00:00"}, "happened_at", None),
    ("next-date-feb-30", {"next_date": "2026-02-30"}, "next_date", None),
    ("next-date-text", {"next_date": "明天"}, "next_date", None),
    ("customer-unknown", {"customer": "999999999"}, "customer", None),
    ("method-unknown", {"method": "telepathy"}, "method", None),
]


@pytest.mark.parametrize("changes,field", _form_params(FOLLOWUP_FORM_CASES))
def test_followup_form_refuses_hostile_input_next_to_the_field(app, web, changes, field):
    data = {"customer": str(_some_customer(app)), "staff": str(_admin_staff(app)),
            "happened_at": "2026-03-01 10:00:00", "method": "phone", "note": "回访",
            "next_date": "2026-03-08"}
    before = _count(app, FollowUp)
    answer = _send(web, "post", "/followupview/add?_l_=zh_CN", data={**data, **changes})
    assert _count(app, FollowUp) == before, "stored"
    _assert_refused_next_to_the_field(answer, field)


CONTACT_FORM_CASES = [
    ("name-empty", {"name": ""}, "name", None),
    ("name-10000-chars", {"name": "李" * 10000}, "name", None),
    ("phone-short", {"phone": "12345"}, "phone", None),
    ("phone-letters", {"phone": "call me"}, "phone", None),
    ("name-rtl-override", {"name": "\u202e李四"}, "name", None),
    ("note-10000-chars", {"note": "x" * 10000}, "note", None),
    ("customer-unknown", {"customer": "999999999"}, "customer", None),
]


@pytest.mark.parametrize("changes,field", _form_params(CONTACT_FORM_CASES))
def test_contact_form_refuses_hostile_input_next_to_the_field(app, web, changes, field):
    data = {"customer": str(_some_customer(app)), "name": "紧急联系人", "relation": "配偶",
            "phone": "13912345678", "note": ""}
    before = _count(app, Contact)
    answer = _send(web, "post", "/contactview/add?_l_=zh_CN", data={**data, **changes})
    assert _count(app, Contact) == before, "stored"
    _assert_refused_next_to_the_field(answer, field)


UPLOAD_CASES = [
    ("html-named-pdf", b"<html><script>alert(1)</script></html>", "scan.pdf", None),
    ("pdf-named-exe", PDF, "scan.exe", None),
    ("pdf-named-pdf-exe", PDF, "scan.pdf.exe", None),
    ("png-named-pdf", PNG, "scan.pdf", None),
    ("empty", b"", "empty.pdf", None),
    ("path-in-name", PDF, "../../etc/passwd.pdf", None),
    ("nul-in-name", PDF, "scan\x00.pdf", None),
    ("name-300-chars", PDF, "x" * 300 + ".pdf", None),
    # shown in a list as "invoicefdp.png"
    ("rtl-override-in-name", PDF, "invoice\u202egnp.pdf", None),
    ("zero-width-in-name", PDF, "scan\u200b.pdf", None),
    ("newline-in-name", PDF, "scan\r\nX-Evil: 1.pdf", None),
]


@pytest.mark.parametrize("content,filename", [
    pytest.param(c, n, id=i, marks=[xfail(bug)] if bug else [])
    for i, c, n, bug in UPLOAD_CASES])
def test_upload_refuses_hostile_files_next_to_the_file_field(app, web, content, filename):
    folder = Path(app.config["UPLOAD_FOLDER"])
    files_before = sorted(folder.rglob("*"))
    before = _count(app, Document)
    answer = _send(web, "post", "/documentview/upload?_l_=zh_CN", data={
        "customer": str(_some_customer(app)), "kind": "id_card",
        "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")
    assert _count(app, Document) == before, "stored"
    assert sorted(folder.rglob("*")) == files_before
    _assert_refused_next_to_the_field(answer, "file")


def test_upload_refuses_an_oversized_file_in_the_asked_language(app, web):
    before = _count(app, Document)
    big = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    answer = _send(web, "post", "/documentview/upload?_l_=zh_CN", data={
        "customer": str(_some_customer(app)), "kind": "id_card",
        "file": (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data")
    assert answer.status_code == 413 and _count(app, Document) == before
    assert CJK.search(answer.text), answer.text[:200]


# -- Valid but dangerous text: escaped wherever it is shown -----------------------------------
@pytest.fixture(scope="module")
def marked_customer(app, api):
    """A customer named with a script, with a follow-up whose note is an <img onerror>."""
    answer = _send(app.test_client(), "post", "/api/v1/customers/",
                   json=_customer_body(app, name=XSS, note=IMG, address=IMG,
                                       status="active"), headers=api)
    assert answer.status_code == 201, answer.text[:300]
    return answer.json["id"]


def _assert_escaped(html: str, where: str) -> None:
    assert XSS not in html and IMG not in html, f"raw markup on {where}"


@pytest.mark.parametrize("url", ["/customerview/list/", "/customerview/show/{pk}",
                                 "/customerview/edit/{pk}", "/followupview/list/?_flt_0_note=<img",
                                 "/api/v1/customers/{pk}"])
def test_html_in_text_fields_is_escaped_on_pages(app, api, web, marked_customer, url):
    client_followup = _send(web, "post", "/followupview/add?_l_=zh_CN", data={
        "customer": str(marked_customer), "staff": str(_admin_staff(app)),
        "happened_at": "2026-03-01 10:00:00", "method": "phone", "note": IMG})
    assert client_followup.status_code in (200, 302), client_followup.text[:200]
    target = url.format(pk=marked_customer)
    if target.startswith("/api/"):
        answer = _send(app.test_client(), "get", target, headers=api)
        assert answer.json["result"]["name"] == XSS  # stored as typed
        return
    path, _, query = target.partition("?")
    answer = _send(web, "get", path, query_string=query + "&_l_=zh_CN")
    assert answer.status_code == 200, answer.status_code
    _assert_escaped(answer.text, target)
    assert "&lt;script&gt;" in answer.text or "&lt;img" in answer.text, "not shown at all"


def test_html_in_a_customer_name_is_escaped_on_the_contract_preview(app, api, web,
                                                                    marked_customer):
    with app.app_context():
        loan = disbursed_loan(of=db.session.get(Customer, marked_customer))
        loan_pk = loan.id
    draft = _send(app.test_client(), "post", f"/api/v1/loans/{loan_pk}/contracts",
                  json={"kind": "loan"}, headers=api)
    assert draft.status_code == 201, draft.text[:300]
    page = _send(web, "get", f"/contractview/show/{draft.json['id']}?_l_=zh_CN")
    assert page.status_code == 200, page.status_code
    _assert_escaped(page.text, "the contract preview")


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-1+1", "@SUM(A1)",
                                  "\t=1", "=1"])
def test_csv_export_neutralises_formula_prefixes(app, api, web, name):
    answer = _send(app.test_client(), "post", "/api/v1/customers/",
                   json=_customer_body(app, name=name, city=name), headers=api)
    assert answer.status_code == 201, answer.text[:300]
    stored = answer.json["result"]["name"]  # "\t=1": a name loses the blanks around it
    csv_text = web.get("/customerview/csv", query_string={
        "purpose": "hostile input test", "_flt_0_name": stored}).get_data(as_text=True)
    rows = csv_text.lstrip("\ufeff").splitlines()[1:]
    assert rows, csv_text[:200]
    for row in rows:
        cells = next(__import__("csv").reader([row]))
        assert all(not c or c[0] not in "=+-@\t\r" for c in cells), cells


def test_dashboard_embeds_names_escaped(app, web):
    """A product name with markup appears on the dashboard only as data."""
    payload = "</script><script>alert(3)</script>"
    with app.app_context():
        product = db.session.scalars(select(LoanProduct).order_by(LoanProduct.id)).first()
        old_name, product.name = product.name, payload
        db.session.commit()
        product_id = product.id
    try:
        page = _send(web, "get", "/dashboard/?_l_=zh_CN")
        assert page.status_code == 200, page.status_code
        assert payload not in page.text and "alert(3)" not in page.text.replace(
            "\\u003c", "<").split("<script", 1)[0]
    finally:
        with app.app_context():
            db.session.get(LoanProduct, product_id).name = old_name
            db.session.commit()


def test_dashboard_pie_tooltip_escapes_names():
    source = (ROOT / "app" / "static" / "js" / "dashboard.js").read_text()
    formatter = source[source.index("function pie(rows)"):source.index("function hbar(")]
    assert "esc(p.name)" in formatter, formatter[:300]

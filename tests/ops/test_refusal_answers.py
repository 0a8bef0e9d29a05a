"""One refusal base (app/errors.py's ``Refused``), answered one way: the status it carries
(the README's table — 403 not allowed, 409 the state, 422 per field) and a body with the
reason as ``message`` and the reasons per field as ``errors``, whichever service refused
and whichever route asked.  Messages are checked in Chinese, the default language."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from app.contracts.service import ContractRefused
from app.customers.documents import UploadRefused
from app.domain import DomainError
from app.editing import EditLocked
from app.errors import Refused
from app.extensions import db
from app.intake.transitions import TransitionRefused
from app.loans.service import LoanRefused
from app.models import Application, Customer, FirmSetting, Installment, Loan, Staff
from app.permissions import OwnershipRefused
from app.versioning import ChangedMeanwhile
from tests.factories import login


def test_each_refusal_carries_its_status():
    assert [type(r).status for r in (
        LoanRefused(""), ContractRefused(""), TransitionRefused(""), ChangedMeanwhile(""),
        EditLocked(""))] == [409, 409, 409, 409, 409]
    assert OwnershipRefused("").status == UploadRefused("").status == 422
    assert LoanRefused("请更正以下错误。", {"amount": ["金额必须大于0。"]}).status == 422
    # Given outright, the status wins: a checklist is in the records, not in what was sent.
    assert TransitionRefused("", {"consent": ["缺少授权"]}, status=409).status == 409
    assert TransitionRefused("", status=403).status == 403
    assert all(isinstance(r, Refused) for r in (UploadRefused(""), ChangedMeanwhile("")))


def test_a_refusal_only_per_field_reads_as_its_reasons():
    refused = OwnershipRefused({"id_number": "已登记", "phone": ["格式不对"]})
    assert (refused.message, refused.errors, refused.status) == (
        None, {"id_number": ["已登记"], "phone": ["格式不对"]}, 422)
    assert refused.answer == {"id_number": "已登记", "phone": ["格式不对"]}  # as given
    assert str(refused) == "已登记 格式不对"
    named = OwnershipRefused("只有经理可以改派。", "owner")
    assert (str(named), named.errors, named.field) == ("只有经理可以改派。", {}, "owner")


def test_a_domain_error_becomes_a_refusal_per_field(app):
    with app.test_request_context("/?_l_=zh_CN"):
        refused = LoanRefused.from_domain(DomainError.single(
            "amount", "The amount must be greater than 0."))
    assert isinstance(refused, LoanRefused) and refused.status == 422
    assert (refused.message, refused.errors) == ("请更正以下错误。",
                                                {"amount": ["金额必须大于0。"]})


def _api(client, auth, username="finance"):
    return {"Authorization": f"Bearer {auth.token(username)}"}


def _open_loan(app) -> int:
    with app.app_context():
        branch = db.session.scalar(select(Staff.branch_id).where(
            Staff.user_id == app.appbuilder.sm.find_user(username="finance").id))
        return db.session.scalar(select(Loan.id).where(
            Loan.state == "active", Loan.branch_id == branch,
            Loan.installments.any(Installment.state.in_(("due", "overdue"))))
            .order_by(Loan.id.desc()))


def test_field_errors_of_an_action_are_422_with_the_reason_and_each_field(app, client, auth):
    loan_id = _open_loan(app)
    answer = client.post(f"/api/v1/loans/{loan_id}/repayments", headers=_api(client, auth),
                         json={"amount": "-5", "paid_on": "2026-02-30",
                               "reference": uuid.uuid4().hex[:20]})
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["message"] == "请更正以下错误。" and set(body["errors"]) == {"amount",
                                                                         "paid_on"}


def test_a_state_conflict_is_409_with_no_field_errors(app, client, auth):
    with app.app_context():
        settled = db.session.scalar(select(Loan.id).where(Loan.state == "settled")
                                    .order_by(Loan.id))
    answer = client.post(f"/api/v1/loans/{settled}/repayments",
                         headers=_api(client, auth, "admin"),
                         json={"amount": "10.00", "paid_on": dt.date.today().isoformat()})
    assert answer.status_code == 409
    assert answer.get_json() == {
        "message": "只能对还款中的借款入账（该借款状态：已结清）。", "errors": {}}


def test_a_save_refused_per_field_keeps_fabs_422_and_names_the_fields(app, client, auth):
    with app.app_context():
        taken = db.session.scalars(select(Customer).where(
            Customer.kind == "person").order_by(Customer.id)).first().id_number
    answer = client.post("/api/v1/customers/", headers=_api(client, auth, "sales2"), json={
        "kind": "person", "name": "重复", "id_number": taken, "phone": "13500005555",
        "status": "lead"})
    assert answer.status_code == 422
    body = answer.get_json()
    assert set(body["message"]) == {"id_number"}  # as FAB's own 422: the reasons per field
    assert body["errors"] == {"id_number": [body["message"]["id_number"]]}
    assert "已登记" in body["errors"]["id_number"][0]


def test_a_locked_edit_is_409_naming_its_field(app, client, auth):
    with app.app_context():
        pk = db.session.scalar(select(Application.id).where(
            Application.state == "repaying").order_by(Application.id))
    answer = client.put(f"/api/v1/applications/{pk}", headers=_api(client, auth, "admin"),
                        json={"amount": "123456.00"})
    assert answer.status_code == 409
    body = answer.get_json()
    assert (body["field"], body["errors"]) == ("amount", {}) and "还款中" in body["message"]


def test_the_screens_flash_the_same_reason(app):
    loan_id = _open_loan(app)
    page = login(app, "finance").post(f"/loanview/repay/{loan_id}", data={
        "amount": "-5", "paid_on": "2026-01-20"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "请更正以下错误。" in html and "金额必须大于0。" in html


def test_a_refused_claim_from_the_pool_is_flashed_and_changes_nothing(app):
    with app.app_context():
        sales1 = db.session.scalar(select(Staff).where(
            Staff.user_id == app.appbuilder.sm.find_user(username="sales1").id))
        pk = db.session.scalar(select(Customer.id).where(
            Customer.owner_id.is_(None), Customer.status != "blacklisted",
            Customer.branch_id == sales1.branch_id).order_by(Customer.id))
        setting = db.session.scalar(select(FirmSetting).where(
            FirmSetting.key == "pool.daily_claim_limit"))
        before, setting.value = setting.value, "0"
        db.session.commit()
    try:
        page = login(app, "sales1").post(f"/pool/claim/{pk}", follow_redirects=True)
    finally:
        with app.app_context():
            db.session.scalar(select(FirmSetting).where(
                FirmSetting.key == "pool.daily_claim_limit")).value = before
            db.session.commit()
    assert page.status_code == 200
    assert "您今天已领取0位客户，已达每日上限。" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Customer, pk).owner_id is None

"""Moves and settings that must be refused with the reason — never stored, never a 500:
what a review of issue 17's screens found (approving without a product or beyond any
range, a withdrawal leaving a booked loan behind, a settings typo requiring nothing, odd
products and missing LPRs on the reviewer's page, ids beyond any column).

Messages are checked in Chinese, the default language.
"""

from __future__ import annotations

import re
from decimal import Decimal

from app.extensions import db
from app.models import Application, Decision, FirmSetting, LoanProduct, LprRate
from tests.factories import login, new_draft, state_and_decisions, submit, under_review


def approve(client, pk, **body):
    return client.post(f"/api/v1/applications/{pk}/transition", json={"to": "approved",
                                                                      **body})


def test_a_draft_without_a_product_is_not_submitted(app):
    pk, _customer = new_draft(app)
    with app.app_context():
        db.session.get(Application, pk).product = None
        db.session.commit()
    answer = submit(login(app, "sales1"), pk)
    assert answer.status_code == 409
    assert answer.get_json()["errors"]["product"] == ["尚未选择产品：请从适用的产品中选择一个。"]
    assert state_and_decisions(app, pk) == ("draft", 0)


def test_an_application_without_a_product_is_never_approved(app):
    """An application that reached review without a product (an old draft) has no range to
    hold the amount to: the approval is refused, whatever the amount."""
    pk = under_review(app)
    with app.app_context():
        db.session.execute(db.update(Application).where(Application.id == pk)
                           .values(product_id=None))
        db.session.commit()
    answer = approve(login(app, "reviewer"), pk, amount="50000000", months=24,
                     annual_rate="0.06")
    assert answer.status_code == 409
    assert answer.get_json()["message"] == "尚未选择产品：请退回进件，由业务员选择产品。"
    assert state_and_decisions(app, pk) == ("under_review", 0)


def test_absurd_terms_are_refused_beside_their_fields(app):
    pk = under_review(app)
    client = login(app, "reviewer")
    answer = approve(client, pk, annual_rate="1e28", months=24.9, amount="-5")
    assert answer.status_code == 422  # refused per field
    assert answer.get_json()["message"] == "请更正以下错误。"
    errors = answer.get_json()["errors"]
    assert errors["annual_rate"] == ["请输入 0 至 100% 之间的年利率。"]
    assert errors["months"] == ["请输入整数。"]  # 24.9 months is not 24
    assert errors["amount"] == ["金额必须大于0。"]
    page = client.post(f"/applicationview/review_move/{pk}", data={
        "to": "approved", "amount": "50000", "months": "12", "annual_rate_pct": "1e30",
        "method": "equal_installment"})
    assert page.status_code == 200
    assert "0 至 100% 之间的年利率" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Decision).filter_by(application_id=pk).count() == 0


def test_a_product_without_repayment_methods_does_not_break_the_review(app):
    pk = under_review(app)
    from app.models import RepaymentMethodOption

    with app.app_context():
        product = db.session.get(Application, pk).product
        product_id, kept = product.id, [m.id for m in product.methods]
        product.methods = []
        db.session.commit()
    try:
        page = login(app, "reviewer").get(f"/applicationview/show/{pk}")
        assert page.status_code == 200
        assert "该产品未设置任何还款方式" in page.get_data(as_text=True)
    finally:
        with app.app_context():
            db.session.get(LoanProduct, product_id).methods = [
                db.session.get(RepaymentMethodOption, i) for i in kept]
            db.session.commit()


def test_the_reviewers_page_says_when_no_lpr_is_recorded(app):
    from app.intake.approval import decision_terms

    pk = under_review(app)
    with app.test_request_context():
        db.session.query(LprRate).delete()  # rolled back below
        terms = decision_terms(db.session.get(Application, pk))
        assert terms["cap"] is None and terms["cap_pct"] is None
        db.session.rollback()


def test_the_firms_own_cap_is_called_the_firms(app):
    pk = under_review(app)
    with app.app_context():
        setting = db.session.query(FirmSetting).filter_by(
            key="policy.rate_cap_override").one()
        setting.value = "0.24"
        db.session.commit()
    try:
        html = login(app, "reviewer").get(f"/applicationview/show/{pk}").get_data(
            as_text=True)
        limits = re.search(r'id="rate-limits">(.*?)</div>', html, re.DOTALL).group(1)
        assert "公司利率上限：24.00%" in limits and "法定上限" not in limits
    finally:
        with app.app_context():
            db.session.query(FirmSetting).filter_by(key="policy.rate_cap_override").update(
                {"value": None})
            db.session.commit()


def test_a_booked_application_is_not_withdrawn(app):
    with app.app_context():
        from app.models import Loan

        pk = db.session.query(Loan.application_id).filter_by(state="pending").filter(
            Loan.branch.has(code="FZ")).first()[0]
        before = db.session.get(Application, pk).state
    answer = login(app, "manager").post(f"/api/v1/applications/{pk}/transition",
                                        json={"to": "withdrawn"})
    assert answer.status_code == 409 and "不能再撤回" in answer.get_json()["message"]
    with app.app_context():
        assert db.session.get(Application, pk).state == before


def test_required_documents_are_taken_by_name_and_a_typo_is_refused(app):
    client = login(app, "admin")
    with app.app_context():
        setting = db.session.query(FirmSetting).filter_by(
            key="intake.required_documents.person").one()
        pk, before = setting.id, setting.value
    url = f"/firmsettingview/edit/{pk}"
    form = {"value": "身份证、收入证明", "row_version": _version(app, pk)}
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        assert db.session.get(FirmSetting, pk).value == "id_card,income_proof"
    refused = client.post(url, data={"value": "护照", "row_version": _version(app, pk)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "无法识别的资料类型：护照" in html
    with app.app_context():
        assert db.session.get(FirmSetting, pk).value == "id_card,income_proof"
        db.session.get(FirmSetting, pk).value = before
        db.session.commit()


def _version(app, pk) -> str:
    with app.app_context():
        return str(db.session.get(FirmSetting, pk).row_version)


def test_ids_beyond_any_column_are_no_record_not_a_500(app):
    huge = "9" * 20
    client = login(app, "sales1")
    assert client.get(f"/documentview/upload?customer={huge}").status_code == 200
    assert client.get(f"/applicationview/add?customer={huge}").status_code == 200
    posted = client.post("/applicationview/add", data={
        "customer": huge, "amount": "10000", "months": "12", "purpose": "装修"})
    assert posted.status_code == 200  # refused beside the field
    admin = login(app, "admin")
    page = admin.post("/users/add", data={
        "last_name": "赵", "first_name": "六", "username": "zhaoliu9", "password":
        "Strong#Pass2026", "conf_password": "Strong#Pass2026", "team": huge})
    assert page.status_code < 500


def test_money_stays_decimal_in_the_decision_quote(app):
    pk = under_review(app)
    quote = login(app, "reviewer").get(
        f"/applicationview/decision_quote/{pk}?amount=50000.00&months=12"
        "&annual_rate_pct=6&method=equal_installment").get_json()
    assert Decimal(quote["apr"]) > Decimal("0.06") and quote["exceeds"] is False
    bad = login(app, "reviewer").get(f"/applicationview/decision_quote/{pk}?amount=x")
    assert bad.status_code == 200 and bad.get_json() == {"apr": None, "exceeds": None}

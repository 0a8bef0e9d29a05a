"""Mistakes caught before they cost (issue 17): the submission checklist, a refused decision
that keeps what was typed, the repayment form starting from what is due, child records that
carry their parent, and units beside the fields.

Messages are checked in Chinese, the default language (msgstrs of
translations/zh_CN/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Customer
from tests.factories import (
    disbursed_loan,
    is_selected,
    login,
    new_draft,
    staff_id,
    state_and_decisions,
    submit,
    under_review,
)

# -- The submission checklist ---------------------------------------------------------------

@pytest.mark.parametrize("missing, item", [
    ({"consent": False}, "consent"), ({"id_card": False}, "documents"),
    ({"income": False}, "fields"), ({"amount": "900000.00"}, "product")])
def test_submission_is_refused_with_what_is_missing_and_the_draft_stays(app, missing, item):
    pk, _customer = new_draft(app, **missing)
    client = login(app, "sales1")
    answer = submit(client, pk)
    assert answer.status_code == 409
    body = answer.get_json()
    assert body["message"] == "未提交：请先完成提交前检查中的各项。"
    assert list(body["errors"]) == [item]
    # Missing data is not a credit decision: still a draft, no decision recorded.
    assert state_and_decisions(app, pk) == ("draft", 0)
    html = client.get(f"/applicationview/show/{pk}").get_data(as_text=True)
    assert re.search(rf'id="check-{item}" data-ok="no"', html)
    assert re.search(r'id="move-submitted"[^>]*disabled', html)


def test_missing_consent_never_rejects_and_the_checklist_links_to_the_fix(app):
    pk, customer = new_draft(app, consent=False)
    client = login(app, "sales1")
    html = client.get(f"/applicationview/show/{pk}").get_data(as_text=True)
    fix = re.search(r'id="check-consent".*?href="([^"]+)"', html, re.DOTALL).group(1)
    assert f"_flt_0_customer={customer}" in fix and "scope=credit_query" in fix
    form = client.get(fix.replace("&amp;", "&")).get_data(as_text=True)
    assert is_selected(form, "scope", "credit_query")
    with app.app_context():
        name = db.session.get(Customer, customer).name
    assert re.search(rf'id="fixed-customer"><strong>{name}</strong>', form)
    for _ in range(3):  # however often it is tried
        assert submit(client, pk).status_code == 409
    assert state_and_decisions(app, pk) == ("draft", 0)


def test_a_complete_draft_is_submitted_to_review(app):
    pk, _customer = new_draft(app)
    client = login(app, "sales1")
    html = client.get(f"/applicationview/show/{pk}").get_data(as_text=True)
    assert len(re.findall(r'data-ok="yes"', html)) == 4
    assert not re.search(r'id="move-submitted"[^>]*disabled', html)
    answer = submit(client, pk)
    assert answer.status_code == 200 and answer.get_json()["state"] == "under_review"


def test_a_hard_rule_still_rejects_and_says_so_as_a_rejection(app):
    pk, _customer = new_draft(app, status="blacklisted")
    client = login(app, "sales1")
    page = client.post(f"/applicationview/review_move/{pk}", data={"to": "submitted"},
                       follow_redirects=True).get_data(as_text=True)
    assert state_and_decisions(app, pk) == ("rejected", 1)
    banner = re.search(r'alert-danger[^>]*>(.*?)</div>', page, re.DOTALL).group(1)
    assert "提交时进件被拒绝" in banner and "提供虚假材料" in banner
    assert "alert-success" not in page


# -- The reviewer's decision form -------------------------------------------------------------

def test_the_decision_form_shows_the_ranges_the_cap_and_the_annualized_rate(app):
    pk = under_review(app)
    html = login(app, "reviewer").get(f"/applicationview/show/{pk}").get_data(as_text=True)
    limits = re.search(r'id="rate-limits">(.*?)</div>', html, re.DOTALL).group(1)
    assert "产品利率区间：4.50% – 8.00%" in limits
    assert "法定上限：12.00%（4 倍 LPR 3.00%）" in limits  # 4 × the 1-year LPR of 3.00 %
    # Prefilled with the product's terms: its lowest rate, the application's amount and term.
    assert re.search(r'name="annual_rate_pct" id="approve-rate" value="4.5"', html)
    assert re.search(r'name="amount" id="approve-amount" value="50000.00"', html)
    apr = Decimal(re.search(r'id="approve-apr".*?<strong>([\d.]+)%</strong>', html,
                            re.DOTALL).group(1))
    assert Decimal("4.5") < apr < Decimal(8)  # the 0.8 % fee raises it above the rate


def test_a_rate_over_the_products_limit_is_refused_beside_the_field_keeping_the_input(app):
    pk = under_review(app)
    client = login(app, "reviewer")
    page = client.post(f"/applicationview/review_move/{pk}", data={
        "to": "approved", "amount": "48000.00", "months": "12", "annual_rate_pct": "24",
        "method": "equal_installment", "conditions": "提供工资流水"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    error = re.search(r'ld-field-error" data-field="annual_rate_pct">(.*?)</span>', html)
    assert error.group(1) == "年利率 24.00% 超过该产品上限 8.00%，请调整"
    for name, typed in (("amount", "48000.00"), ("annual_rate_pct", "24"),
                        ("conditions", "提供工资流水")):
        assert re.search(rf'name="{name}"[^>]*value="{typed}"', html), name
    assert "审批被拒绝" not in html and "拒绝" not in re.search(
        r'alert-danger[^>]*>(.*?)</div>', html, re.DOTALL).group(1)
    assert state_and_decisions(app, pk) == ("under_review", 0)


def test_the_api_refuses_the_same_rate_with_the_same_words(app):
    pk = under_review(app)
    answer = login(app, "reviewer").post(f"/api/v1/applications/{pk}/transition", json={
        "to": "approved", "annual_rate": "0.24"})
    assert answer.status_code == 409
    assert answer.get_json()["errors"]["annual_rate"] == [
        "年利率 24.00% 超过该产品上限 8.00%，请调整"]


# -- The repayment form and the schedule ------------------------------------------------------

def test_the_repayment_form_starts_from_what_is_due_now_by_part(app):
    today = dt.date.today()
    with app.app_context():
        loan = disbursed_loan()  # 12,000 equal principal, 6 %: 1,000 a month + interest, due 15th
        pk = loan.id
    due = [dt.date(2026 + (1 + k) // 12, (1 + k) % 12 + 1, 15) for k in range(12)]
    n_due = sum(1 for d in due if d <= today) or 1  # nothing due yet: the next one
    principal = Decimal(1000 * n_due)
    # interest of month n is 0.5 % of 12,000 − 1,000·(n − 1)
    interest = sum(Decimal(12000 - 1000 * k) * Decimal("0.005") for k in range(n_due))
    html = login(app, "finance").get(f"/loanview/show/{pk}").get_data(as_text=True)
    cells = re.search(r'id="due-now".*?</tr>\s*<tr>.*?</tr>\s*<tr>(.*?)</tr>', html,
                      re.DOTALL).group(1)
    shown = [Decimal(v.replace(",", "")) for v in re.findall(r"¥([\d,]+\.\d\d)", cells)]
    assert shown[0] == principal and shown[1] == interest.quantize(Decimal("0.01"))
    assert shown[2] == 0  # no service fee on this loan's installments
    total = shown[-1]
    assert total == sum(shown[:4]) - shown[4]  # parts − credit
    assert re.search(rf'id="repay-amount" value="{total}"', html)


def test_a_refused_repayment_keeps_what_was_typed(app):
    with app.app_context():
        pk = disbursed_loan().id
    client = login(app, "finance")
    page = client.post(f"/loanview/repay/{pk}", data={
        "paid_on": "2026-02-30", "amount": "1060.00", "channel": "wechat",
        "reference": "WX-778"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'ld-field-error" data-field="paid_on">请输入有效日期', html)
    assert re.search(r'name="paid_on" value="2026-02-30"', html)
    assert re.search(r'name="reference" value="WX-778"', html)
    assert re.search(r'<option value="wechat" selected>', html)  # the loan page's own select


def test_the_schedule_shows_each_installments_total(app):
    with app.app_context():
        pk = disbursed_loan().id
    html = login(app, "finance").get(
        f"/installmentview/list/?_flt_0_loan={pk}").get_data(as_text=True)
    # The first installment: 1,000.00 principal + 60.00 interest = 1,060.00 in all.
    assert "¥1,060.00" in html and "应还合计" in html


# -- Child records carry their parent; the staff member is the one typing -----------------------

@pytest.mark.parametrize("view", ["followupview", "contactview", "consentview"])
def test_a_child_record_added_from_its_customer_shows_it_and_needs_no_picking(app, view):
    _pk, customer = new_draft(app)
    client = login(app, "sales1")
    html = client.get(f"/{view}/add?_flt_0_customer={customer}").get_data(as_text=True)
    with app.app_context():
        name = db.session.get(Customer, customer).name
    assert re.search(rf'id="fixed-customer"><strong>{name}</strong>', html)
    assert not re.search(r'<select[^>]*name="customer"', html)


def test_a_follow_up_defaults_to_the_logged_in_staff_member(app):
    _pk, customer = new_draft(app)
    html = login(app, "sales1").get(
        f"/followupview/add?_flt_0_customer={customer}").get_data(as_text=True)
    assert is_selected(html, "staff", str(staff_id(app, "sales1")))


def test_a_parent_out_of_reach_is_not_shown(app):
    _pk, customer = new_draft(app)  # sales1's
    response = login(app, "sales2").get(f"/followupview/add?_flt_0_customer={customer}")
    assert response.status_code == 404


def test_money_and_terms_show_their_units(app):
    html = login(app, "sales1").get("/applicationview/add").get_data(as_text=True)
    assert re.search(r'name="amount".*?input-group-addon">元<', html, re.DOTALL)
    assert re.search(r'name="months".*?input-group-addon">个月<', html, re.DOTALL)


def test_a_refused_collection_call_keeps_what_was_typed(app):
    from app.models import Installment, Loan

    with app.app_context():
        installment = db.session.query(Installment).join(Loan).filter(
            Loan.state == "overdue", Installment.state == "overdue",
            Loan.branch.has(code="FZ")).order_by(Installment.id).first()
        pk = installment.id
    client = login(app, "finance")
    page = client.post(f"/collections/contact/{pk}", data={
        "method": "phone", "outcome": "promised", "note": "下周一还款",
        "next_date": "2026-13-40", "days": "7", "show": "overdue", "page": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'ld-field-error">请输入有效日期，格式为YYYY-MM-DD。<', html)
    assert 'value="下周一还款"' in html and 'value="2026-13-40"' in html
    with app.app_context():
        from app.models import FollowUp

        assert db.session.query(FollowUp).filter_by(installment_id=pk).count() == 0

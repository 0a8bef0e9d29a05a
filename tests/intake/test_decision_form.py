"""The reviewer's decision form: it starts from the product's terms and shows the product's
ranges, the legal cap and the annualized rate; a rate over the product's limit is refused
beside its field keeping what was typed, and the API refuses it in the same words.

Messages are checked in Chinese, the default language (msgstrs of
translations/zh_CN/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

import re
from decimal import Decimal

from tests.factories import login, state_and_decisions, under_review

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
    assert answer.status_code == 422  # field errors (README, REST API)
    assert answer.get_json()["errors"]["annual_rate"] == [
        "年利率 24.00% 超过该产品上限 8.00%，请调整"]

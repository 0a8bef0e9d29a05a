"""The submission checklist: a draft is submitted only with what the review needs (the
credit-query consent, the ID card, the customer's details, a product that fits), each
missing item named with a link that fixes it; missing data is never a rejection, a hard
rule still is.

Messages are checked in Chinese, the default language (msgstrs of
translations/zh_CN/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Customer
from tests.factories import is_selected, login, new_draft, state_and_decisions, submit

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

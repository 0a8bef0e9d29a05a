"""The loan page's repayment form, the schedule and the collections list: the form starts
from what is due now, part by part; each installment shows its total; a refused repayment
or contact record comes back with what was typed and the reason beside the field.

Messages are checked in Chinese, the default language (msgstrs of
translations/zh_CN/LC_MESSAGES/messages.po).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from app.extensions import db
from tests.factories import disbursed_loan, login

# -- The repayment form and the schedule ------------------------------------------------------

def test_the_repayment_form_starts_from_what_is_due_now_by_part(app):
    today = dt.date.today()
    with app.app_context():
        # 12,000 equal principal, 6 %: 1,000 a month + interest, due on the 15th
        loan = disbursed_loan()
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


# -- The collections list -------------------------------------------------------------------

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

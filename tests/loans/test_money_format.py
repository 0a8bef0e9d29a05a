"""Amounts as the screens show them: the ``|money`` filter (app/i18n.py, Babel's
format_currency) and the loan page and collections list that now use it.

What a user sees stays what it was when each template formatted by hand: ¥1,234,567.89 in
Chinese and in English (English CLDR would write CN¥), a negative amount as ¥-12.00, nothing
for an amount that is not there.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal as D

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.i18n import format_money
from app.loans import business_today, service
from app.models import Customer, LoanProduct, Repayment
from app.models.loan import Loan
from tests.factories import login


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize(("value", "shown"), [
    (D("1234567.89"), "¥1,234,567.89"),
    (D("0.5"), "¥0.50"),
    (D(-12), "¥-12.00"),  # a reversal's amount: the sign after the symbol, as before
    (D("-1234.56"), "¥-1,234.56"),
    (D(0), "¥0.00"),
    (D("0.00"), "¥0.00"),
    (0, "¥0.00"),
    (100000, "¥100,000.00"),
    ("423000.00", "¥423,000.00"),  # the API's decimal strings
    (D("99999999999999.99"), "¥99,999,999,999,999.99"),  # NUMERIC(18,2)'s largest
    (D("2.665"), "¥2.66"),  # below the fen: half-even, as Babel always displayed it
    (None, ""),
    ("", ""),
])
def test_the_money_filter(app, locale, value, shown):
    with app.test_request_context(), force_locale(locale):
        assert format_money(value) == shown


def test_the_filter_is_what_templates_call_money(app):
    with app.test_request_context(), force_locale("en"):
        template = app.jinja_env.from_string("{{ amount|money }}|{{ none|money }}")
        assert template.render(amount=D("-1060.5"), none=None) == "¥-1,060.50|"


def _loan_due_today() -> tuple[int, str, int]:
    """(loan id, number, id of a reversed repayment): ¥1,234,567.80 at 0 % over 12 months,
    等额本金, its first installment due today: 1,234,567.80 / 12 = 102,880.65 a month."""
    today = business_today()
    customer = db.session.scalars(select(Customer).order_by(Customer.id)).first()
    product = db.session.scalars(select(LoanProduct).order_by(LoanProduct.id)).first()
    loan = Loan(number="M" + uuid.uuid4().hex[:12], customer=customer, product=product,
                funder=product.funder, principal=D("1234567.80"), annual_rate=D(0),
                months=12, method="equal_principal", day_count="30/360",
                overdue_rate=D("0.09"), start_date=today - dt.timedelta(days=30),
                state="pending", owner_id=customer.owner_id, team_id=customer.team_id,
                branch_id=customer.branch_id)
    db.session.add(loan)
    db.session.commit()
    service.disburse(loan, {"disbursed_on": (today - dt.timedelta(days=30)).isoformat(),
                            "amount": "1234567.80", "funder_reference": "FR-" + loan.number,
                            "first_due_date": today.isoformat()}, today=today)
    rep, _created = service.post_repayment(loan, {
        "amount": "2345.67", "paid_on": today.isoformat(),
        "reference": uuid.uuid4().hex[:20]}, today=today)
    service.reverse(db.session.get(Repayment, rep.id), "posted to the wrong loan",
                    today=today)
    return loan.id, loan.number, rep.id


@pytest.fixture(scope="module")
def loan_due_today(app):
    with app.app_context():
        return _loan_due_today()


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_loan_page_shows_amounts_through_the_filter(app, loan_due_today, locale):
    pk, _number, _rep = loan_due_today
    html = login(app, "finance").get(f"/loanview/show/{pk}?_l_={locale}").get_data(as_text=True)
    balances = re.search(r'id="loan-balances">(.*?)</table>', html, re.DOTALL).group(1)
    # Nothing paid once the repayment is reversed: the whole principal, no interest at 0 %.
    assert "<td>¥1,234,567.80</td><td>¥0.00</td>" in balances
    due = re.search(r'id="due-now"[^>]*>(.*?)</table>', html, re.DOTALL).group(1)
    assert "<td>¥102,880.65</td><td>¥0.00</td><td>¥0.00</td><td>¥0.00</td><td>¥0.00</td>" \
        in due
    assert '<strong id="due-total">¥102,880.65</strong>' in due
    repayments = re.search(r'id="loan-repayments">(.*?)</table>', html, re.DOTALL).group(1)
    assert '<td class="text-right">¥2,345.67</td>' in repayments
    assert '<td class="text-right">¥-2,345.67</td>' in repayments  # the reversing entry
    assert "CN¥" not in html


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_the_collections_list_shows_what_is_owed_through_the_filter(app, loan_due_today,
                                                                     locale):
    pk, number, _rep = loan_due_today
    client = login(app, "finance")
    link = f'<a href="/loanview/show/{pk}">{number}</a>'
    for page in range(100):  # due today, by due date then id: ours is on some page
        html = client.get(f"/collections/?show=soon&days=0&page={page}&_l_={locale}"
                          ).get_data(as_text=True)
        body = re.search(r"<tbody>(.*?)</tbody>", html, re.DOTALL)
        if link in html or not body or "<tr" not in body.group(1):  # found, or past the end
            break
    row = re.search(re.escape(link) + r"</td>(.*?)</tr>", html, re.DOTALL)
    assert row, "the loan's installment is not on the list"
    assert '<td class="text-right">¥102,880.65</td>' in row.group(1)

"""The intake's forms: a child record (follow-up, contact, consent) added from its customer
shows the customer instead of asking for one, a follow-up defaults to the staff member
typing it, a customer out of reach is not shown, and money and terms carry their units.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Customer
from tests.factories import is_selected, login, new_draft, staff_id

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

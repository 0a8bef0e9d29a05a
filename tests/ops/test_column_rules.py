"""The column rules (app/models/rules.py) against the data the firm already has: the demo
book, seeded the way an installation is, passes every rule the forms and the API now apply
(names, e-mail, dates of birth, contact phones, code lists, money to the fen) — so editing
a seeded record never trips over a rule it could not have known."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Numeric, select

from app.extensions import db
from app.models.rules import column_error


def _ruled_columns(mapper):
    return [c for c in mapper.columns
            if "rule" in c.info or "choices" in c.info
            or (isinstance(c.type, Numeric) and c.type.scale == 2)]


def test_the_demo_data_passes_every_column_rule(app):
    checked, refused = 0, []
    with app.app_context():
        for mapper in Model.registry.mappers:
            model = mapper.class_
            if not model.__module__.startswith("app."):
                continue
            columns = _ruled_columns(mapper)
            if not columns:
                continue
            for row in db.session.scalars(select(model).limit(5000)):
                for column in columns:
                    value = getattr(row, column.key)
                    problem = column_error(column, value)
                    checked += value is not None
                    if problem is not None:
                        refused.append((model.__name__, row.id, column.key, value, problem))
        db.session.remove()
    assert checked > 1000  # the demo book is there
    assert not refused, refused[:10]



def test_a_contact_name_is_stored_without_the_blanks_around_it(app, client, auth):
    """The forms keep a name the way the API does: " 李四\u3000" (a full-width space too)
    is stored as "李四"."""
    from app.models import Contact, Customer, Staff

    with app.app_context():
        sales1 = app.appbuilder.sm.find_user(username="sales1")
        staff = db.session.scalar(select(Staff).where(Staff.user_id == sales1.id))
        customer_id = db.session.scalar(select(Customer.id).where(
            Customer.owner_id == staff.id).order_by(Customer.id))
    auth.login("sales1")
    response = client.post("/contactview/add", data={
        "customer": str(customer_id), "name": " 李四\u3000", "relation": "同事",
        "phone": "13612345678"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        contact = db.session.scalars(select(Contact).where(Contact.customer_id == customer_id)
                                     .order_by(Contact.id.desc())).first()
        assert contact.name == "李四"
        db.session.delete(contact)
        db.session.commit()

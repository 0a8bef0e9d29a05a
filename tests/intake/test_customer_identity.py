"""Intake: identifiers are checked (GB 11643, GB 32100, mobile) and nobody is created twice."""

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from app.domain.validators import make_id_number
from app.extensions import db
from app.models import Customer, Staff

BASE = {"kind": "person", "name": "新客户", "status": "lead", "credit_report_status": "none",
        "social_insurance_months": "0", "housing_fund_months": "0", "overdue_count_24m": "0",
        "inquiries_6m": "0", "existing_loans": "0"}


def _count(app):
    with app.app_context():
        return db.session.query(Customer).count()


def _errors(html):
    import re

    return [e.strip() for e in re.findall(r'alert alert-danger">\s*([^<]+?)\s*<', html)]


@pytest.mark.parametrize("field,value,message", [
    ("id_number", "110105194912310021", "check digit"),      # last digit should be X
    ("id_number", "110105194902300021", "impossible birth date"),  # 30 February
    ("id_number", "11010519491231", "17 digits"),
    ("phone", "12345678901", "Mobile number"),
])
def test_bad_identifiers_are_field_errors_and_nothing_is_stored(app, client, auth, field,
                                                                value, message):
    auth.login("sales1")
    client.get("/lang/en")
    data = {**BASE, "id_number": "11010519491231002X", "phone": "13500001111", field: value}
    before = _count(app)
    response = client.post("/customerview/add", data=data)
    assert response.status_code == 200
    errors = _errors(response.get_data(as_text=True))
    assert any(message in e for e in errors), errors
    assert _count(app) == before
    client.get("/lang/zh_CN")


def test_enterprise_needs_a_valid_credit_code(app, client, auth):
    auth.login("sales1")
    client.get("/lang/en")
    data = {**BASE, "kind": "enterprise", "name": "某某公司", "credit_code": "91350100M000100Y44",
            "phone": "13500002222"}
    html = client.post("/customerview/add", data=data).get_data(as_text=True)
    assert any("credit code" in e.lower() or "check" in e.lower() for e in _errors(html))
    client.get("/lang/zh_CN")


def _customer_of(app, username):
    with app.app_context():
        staff = db.session.query(Staff).filter_by(
            user_id=app.appbuilder.sm.find_user(username=username).id).one()
        c = db.session.query(Customer).filter_by(owner_id=staff.id, kind="person").first()
        return c.id_number, c.phone, staff.full_name


def test_a_duplicate_names_whom_to_ask_and_nothing_more(app, client, auth):
    id_number, phone, owner_name = _customer_of(app, "sales1")
    auth.login("sales2")
    before = _count(app)
    html = client.post("/customerview/add", data={
        **BASE, "id_number": id_number.lower(), "phone": "13500003333"}).get_data(as_text=True)
    errors = _errors(html)
    assert any(owner_name in e for e in errors), errors
    assert phone not in html
    html = client.post("/customerview/add", data={
        **BASE, "id_number": make_id_number("350102", dt.date(1990, 1, 1), 777),
        "phone": "+86 " + phone}).get_data(as_text=True)
    assert any(owner_name in e for e in _errors(html))
    assert _count(app) == before


def test_a_duplicate_by_api_is_a_422_per_field(app, client, auth):
    id_number, _phone, owner_name = _customer_of(app, "sales1")
    token = auth.token("sales2")
    response = client.post("/api/v1/customers/", headers={"Authorization": f"Bearer {token}"},
                           json={"kind": "person", "name": "重复", "id_number": id_number,
                                 "phone": "13500004444", "status": "lead"})
    assert response.status_code == 422
    assert owner_name in response.get_json()["message"]["id_number"]


def test_two_people_registering_one_id_at_once_leaves_one_customer(app):
    """The check in Python can race; the unique key on the ID's hash cannot."""
    id_number = make_id_number("350102", dt.date(1985, 5, 5), 555)
    with app.app_context():
        db.session.add(Customer(kind="person", name="甲", id_number=id_number,
                                phone="13900005555"))
        db.session.commit()
        db.session.add(Customer(kind="person", name="乙", id_number=id_number,
                                phone="13900006666"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.query(Customer).filter_by(name="乙").count() == 0


def test_a_valid_new_customer_is_stored_normalised(app, client, auth):
    auth.login("sales1")
    id_number = make_id_number("350102", dt.date(1992, 3, 4), 321)
    response = client.post("/customerview/add", data={
        **BASE, "name": "规范化", "id_number": id_number.lower(), "phone": "138-0000-7777"})
    assert response.status_code == 302
    with app.app_context():
        c = db.session.query(Customer).filter_by(name="规范化").one()
        assert c.id_number == id_number.upper() and c.phone == "13800007777"
        # left empty, the date of birth and the sex are the ID number's: 1992-03-04, and
        # the 17th digit of 321 is odd: a man
        assert (c.birth_date, c.gender) == (dt.date(1992, 3, 4), "M")


# GB 11643's own example: 11010519491231002X, born 1949-12-31, 17th digit 2 (even): a woman
EXAMPLE_ID = "11010519491231002X"


@pytest.mark.parametrize("field,value,message", [
    ("birth_date", "1949-12-30", "1949-12-31"),
    ("gender", "M", "woman"),
])
def test_a_birth_date_or_sex_the_id_number_contradicts_is_refused(app, client, auth, field,
                                                                   value, message):
    auth.login("sales1")
    client.get("/lang/en")
    data = {**BASE, "name": "矛盾", "id_number": EXAMPLE_ID, "phone": "13500008888",
            field: value}
    before = _count(app)
    response = client.post("/customerview/add", data=data)
    client.get("/lang/zh_CN")
    assert response.status_code == 200
    assert any(message in e for e in _errors(response.get_data(as_text=True)))
    assert _count(app) == before


def test_the_api_refuses_a_contradicting_birth_date_and_fills_an_empty_one(app, client, auth):
    headers = {"Authorization": f"Bearer {auth.token('sales1')}"}
    body = {"kind": "person", "name": "接口", "id_number": EXAMPLE_ID, "phone": "13500009999",
            "status": "lead"}
    refused = client.post("/api/v1/customers/", headers=headers,
                          json={**body, "birth_date": "1950-01-01", "gender": "F"})
    assert refused.status_code == 422
    assert set(refused.get_json()["message"]) == {"birth_date"}
    created = client.post("/api/v1/customers/", headers=headers, json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    with app.app_context():
        c = db.session.get(Customer, created.get_json()["id"])
        assert (c.birth_date, c.gender) == (dt.date(1949, 12, 31), "F")
        db.session.delete(c)
        db.session.commit()

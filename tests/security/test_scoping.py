"""Row-level scoping: a salesperson sees only their own book, a manager only their branch.

Expected sets are computed here straight from the seeded rows (owner / branch columns),
independently of the app's scoping code.
"""

import pytest

from app.extensions import db
from app.models import Application, Contact, Customer, Installment, Loan, Staff
from tests.conftest import DEMO_PASSWORD


def _staff(app, username):
    with app.app_context():
        sm = app.appbuilder.sm
        return db.session.query(Staff).filter_by(user_id=sm.find_user(username=username).id
                                                 ).one()


def _ids(app, model, **where):
    with app.app_context():
        return {i for (i,) in db.session.query(model.id).filter_by(**where)}


def _api_ids(client, token, resource):
    ids, page = set(), 0
    while True:
        body = client.get(f"/api/v1/{resource}/?q=(page:{page},page_size:100)",
                          headers={"Authorization": f"Bearer {token}"}).get_json()
        ids |= set(body["ids"])
        if len(body["ids"]) < 100:
            return ids, body["count"]
        page += 1


@pytest.fixture()
def sales2_customer(app):
    staff = _staff(app, "sales2")
    with app.app_context():
        return db.session.query(Customer.id).filter_by(owner_id=staff.id).first()[0]


def test_sales1_lists_exactly_their_own_customers_by_api(app, client, auth):
    staff = _staff(app, "sales1")
    ids, count = _api_ids(client, auth.token("sales1"), "customers")
    assert ids == _ids(app, Customer, owner_id=staff.id) and count == len(ids)


def test_sales1_sees_only_their_own_loans_and_applications(app, client, auth):
    staff = _staff(app, "sales1")
    token = auth.token("sales1")
    assert _api_ids(client, token, "applications")[0] == _ids(app, Application,
                                                              owner_id=staff.id)
    assert _api_ids(client, token, "loans")[0] == _ids(app, Loan, owner_id=staff.id)


def test_manager_sees_their_branch_only(app, client, auth):
    staff = _staff(app, "manager")
    ids, _ = _api_ids(client, auth.token("manager"), "customers")
    assert ids == _ids(app, Customer, branch_id=staff.branch_id)
    with app.app_context():
        other_branch = db.session.query(Customer).filter(
            Customer.branch_id != staff.branch_id).count()
    assert other_branch > 0  # the demo firm has a second branch to keep out


def test_reviewer_sees_assigned_applications(app, client, auth):
    staff = _staff(app, "reviewer")
    ids, _ = _api_ids(client, auth.token("reviewer"), "applications")
    assert ids == _ids(app, Application, reviewer_id=staff.id)


def test_out_of_scope_record_is_404_everywhere(app, client, auth, sales2_customer):
    auth.login("sales1")
    pk = sales2_customer
    assert client.get(f"/customerview/show/{pk}").status_code == 404
    assert client.get(f"/customerview/edit/{pk}").status_code == 404
    assert client.post(f"/customerview/edit/{pk}", data={"name": "x"}).status_code == 404
    assert client.post(f"/customerview/delete/{pk}").status_code == 403  # admins only
    token = auth.token("sales1")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/customers/{pk}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/customers/{pk}", json={"name": "x"},
                      headers=headers).status_code == 404
    assert client.delete(f"/api/v1/customers/{pk}", headers=headers).status_code == 403
    with app.app_context():
        assert db.session.get(Customer, pk).name != "x"


def test_out_of_scope_children_are_hidden_too(app, client, auth, sales2_customer):
    auth.login("sales1")
    with app.app_context():
        contact_id = db.session.query(Contact.id).filter_by(customer_id=sales2_customer
                                                            ).first()[0]
        sales2 = _staff(app, "sales2")
        installment_id = db.session.query(Installment.id).join(Loan).filter(
            Loan.owner_id == sales2.id).first()[0]
    assert client.get(f"/contactview/show/{contact_id}").status_code == 404
    assert client.get(f"/installmentview/show/{installment_id}").status_code == 404


def test_csv_export_holds_only_own_rows(app, client, auth):
    staff = _staff(app, "sales1")
    auth.login("sales1")
    body = client.get("/customerview/csv?purpose=test").get_data(as_text=True)
    rows = body.lstrip("\ufeff").splitlines()[1:]
    assert len(rows) == len(_ids(app, Customer, owner_id=staff.id))


def test_related_field_search_offers_only_own_customers(app, client, auth, sales2_customer):
    auth.login("sales1")
    staff = _staff(app, "sales1")
    own = _ids(app, Customer, owner_id=staff.id)
    offered, page = set(), 1
    while True:
        body = client.get(f"/lookup/customer?page={page}").get_json()
        offered |= {r["id"] for r in body["results"]}
        if not body["more"]:
            break
        page += 1
    assert offered == own


def test_picking_someone_elses_customer_in_a_form_stores_nothing(app, client, auth,
                                                                 sales2_customer):
    auth.login("sales1")
    with app.app_context():
        before = db.session.query(Contact).count()
    response = client.post("/contactview/add", data={
        "customer": str(sales2_customer), "name": "越权联系人"})
    assert response.status_code == 200  # the form again, with "not a valid choice"
    with app.app_context():
        assert db.session.query(Contact).count() == before


def test_picking_someone_elses_customer_by_api_is_refused(app, client, auth,
                                                          sales2_customer):
    token = auth.token("sales1")
    with app.app_context():
        before = db.session.query(Application).count()
    response = client.post("/api/v1/applications/", headers={
        "Authorization": f"Bearer {token}"}, json={
        "number": "AP-SCOPE-1", "customer": sales2_customer, "amount": "10000.00",
        "months": 12, "purpose": "test"})
    assert response.status_code in (404, 422)
    with app.app_context():
        assert db.session.query(Application).count() == before


def test_new_records_belong_to_their_creator(app, client, auth):
    token = auth.token("sales1")
    staff = _staff(app, "sales1")
    other = _staff(app, "sales2")
    response = client.post("/api/v1/customers/", headers={
        "Authorization": f"Bearer {token}"}, json={
        "kind": "person", "name": "归属测试", "id_number": "11010519491231002X",
        "phone": "13600000001", "status": "lead"})
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        customer = db.session.get(Customer, response.get_json()["id"])
        assert customer.owner_id == staff.id and customer.branch_id == staff.branch_id
        assert customer.owner_id != other.id


def test_a_salesperson_cannot_reassign(app, client, auth):
    staff = _staff(app, "sales1")
    other = _staff(app, "sales2")
    auth.login("sales1")
    with app.app_context():
        pk = db.session.query(Customer.id).filter_by(owner_id=staff.id).first()[0]
    client.post(f"/customerview/edit/{pk}", data={"name": "改名", "owner": str(other.id),
                                                  "kind": "person", "status": "lead",
                                                  "credit_report_status": "none"})
    with app.app_context():
        assert db.session.get(Customer, pk).owner_id == staff.id


def test_anonymous_is_sent_to_login_and_api_says_401(client):
    response = client.get("/customerview/list/")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/api/v1/customers/").status_code == 401


def test_a_role_without_the_permission_gets_403(client, auth):
    auth.login("sales1")
    assert client.get("/auditlogview/list/").status_code == 403
    auth.logout()
    token = auth.token("finance")
    assert client.post("/api/v1/customers/", json={"name": "x"}, headers={
        "Authorization": f"Bearer {token}"}).status_code == 403


def test_unknown_user_password_is_refused(auth):
    response = auth.login("sales1", DEMO_PASSWORD + "x")
    assert "/login" in response.headers.get("Location", "/login")

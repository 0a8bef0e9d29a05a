"""The REST API with a JWT: the login, a token needed, a list, a creation and the
resources in the OpenAPI document."""

from decimal import Decimal

from app.domain.validators import make_id_number


def test_jwt_login_is_refused_with_a_wrong_password(client):
    response = client.post("/api/v1/security/login", json={
        "username": "admin", "password": "wrong-password", "provider": "db"})
    assert response.status_code == 401


def test_api_needs_a_token(client):
    assert client.get("/api/v1/customers/").status_code == 401


def test_api_lists_customers_with_a_jwt(client, auth, app):
    token = auth.token("admin")
    response = client.get("/api/v1/customers/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    body = response.get_json()
    from app.extensions import db
    from app.models import Customer

    with app.app_context():
        assert body["count"] == db.session.query(Customer).count() >= 200
    assert len(body["result"]) == 25  # the page size
    assert {"id", "name", "phone", "status"} <= set(body["result"][0])


def test_api_creates_and_reads_a_customer(client, auth):
    token = auth.token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    id_number = make_id_number("110105", __import__("datetime").date(1990, 5, 17), 123)
    response = client.post("/api/v1/customers/", headers=headers, json={
        "kind": "person", "name": "接口测试", "id_number": id_number, "phone": "13800138000",
        "monthly_income": "12345.67", "status": "lead"})
    assert response.status_code == 201, response.get_data(as_text=True)
    new_id = response.get_json()["id"]
    shown = client.get(f"/api/v1/customers/{new_id}", headers=headers).get_json()["result"]
    assert shown["name"] == "接口测试"
    assert Decimal(str(shown["monthly_income"])) == Decimal("12345.67")


def test_api_resources_are_in_the_openapi_document(client, auth):
    token = auth.token("admin")
    response = client.get("/api/v1/_openapi", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    for resource in ("customers", "applications", "loans", "installments", "repayments",
                     "contracts", "funders", "products", "channels"):
        assert f"/api/v1/{resource}/" in paths, resource

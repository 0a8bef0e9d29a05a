"""Logins, lockout, password policy, CSRF and the routes FAB would leave open."""

import datetime as dt
import re

import pytest
from flask_appbuilder.exceptions import PasswordComplexityValidationError

from app import create_app
from app.extensions import db
from app.models import AuditLog, LoginLockout
from tests.conftest import DEMO_PASSWORD


@pytest.fixture()
def lockable_user(app):
    """A Sales user of its own, so locking it out disturbs no other test."""
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user(username="lockme") or sm.add_user(
            "lockme", "Lock", "Me", "lockme@loandesk.example", sm.find_role("Sales"),
            password=DEMO_PASSWORD)
        assert user
    yield "lockme"
    with app.app_context():
        db.session.query(LoginLockout).filter_by(username="lockme").delete()
        db.session.commit()


def _logged_in(response):
    return response.status_code == 302 and "/login" not in response.headers["Location"]


def test_sixth_login_is_refused_even_with_the_right_password(app, client, auth,
                                                             lockable_user):
    for _ in range(5):
        assert not _logged_in(auth.login(lockable_user, "Wrong#Password1"))
    assert not _logged_in(auth.login(lockable_user, DEMO_PASSWORD))
    # The API login is refused too while the lock lasts.
    response = client.post("/api/v1/security/login", json={
        "username": lockable_user, "password": DEMO_PASSWORD, "provider": "db"})
    assert response.status_code == 401
    with app.app_context():  # fifteen minutes later…
        lock = db.session.query(LoginLockout).filter_by(username=lockable_user).one()
        assert lock.locked_until - dt.datetime.now(dt.UTC).replace(tzinfo=None) > \
            dt.timedelta(minutes=14)
        lock.locked_until = dt.datetime(2000, 1, 1)
        db.session.commit()
    assert _logged_in(auth.login(lockable_user, DEMO_PASSWORD))


def test_four_failures_then_success_resets_the_count(app, auth, lockable_user):
    for _ in range(4):
        auth.login(lockable_user, "Wrong#Password1")
    assert _logged_in(auth.login(lockable_user, DEMO_PASSWORD))
    auth.logout()
    for _ in range(4):
        auth.login(lockable_user, "Wrong#Password1")
    assert _logged_in(auth.login(lockable_user, DEMO_PASSWORD))


def test_logins_and_failures_are_audited(app, auth, lockable_user):
    auth.login(lockable_user, "Wrong#Password1")
    auth.login(lockable_user, DEMO_PASSWORD)
    with app.app_context():
        failed = db.session.query(AuditLog).filter_by(action="login_failed").order_by(
            AuditLog.id.desc()).first()
        ok = db.session.query(AuditLog).filter_by(action="login", username=lockable_user)\
            .order_by(AuditLog.id.desc()).first()
        assert failed.changes == {"username": lockable_user}
        assert ok is not None and ok.ip == "127.0.0.1"


@pytest.mark.parametrize("password", ["Short#1", "alllowercase", "lowercase12345",
                                      "NoDigitsOrSymbols"])
def test_weak_passwords_are_refused_everywhere(app, password):
    with app.app_context():
        sm = app.appbuilder.sm
        with pytest.raises(PasswordComplexityValidationError):
            sm.add_user("weakling", "W", "L", "weak@loandesk.example", sm.find_role("Sales"),
                        password=password)
        admin = sm.find_user(username="admin")
        with pytest.raises(PasswordComplexityValidationError):
            sm.reset_password(admin.id, password)
        assert sm.find_user(username="weakling") is None


def test_weak_password_is_refused_by_the_cli(app, runner):
    runner.invoke(args=["fab", "create-user", "--role", "Sales", "--username", "cliuser",
                        "--firstname", "C", "--lastname", "L", "--email",
                        "cli@loandesk.example", "--password", "weakpass"])
    with app.app_context():
        assert app.appbuilder.sm.find_user(username="cliuser") is None


def test_session_expires_after_thirty_idle_minutes(app, client, auth):
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 30 * 60
    response = auth.login("sales1")
    cookie = response.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie


def test_delete_by_get_is_not_allowed(app, client, auth):
    auth.login("admin")
    assert client.get("/contactview/delete/1").status_code == 405


def test_fab_download_route_is_gone(client, auth):
    auth.login("admin")
    assert client.get("/documentview/download/anything.pdf").status_code == 404


@pytest.fixture()
def csrf_client(app):
    strict = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                         "AUTH_RATE_LIMITED": False, "TESTING": True})
    client = strict.test_client()
    page = client.get("/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login/", data={"username": "sales1", "password": DEMO_PASSWORD,
                                            "csrf_token": token})
    assert _logged_in(response)
    return client, token


def test_form_post_without_csrf_token_is_refused(csrf_client):
    client, _token = csrf_client
    response = client.post("/followupview/add", data={"note": "x", "method": "phone"})
    assert response.status_code == 400


def test_cookie_authenticated_api_call_needs_the_csrf_token(csrf_client):
    client, token = csrf_client
    payload = {"principal": "1000.00", "annual_rate": "0.1", "months": 3, "method": "bullet",
               "start_date": "2026-01-01"}
    assert client.post("/api/v1/schedule/preview", json=payload).status_code == 400
    response = client.post("/api/v1/schedule/preview", json=payload,
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200


def test_bearer_token_api_call_needs_no_csrf_token(app):
    strict = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False,
                         "AUTH_RATE_LIMITED": False})
    client = strict.test_client()
    login = client.post("/api/v1/security/login", json={
        "username": "sales1", "password": DEMO_PASSWORD, "provider": "db"})
    token = login.get_json()["access_token"]
    response = client.post("/api/v1/schedule/preview", headers={
        "Authorization": f"Bearer {token}"}, json={
        "principal": "1000.00", "annual_rate": "0.1", "months": 3, "method": "bullet",
        "start_date": "2026-01-01"})
    assert response.status_code == 200


def test_login_is_rate_limited_per_ip(app):
    limited = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "AUTH_RATE_LIMITED": True, "AUTH_RATE_LIMIT": "3 per minute"})
    client = limited.test_client()
    codes = [client.post("/login/", data={"username": "nobody", "password": "x"}).status_code
             for _ in range(5)]
    assert codes[-1] == 429
    with app.app_context():
        db.session.query(LoginLockout).filter_by(username="nobody").delete()
        db.session.commit()

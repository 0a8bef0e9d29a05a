"""Users are staff: an admin makes a login and its staff profile in one form; a
refused form keeps what was typed, says why beside each field and saves nothing; a login
without a profile is listed with its one-click fix; names are 姓名 (surname first, no
space) everywhere, and ``flask loandesk init`` puts demo users stored the old way right;
FAB's user screens speak in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, text

from app.domain.validators import make_id_number
from app.extensions import db
from app.models import AuditLog, Branch, Customer, Staff, Team
from tests.conftest import DEMO_PASSWORD

NEW_PASSWORD = "Staff#Form2026"
RAW = ("[Sales]", "[Admin]", "[]", "None", "True", "False", "LDAP", "OID")


def field_error(html: str, field: str) -> str:
    """The alert under the form field ``field`` (FAB renders it after the input)."""
    start = html.find(f'<label for="{field}"')
    assert start >= 0, f"no field {field}"
    end = html.find("<label for=", start + 1)
    row = html[start:end if end > 0 else len(html)]
    alert = re.search(r'<div class="alert alert-danger">(.*?)</div>', row, re.DOTALL)
    return " ".join(alert.group(1).split()) if alert else ""


def input_value(html: str, field: str) -> str | None:
    tag = re.search(rf'<input[^>]*\bid="{field}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', tag.group(0)) if tag else None
    return value.group(1) if value else None


def _ids(app):
    with app.app_context():
        sm = app.appbuilder.sm
        fz = db.session.scalar(select(Branch).where(Branch.code == "FZ"))
        xm_team = db.session.scalar(select(Team).join(Branch).where(Branch.code == "XM"))
        team = db.session.scalar(select(Team).where(Team.name == "销售二组"))
        return {"sales": sm.find_role("Sales").id, "fz": fz.id, "team": team.id,
                "xm_team": xm_team.id}


def _form(app, **changes) -> dict:
    ids = _ids(app)
    data = {"last_name": "欧阳", "first_name": "明远", "username": "ouyang_form",
            "password": NEW_PASSWORD, "conf_password": NEW_PASSWORD,
            "roles": [str(ids["sales"])], "branch": str(ids["fz"]), "team": str(ids["team"]),
            "mobile": "139 0591 2345", "email": "", "active": "y"}
    data.update(changes)
    return data


def _audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditLog.id)))


# -- One form: the login and its staff profile -------------------------------------------

def test_a_login_and_its_staff_profile_are_made_in_one_form(app, client, auth):
    auth.login("admin")
    ids = _ids(app)
    response = client.post("/users/add", data=_form(app))
    assert response.status_code == 302, field_error(response.get_data(as_text=True), "team")
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="ouyang_form")
        # FAB's first_name is the given name, last_name the surname; no e-mail was typed.
        assert (user.last_name, user.first_name) == ("欧阳", "明远")
        assert user.email == "ouyang_form@no-email.invalid"
        assert [r.name for r in user.roles] == ["Sales"]
        staff = db.session.scalar(select(Staff).where(Staff.user_id == user.id))
        assert staff.full_name == "欧阳明远"  # 姓名, no space
        assert (staff.branch_id, staff.team_id) == (ids["fz"], ids["team"])
        assert staff.phone == "13905912345" and staff.active is True
        created = {e.entity: e for e in db.session.scalars(select(AuditLog).where(
            AuditLog.action == "create", AuditLog.username == "admin",
            AuditLog.record_id.in_([str(user.id), str(staff.id)])))}
        assert created["ab_user"].changes["username"] == "ouyang_form"
        assert created["ab_user"].changes["roles"] == ["Sales"]
        assert created["ab_user"].changes["password"] == "********"
        assert created["staff"].changes["full_name"] == "欧阳明远"
        staff_id, user_id = staff.id, user.id
    listing = client.get("/users/list/").get_data(as_text=True)
    assert "欧阳明远" in listing and "欧阳 明远" not in listing
    assert "no-email.invalid" not in listing  # the placeholder is never shown

    # The new salesperson can be chosen as a customer's owner at once (by the manager)…
    auth.logout()
    auth.login("manager")
    form = client.get("/customerview/add").get_data(as_text=True)
    assert f'value="{staff_id}"' in form
    id_number = make_id_number("110101", dt.date(1990, 3, 7), 517)
    answer = client.post("/customerview/add", data={
        "kind": "person", "name": "一表客户", "id_number": id_number, "phone": "13012340517",
        "status": "lead", "credit_report_status": "none", "owner": str(staff_id),
        **dict.fromkeys(["social_insurance_months", "housing_fund_months",
                         "overdue_count_24m", "inquiries_6m", "existing_loans"], "0")})
    assert answer.status_code == 302, re.findall(r'alert-danger">(.*?)</div>',
                                                 answer.get_data(as_text=True), re.DOTALL)
    with app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.name == "一表客户"))
        assert customer.owner_id == staff_id and customer.team_id == ids["team"]
    # …and reaches the records of their own book when they log in.
    auth.logout()
    auth.login("ouyang_form", NEW_PASSWORD)
    assert "一表客户" in client.get("/customerview/list/").get_data(as_text=True)
    auth.logout()
    with app.app_context():
        db.session.delete(db.session.get(Customer, customer.id))
        db.session.commit()
        assert db.session.get(Staff, staff_id).user_id == user_id


@pytest.mark.parametrize("changes,expected", [
    ({"username": "sales1", "team": "xm_team", "mobile": "12345"},
     {"username": "该用户名已被使用，请换一个。", "team": "属于其他分公司",
      "mobile": "手机号码必须为以13至19开头的11位数字。"}),
    ({"password": "short", "conf_password": "short", "roles": [], "last_name": ""},
     {"password": "至少", "roles": "请至少选择一个角色。", "last_name": "请填写姓。"}),
    ({"email": "not an e-mail", "first_name": "明\u200b远"},
     {"email": "电子邮箱地址", "first_name": "不可见字符"}),
    ({"email": "SALES1@loandesk.example"}, {"email": "已有其他登录账号使用此电子邮件地址。"}),
], ids=["taken-username-foreign-team-bad-mobile", "weak-password-no-role-no-surname",
        "bad-email-hidden-character", "email-of-another-login"])
def test_a_refused_login_form_keeps_the_input_and_saves_nothing(app, client, auth, changes,
                                                                expected):
    auth.login("admin")
    ids = _ids(app)
    if changes.get("team") == "xm_team":
        changes = {**changes, "team": str(ids["xm_team"])}
    data = _form(app, username=changes.pop("username", "refused_form"), **changes)
    before = _audit_count(app)
    with app.app_context():
        staff_before = db.session.scalar(select(func.count(Staff.id)))
    response = client.post("/users/add", data=data)
    assert response.status_code == 200  # the form again, not a redirect
    html = response.get_data(as_text=True)
    for field, message in expected.items():
        assert message in field_error(html, field), (field, field_error(html, field))
    for field in ("last_name", "first_name", "username", "mobile"):
        if data[field] and field not in ("password",):
            assert input_value(html, field) == data[field].replace('"', "&#34;"), field
    assert 'name="password"' in html and NEW_PASSWORD not in html  # never sent back
    with app.app_context():
        assert app.appbuilder.sm.find_user(username="refused_form") is None
        assert db.session.scalar(select(func.count(Staff.id))) == staff_before
    assert _audit_count(app) == before


# -- The one-click fix ---------------------------------------------------------------------

@pytest.fixture()
def login_without_staff(app):
    """A login made the old way (or by ``flask fab create-admin``): no staff profile."""
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user("nostaff_fix", "春华", "司马", "nostaff@loandesk.example",
                           sm.find_role("Finance"), password=DEMO_PASSWORD)
        pk = user.id
    yield pk
    with app.app_context():
        db.session.execute(text("DELETE FROM staff WHERE user_id = :u"), {"u": pk})
        db.session.execute(text("DELETE FROM ab_user_role WHERE user_id = :u"), {"u": pk})
        db.session.execute(text("DELETE FROM ab_user WHERE id = :u"), {"u": pk})
        db.session.commit()


def test_a_login_without_staff_is_listed_and_fixed_in_one_click(app, client, auth,
                                                                login_without_staff):
    pk = login_without_staff
    auth.login("admin")
    fix = f"/users/staffprofile/{pk}"
    for page in ("/users/list/", "/staffview/list/"):
        html = client.get(page).get_data(as_text=True)
        notice = re.search(r'<div class="alert alert-warning" id="missing-staff">(.*?)</div>',
                           html, re.DOTALL)
        assert notice and "司马春华" in notice.group(1) and fix in notice.group(1), page
    form = client.get(fix).get_data(as_text=True)
    with app.app_context():
        fz = db.session.scalar(select(Branch.id).where(Branch.code == "FZ"))
    assert re.search(rf'<option selected value="{fz}">|<option value="{fz}" selected', form)
    response = client.post(fix, data={"branch": str(fz), "team": "", "mobile": ""})
    assert response.status_code == 302
    with app.app_context():
        staff = db.session.scalar(select(Staff).where(Staff.user_id == pk))
        assert (staff.full_name, staff.branch_id, staff.team_id) == ("司马春华", fz, None)
        assert db.session.scalar(select(AuditLog.id).where(
            AuditLog.entity == "staff", AuditLog.action == "create",
            AuditLog.record_id == str(staff.id), AuditLog.username == "admin"))
    assert fix not in client.get("/users/list/").get_data(as_text=True)  # off the notice
    again = client.post(fix, data={"branch": str(fz), "team": "", "mobile": ""})
    assert "该登录账号已有员工档案。" in field_error(again.get_data(as_text=True), "branch")
    auth.logout()
    auth.login("manager")  # reads staff, makes no logins: no notice, no fix
    assert "missing-staff" not in client.get("/staffview/list/").get_data(as_text=True)
    with app.app_context():
        db.session.execute(text("DELETE FROM staff WHERE user_id = :u"), {"u": pk})
        db.session.commit()
    assert client.get(fix).status_code == 403


# -- Names and words on FAB's user screens -------------------------------------------------

@pytest.mark.parametrize("lang,role", [("zh_CN", "业务员"), ("en", "Sales")])
def test_the_user_screens_show_words_not_raw_values(app, client, auth, lang, role):
    auth.login("admin")
    client.get(f"/lang/{lang}")
    with app.app_context():
        pk = app.appbuilder.sm.find_user(username="sales1").id
    pages = {url: client.get(url).get_data(as_text=True) for url in (
        "/users/list/", f"/users/show/{pk}", f"/users/edit/{pk}", "/users/add",
        "/users/userinfo/", "/userinfoeditview/form", "/resetmypassword/form")}
    client.get("/lang/zh_CN")
    for url, html in pages.items():
        markup = re.sub(r"<(script|style)\b.*?</\1>", " ", html.split("<body", 1)[1],
                        flags=re.DOTALL)
        shown = re.sub(r"<[^>]+>", " ", markup)  # what a person reads
        left = [raw for raw in RAW if raw in shown] + ["__None"] * ("__None" in markup)
        assert not left, (url, left)
        assert "系统管理员" in shown and "系统 管理员" not in shown, url  # the navbar: 姓名
    for url in ("/users/list/", f"/users/show/{pk}"):
        assert role in pages[url] and "陈晓东" in pages[url]
    for url in ("/users/add", f"/users/edit/{pk}", "/userinfoeditview/form"):
        html = pages[url]
        assert html.index('for="last_name"') < html.index('for="first_name"'), url  # 姓, 名
    assert "does not check" not in pages["/resetmypassword/form"]


def test_demo_users_are_stored_given_name_first_and_init_puts_old_ones_right(app, runner):
    with app.app_context():
        sales2 = app.appbuilder.sm.find_user(username="sales2")
        assert (sales2.first_name, sales2.last_name) == ("丽华", "黄")
        assert sales2.get_full_name() == "黄丽华"
        staff = db.session.scalar(select(Staff.full_name).where(Staff.user_id == sales2.id))
        assert staff == "黄丽华"
        # An install seeded before: the surname in first_name.
        db.session.execute(text("UPDATE ab_user SET first_name = '黄', last_name = '丽华' "
                                "WHERE username = 'sales2'"))
        db.session.commit()
    for _ in range(2):  # idempotent
        result = runner.invoke(args=["loandesk", "init"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            row = db.session.execute(text("SELECT first_name, last_name FROM ab_user "
                                          "WHERE username = 'sales2'")).one()
            assert tuple(row) == ("丽华", "黄")

"""The firm's first-run setup: a new install (``flask loandesk init --no-demo`` + ``flask fab
create-admin``) sends its admin to /setup/; until the firm's details are saved, contracts
and the dashboard say 公司信息未设置 and issuing is refused; a wrong credit code is refused
beside the field, the right details are saved at once and used."""

from __future__ import annotations

import io
import re
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet
from flask_appbuilder.cli import fab
from pypdf import PdfReader
from sqlalchemy import func, select

from app import create_app
from app.domain.validators import make_credit_code
from app.extensions import db
from app.models import AuditLog, Branch, Contract, FirmSetting, Loan
from tests.conftest import DEMO_PASSWORD, database_copy, dispose, scratch_database
from tests.security.test_users_and_staff import _audit_count, field_error, input_value

DEMO_FIRM = {"name": "示例助贷服务有限公司", "credit_code": "91350100M000100Y43",
             "address": "福建省福州市鼓楼区五四路100号", "phone": "0591-88880000",
             "dispute_court": "福州市鼓楼区人民法院", "city": "福州"}


# -- Until the firm is set up: contracts and the dashboard say so --------------------------

@contextmanager
def firm_not_set_up(app):
    """The demo firm without its name and code, as a new install starts; restored after."""
    with app.app_context():
        db.session.query(FirmSetting).filter(FirmSetting.key.in_(
            ["firm.name", "firm.credit_code"])).update({"value": ""})
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            from app.org.users import save_firm_setup

            save_firm_setup(DEMO_FIRM, None)


def _draft(app, client, auth, kind="service") -> int:
    with app.app_context():
        loan = db.session.scalar(select(Loan.id).where(Loan.disbursed_on.isnot(None),
                                                       Loan.branch.has(code="FZ")))
    token = auth.token("finance")
    answer = client.post(f"/api/v1/loans/{loan}/contracts", json={"kind": kind},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return answer.get_json()["id"]


def _pdf_text(client, auth, pk, lang="") -> str:
    token = auth.token("finance")
    answer = client.get(f"/api/v1/contracts/{pk}/pdf{lang}",
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    reader = PdfReader(io.BytesIO(answer.data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_before_setup_contracts_say_so_and_are_not_issued(app, client, auth):
    with firm_not_set_up(app):
        pk = _draft(app, client, auth, "service")
        text_zh = _pdf_text(client, auth, pk)
        assert "居间人（乙方）：公司信息未设置" in text_zh
        assert "统一社会信用代码：公司信息未设置" in text_zh
        assert "示例助贷服务有限公司" not in text_zh
        assert "[firmdetailsnotsetup]" in _pdf_text(client, auth, _draft(app, client, auth,
                                                                          "loan"), "?lang=en")
        auth.login("finance")
        page = client.post(f"/contractview/act/{pk}", data={"action": "issue"},
                           follow_redirects=True).get_data(as_text=True)
        assert "公司信息未设置：签发合同前" in page
        with app.app_context():
            contract = db.session.get(Contract, pk)
            assert (contract.state, contract.pdf_stored_name) == ("draft", None)
        auth.logout()
        auth.login("manager")
        dashboard = client.get("/dashboard/").get_data(as_text=True)
        assert 'id="firm-not-set-up"' in dashboard and "公司信息未设置" in dashboard
        assert "firm-not-set-up" in client.get("/").get_data(as_text=True)  # the note
        auth.logout()
    # Set up again: the same draft names the firm, and it issues.
    assert "居间人（乙方）：示例助贷服务有限公司" in _pdf_text(client, auth, pk)
    auth.login("finance")
    client.post(f"/contractview/act/{pk}", data={"action": "issue"})
    with app.app_context():
        assert db.session.get(Contract, pk).state == "issued"


# -- A new install: the first admin login opens the setup page -----------------------------

def _install_settings(url, data_key, uploads) -> dict:
    return {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False, "AUTH_RATE_LIMITED": False,
            "LOANDESK_DATA_KEY": data_key, "UPLOAD_FOLDER": str(uploads)}


@pytest.fixture(scope="module")
def new_install_database(tmp_path_factory):
    """An empty database set up as a firm deploys LoanDesk: init --no-demo, create-admin
    (and a clerk), built once; each test gets a copy of it (``new_install``)."""
    tmp = tmp_path_factory.mktemp("setup")
    data_key = Fernet.generate_key().decode()
    with scratch_database(tmp, "setup") as url:
        app = create_app(_install_settings(url, data_key, tmp / "uploads"))
        runner = app.test_cli_runner()
        try:
            result = runner.invoke(args=["loandesk", "init", "--no-demo"])
            assert result.exit_code == 0, result.output + repr(result.exception)
            result = runner.invoke(fab, ["create-admin", "--username", "boss", "--firstname",
                                         "建国", "--lastname", "林", "--email",
                                         "boss@firm.example", "--password", DEMO_PASSWORD])
            assert result.exit_code == 0, result.output + repr(result.exception)
            with app.app_context():
                sm = app.appbuilder.sm
                sm.add_user("clerk", "小红", "李", "clerk@firm.example", sm.find_role("Sales"),
                            password=DEMO_PASSWORD)
        finally:
            dispose(app)
        yield url, data_key


@pytest.fixture()
def new_install(new_install_database, tmp_path):
    """The new install as it stands before anyone has used it (a copy of its own)."""
    url, data_key = new_install_database
    with database_copy(url, tmp_path) as copy:
        app = create_app(_install_settings(copy, data_key, tmp_path / "uploads"))
        yield app
        dispose(app)


def _login(app, username):
    client = app.test_client()
    client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
    return client


GOOD = {"name": "榕城助贷服务有限公司", "credit_code": make_credit_code("91350102MA8XY1234"),
        "address": "福建省福州市台江区江滨中大道1号", "phone": "0591-87654321",
        "dispute_court": "福州市台江区人民法院", "city": "福州",
        "branch_code": "tj", "branch_name": "台江总部", "branch_city": ""}


def test_a_new_install_starts_without_a_firm_and_sends_its_admin_to_setup(new_install):
    app = new_install
    with app.app_context():
        values = dict(db.session.execute(select(FirmSetting.key, FirmSetting.value).where(
            FirmSetting.key.like("firm.%"))).all())
        assert values["firm.name"] == values["firm.credit_code"] == ""  # no made-up company
    boss = _login(app, "boss")
    first = boss.get("/")
    assert first.status_code == 302 and first.location.endswith("/setup/")
    setup = boss.get("/setup/").get_data(as_text=True)
    assert 'id="setup-intro"' in setup and 'id="branch_code"' in setup
    dashboard = boss.get("/dashboard/").get_data(as_text=True)
    assert "公司信息未设置" in dashboard
    clerk = _login(app, "clerk")
    home = clerk.get("/")
    assert home.status_code == 200
    assert "公司信息尚未设置" in home.get_data(as_text=True)
    assert clerk.get("/setup/").status_code == 403


def test_a_wrong_credit_code_is_refused_beside_the_field_and_nothing_is_saved(new_install):
    app = new_install
    boss = _login(app, "boss")
    before = _audit_count(app)
    wrong = GOOD["credit_code"][:17] + ("0" if GOOD["credit_code"][17] != "0" else "1")
    response = boss.post("/setup/", data={**GOOD, "credit_code": wrong, "phone": "call me"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert field_error(html, "credit_code") == "统一社会信用代码校验码错误，请重新核对。"
    assert "0591-88880000" in field_error(html, "phone")  # the example of a phone number
    assert field_error(html, "name") == ""
    assert input_value(html, "name") == GOOD["name"] and input_value(html, "credit_code") == \
        wrong
    with app.app_context():
        assert db.session.scalar(select(FirmSetting.value).where(
            FirmSetting.key == "firm.name")) == ""
        assert db.session.scalar(select(func.count(Branch.id))) == 0
    assert _audit_count(app) == before
    assert boss.get("/").status_code == 302  # still not set up


def test_the_right_details_are_saved_at_once_and_used(new_install):
    app = new_install
    boss = _login(app, "boss")
    response = boss.post("/setup/", data=GOOD)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    with app.app_context():
        values = dict(db.session.execute(select(FirmSetting.key, FirmSetting.value).where(
            FirmSetting.key.like("firm.%"))).all())
        for key in ("name", "credit_code", "address", "phone", "dispute_court", "city"):
            assert values[f"firm.{key}"] == GOOD[key], key
        branch = db.session.scalar(select(Branch))
        assert (branch.code, branch.name, branch.city) == ("TJ", "台江总部", "福州")
        trail = db.session.scalars(select(AuditLog).where(AuditLog.username == "boss",
                                                          AuditLog.action.in_(
                                                              ["update", "create"]))).all()
        assert any(e.entity == "branch" and e.action == "create" for e in trail)
        updated = {e.record_id for e in trail if e.entity == "firm_setting"}
        assert len(updated) == 6
        from app.contracts.render import firm_settings

        firm = firm_settings()
        assert (firm["name"], firm["credit_code"], firm["set_up"]) == (
            GOOD["name"], GOOD["credit_code"], True)
    assert boss.get("/").status_code == 200  # no longer sent to setup
    assert GOOD["name"] in boss.get("/dashboard/").get_data(as_text=True)
    again = boss.get("/setup/").get_data(as_text=True)  # editable later, without the branch
    assert input_value(again, "name") == GOOD["name"] and 'id="branch_code"' not in again
    home = _login(app, "clerk").get("/").get_data(as_text=True)
    assert "firm-not-set-up" not in home

"""Contracts: generated from a demo loan, numbered, rendered in Chinese, frozen when issued."""

import hashlib
import io
import re
import threading
from decimal import Decimal

import pytest
from pypdf import PdfReader

from app.domain.money import amount_in_capitals
from app.extensions import db
from app.models import Contract, Customer, Loan, Staff


def _headers(auth, username="finance"):
    return {"Authorization": f"Bearer {auth.token(username)}"}


def _loan(app, months=36):
    """A disbursed demo loan of the finance user's branch with the most months."""
    with app.app_context():
        staff = db.session.query(Staff).filter_by(
            user_id=app.appbuilder.sm.find_user(username="finance").id).one()
        loan = db.session.query(Loan).filter(
            Loan.branch_id == staff.branch_id, Loan.disbursed_on.isnot(None),
            Loan.customer.has(kind="person")).order_by(Loan.months.desc(), Loan.id).first()
        return loan.id


def _text(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return "".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _generate(client, auth, loan_id, kind):
    response = client.post(f"/api/v1/loans/{loan_id}/contracts", json={"kind": kind},
                           headers=_headers(auth))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _pdf(client, auth, contract_id, username="finance"):
    return client.get(f"/api/v1/contracts/{contract_id}/pdf", headers=_headers(auth, username))


@pytest.mark.parametrize("kind,clause", [
    ("loan", "争议解决"), ("service", "第九百六十四条"), ("credit_authorization", "授权期限")])
def test_each_kind_renders_in_chinese_with_the_loan_data(app, client, auth, kind, clause):
    loan_id = _loan(app)
    contract = _generate(client, auth, loan_id, kind)
    response = _pdf(client, auth, contract["id"])
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text, _pages = _text(response.data)
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        name, principal = loan.customer.name, loan.principal
        due_dates = [i.due_date.isoformat() for i in loan.installments]
    compact = re.sub(r"\s+", "", text)
    assert clause in compact and name in compact and contract["number"] in compact
    assert amount_in_capitals(principal) in compact
    assert b"/FontFile2" in response.data and b"WenQuanYi" in response.data  # embedded
    if kind == "loan":
        assert "年化利率" in compact and "IRR" in compact
        assert all(d in compact for d in due_dates)  # every schedule row


def test_a_36_month_loan_contract_runs_over_several_pages(app, client, auth):
    loan_id = _loan(app)
    with app.app_context():
        assert db.session.get(Loan, loan_id).months == 36
    contract = _generate(client, auth, loan_id, "loan")
    pages = _text(_pdf(client, auth, contract["id"]).data)[1]
    assert pages >= 3


def test_numbers_run_per_kind_and_year_without_gaps(app, client, auth):
    loan_id = _loan(app)
    numbers = [_generate(client, auth, loan_id, "service")["number"] for _ in range(3)]
    seqs = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seqs == [seqs[0], seqs[0] + 1, seqs[0] + 2]
    assert all(re.fullmatch(r"JJ-\d{4}-\d{6}", n) for n in numbers)


def test_two_staff_generating_at_once_get_distinct_consecutive_numbers(app):
    from app.contracts.service import create_draft

    loan_id = _loan(app)
    results, errors = [], []

    def generate():
        try:
            with app.app_context():
                for _ in range(4):
                    results.append(create_draft(db.session.get(Loan, loan_id),
                                                "credit_authorization").seq)
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=generate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == list(range(min(results), min(results) + 8))


def test_issue_freezes_the_pdf(app, client, auth):
    loan_id = _loan(app)
    contract = _generate(client, auth, loan_id, "loan")
    auth.login("finance")
    client.post(f"/contractview/act/{contract['id']}", data={"action": "issue"})
    first = _pdf(client, auth, contract["id"]).data
    with app.app_context():
        stored = db.session.get(Contract, contract["id"])
        assert stored.state == "issued"
        assert stored.sha256 == hashlib.sha256(first).hexdigest()
        customer = stored.customer
        old_name, customer.name = customer.name, customer.name + "（已改名）"
        db.session.commit()
    again = _pdf(client, auth, contract["id"]).data
    assert again == first  # never re-rendered
    text, _ = _text(first)
    with app.app_context():
        customer = db.session.get(Contract, contract["id"]).customer
        assert customer.id_number in re.sub(r"\s+", "", text)  # the legal document is complete
        customer.name = old_name
        db.session.commit()


def test_sales_gets_masked_drafts_and_no_issued_pdf(app, client, auth):
    loan_id = _loan(app)
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        owner = db.session.get(Staff, loan.owner_id)
        username = db.session.get(__import__("flask_appbuilder").security.sqla.models.User,
                                  owner.user_id).username
        id_number = loan.customer.id_number
    draft = _generate(client, auth, loan_id, "service")
    response = _pdf(client, auth, draft["id"], username)
    assert response.status_code == 200
    assert id_number not in re.sub(r"\s+", "", _text(response.data)[0])
    auth.login("finance")
    client.post(f"/contractview/act/{draft['id']}", data={"action": "issue"})
    auth.logout()
    assert _pdf(client, auth, draft["id"], username).status_code == 403


def test_life_cycle_void_needs_a_reason_and_a_new_version_supersedes(app, client, auth):
    loan_id = _loan(app)
    contract = _generate(client, auth, loan_id, "loan")
    auth.login("finance")
    client.post(f"/contractview/act/{contract['id']}", data={"action": "void", "reason": ""})
    with app.app_context():
        assert db.session.get(Contract, contract["id"]).state == "draft"
    client.post(f"/contractview/act/{contract['id']}", data={"action": "issue"})
    client.post(f"/contractview/act/{contract['id']}", data={"action": "revise"})
    with app.app_context():
        old = db.session.get(Contract, contract["id"])
        new = db.session.query(Contract).filter_by(supersedes_id=old.id).one()
        assert old.state == "void" and new.state == "draft" and new.version == 2
        assert (new.kind, new.year, new.seq) == (old.kind, old.year, old.seq)
        new_id = new.id
    html = client.get(f"/contractview/show/{new_id}").get_data(as_text=True)
    assert contract["number"] in html and 'id="contract-history"' in html
    # signing needs the scanned copy
    client.post(f"/contractview/act/{new_id}", data={"action": "issue"})
    client.post(f"/contractview/act/{new_id}", data={"action": "sign"},
                content_type="multipart/form-data")
    with app.app_context():
        assert db.session.get(Contract, new_id).state == "issued"
    client.post(f"/contractview/act/{new_id}", data={
        "action": "sign", "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "signed.pdf")},
        content_type="multipart/form-data")
    with app.app_context():
        signed = db.session.get(Contract, new_id)
        assert signed.state == "signed" and signed.signed_document is not None


def test_typed_markup_is_text_in_preview_and_pdf(app, client, auth):
    loan_id = _loan(app)
    hostile = '<script>alert("x")</script>&"引号"' + "超长无空格的词" * 30  # ≤ 255
    with app.app_context():
        customer = db.session.get(Loan, loan_id).customer
        old_address, customer.address = customer.address, hostile
        db.session.commit()
        customer_id = customer.id
    try:
        contract = _generate(client, auth, loan_id, "loan")
        auth.login("finance")
        html = client.get(f"/contractview/show/{contract['id']}").get_data(as_text=True)
        assert '<script>alert("x")</script>' not in html
        assert "&lt;script&gt;" in html
        response = _pdf(client, auth, contract["id"])
        assert response.status_code == 200
        assert "<script>" in _text(response.data)[0]
    finally:
        with app.app_context():
            db.session.get(Customer, customer_id).address = old_address
            db.session.commit()


def test_generating_needs_the_contract_write_right(app, client, auth):
    loan_id = _loan(app)
    response = client.post(f"/api/v1/loans/{loan_id}/contracts", json={"kind": "loan"},
                           headers=_headers(auth, "sales1"))
    assert response.status_code in (403, 404)
    assert client.post(f"/api/v1/loans/{loan_id}/contracts", json={"kind": "lease"},
                       headers=_headers(auth)).status_code == 400
    assert Decimal(1) == 1


GOOD_TEMPLATE = """{% extends "contracts/base.html" %}
{% block body %}<p>本公司定制条款：{{ borrower.name }}借款人民币{{ amount_capitals }}，
年化利率{{ "%.2f"|format(apr * 100) }}%。</p>{% endblock %}"""


def _upload_template(client, kind, body):
    return client.post("/contracttemplateview/upload", data={
        "kind": kind, "note": "测试",
        "file": (io.BytesIO(body.encode("utf-8")), "loan.html")},
        content_type="multipart/form-data")


@pytest.mark.parametrize("body,message", [
    ("{% extends 'contracts/base.html' %}{% block body %}{{ borrower.name ", "does not render"),
    (("{% extends 'contracts/base.html' %}{% block body %}只有金额{{ amount_capitals }}"
      "{{ apr }}{% endblock %}"), "borrower.name"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "does not render"),
])
def test_a_bad_template_is_refused_and_not_used(app, client, auth, body, message):
    from app.models import ContractTemplate

    auth.login("admin")
    client.get("/lang/en")
    response = _upload_template(client, "loan", body)
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ContractTemplate).filter_by(active=True).count() == 0
    client.get("/lang/zh_CN")


def test_an_uploaded_template_is_validated_then_used(app, client, auth):
    from app.models import ContractTemplate

    auth.login("admin")
    assert _upload_template(client, "loan", GOOD_TEMPLATE).status_code == 302
    try:
        contract = _generate(client, auth, _loan(app), "loan")
        text = re.sub(r"\s+", "", _text(_pdf(client, auth, contract["id"]).data)[0])
        assert "本公司定制条款" in text
    finally:
        with app.app_context():
            db.session.query(ContractTemplate).update({"active": False})
            db.session.commit()


def test_a_missing_cjk_font_stops_set_up_with_a_clear_message(app, tmp_path):
    from app import create_app

    broken = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "LOANDESK_CJK_FONT": str(tmp_path / "no-such-font.ttc")})
    result = broken.test_cli_runner().invoke(args=["loandesk", "init"])
    assert result.exit_code != 0 and "CJK font not found" in result.output


def test_an_english_rendering_exists_for_foreign_funders(app, client, auth):
    contract = _generate(client, auth, _loan(app), "loan")
    response = client.get(f"/api/v1/contracts/{contract['id']}/pdf?lang=en",
                          headers=_headers(auth))
    assert response.status_code == 200
    text = _text(response.data)[0]
    assert "Loan Contract" in text and "internal-rate-of-return" in text.replace("\n", " ")
    assert "binding text" in text
    chinese = _text(_pdf(client, auth, contract["id"]).data)[0]
    assert "借款合同" in chinese  # the Chinese contract is unaffected by the UI language

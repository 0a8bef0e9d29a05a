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
from tests.factories import disbursed_loan


def _headers(auth, username="finance"):
    return {"Authorization": f"Bearer {auth.token(username)}"}


def _loan(app, months=36):
    """A loan of its own, disbursed, of a person of sales1's (the finance user's branch),
    through a contracted application with a service fee."""
    with app.app_context():
        return disbursed_loan(months=months, method="equal_installment", fee="960.00").id


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
    unknown = client.post(f"/api/v1/loans/{loan_id}/contracts", json={"kind": "lease"},
                          headers=_headers(auth))
    assert unknown.status_code == 422  # refused beside the kind
    assert unknown.get_json()["errors"] == {"kind": ["未知的合同类型。"]}
    assert client.post(f"/api/v1/loans/{loan_id}/contracts", json=["loan"],
                       headers=_headers(auth)).status_code == 400  # not an object
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


# -- The signature block, the contract page, the loan's contract list -----------------------

def _lines_at(page):
    """The signature page's text lines with where each starts: pypdf hands text in runs,
    each with its line's origin; runs of one origin are one line."""
    lines: dict[tuple[float, float], str] = {}

    def visit(text, cm, _tm, _font, _size):
        key = (round(cm[4], 1), round(cm[5], 1))
        lines[key] = lines.get(key, "") + text

    page.extract_text(visitor_text=visit)
    return [(x, y, text.strip()) for (x, y), text in lines.items() if text.strip()]


def _longest_funder_loan(app):
    """A disbursed demo loan of the funder with the longest name (the micro-lender's)."""
    from app.models import Funder

    with app.app_context():
        funder = max(db.session.query(Funder).all(), key=lambda f: len(f.name))
        assert funder.name == "福州市鼓楼区鑫源小额贷款有限公司"  # 16 characters
        loan = db.session.query(Loan).filter(Loan.funder_id == funder.id,
                                             Loan.disbursed_on.isnot(None)).first()
        return loan.id, funder.name, loan.customer.name


def _firm_name(app):
    from app.models import FirmSetting

    with app.app_context():
        return db.session.query(FirmSetting).filter_by(key="firm.name").one().value


def test_each_party_signs_on_its_own_line_and_the_dates_line_up(app, client, auth):
    loan_id, funder, borrower = _longest_funder_loan(app)
    firm = _firm_name(app)
    for kind, parties in (("loan", [funder, borrower, firm]), ("service", [borrower, firm])):
        contract = _generate(client, auth, loan_id, kind)
        pages = PdfReader(io.BytesIO(_pdf(client, auth, contract["id"], "admin").data)).pages
        page = next(p for p in pages if "（居间人，盖章）" in p.extract_text())
        text_lines = [line.strip() for line in page.extract_text().splitlines()]
        for name in parties:  # unbroken: the whole name is a line of its own
            assert name in text_lines, (kind, name, text_lines)
        dates = [(x, text) for x, _y, text in _lines_at(page) if text.startswith("日期：")]
        assert len(dates) == len(parties), dates
        assert len({x for x, _ in dates}) == 1, dates  # one left edge for every date line
        assert [t for _, t in dates][:-1] == ["日期：____年__月__日"] * (len(parties) - 1)
        assert re.fullmatch(r"日期：20\d\d年\d{1,2}月\d{1,2}日", dates[-1][1])
        roles = [t for t in text_lines if t.endswith("盖章）：")]
        # The service contract is the client's and the firm's: the funder signs no part.
        assert roles == (["甲方（出借人，盖章）：", "乙方（借款人，签字/盖章）：", "丙方（居间人，盖章）："]
                         if kind == "loan" else ["甲方（委托人，签字/盖章）：", "乙方（居间人，盖章）："])


def test_the_contract_page_links_its_loan_and_voiding_stands_apart(app, client, auth):
    loan_id = _loan(app)
    contract = _generate(client, auth, loan_id, "loan")
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        number, customer = loan.number, loan.customer
        customer_id, customer_name = customer.id, customer.name
        application_id, application_number = loan.application_id, loan.application.number
        owner = db.session.get(Staff, loan.owner_id)
        username = app.appbuilder.sm.get_user_by_id(owner.user_id).username
    auth.login("finance")
    client.get("/lang/zh_CN")
    html = client.get(f"/contractview/show/{contract['id']}").get_data(as_text=True)
    assert f'<a href="/loanview/show/{loan_id}" class="data">{number}</a>' in html
    assert f'<a href="/customerview/show/{customer_id}" class="data">{customer_name}</a>' in html
    assert (f'<a href="/applicationview/show/{application_id}" class="data">'
            f'{application_number}</a>') in html
    actions = html[html.index('id="contract-actions"'):html.index('id="contract-history"')]
    assert 'id="contract-issue"' in actions and "void" not in actions
    danger = html[html.index('id="contract-danger"'):]
    assert html.index('id="contract-preview"') < html.index('id="contract-danger"')
    assert 'class="panel panel-danger"' in html[html.index('id="contract-danger"') - 40:]
    assert f'data-confirm="确定作废合同草稿 {contract["number"]}？作废后不可恢复。"' in danger
    assert 'data-confirm-button="确认作废"' in danger and 'id="void-form"' in danger
    client.post(f"/contractview/act/{contract['id']}", data={"action": "issue"})
    html = client.get(f"/contractview/show/{contract['id']}").get_data(as_text=True)
    assert (f'data-confirm="确定作废合同 {contract["number"]}？作废后不可恢复；'
            '如需更正，请改为生成新版本。"') in html
    # The loan's salesperson reads the contract and its links, without the void form.
    auth.logout()
    auth.login(username)
    html = client.get(f"/contractview/show/{contract['id']}").get_data(as_text=True)
    assert f'href="/loanview/show/{loan_id}"' in html and 'id="void-form"' not in html


def test_a_refused_void_or_signing_says_why_beside_its_field(app, client, auth):
    contract = _generate(client, auth, _loan(app), "loan")
    auth.login("finance")
    client.get("/lang/zh_CN")
    response = client.post(f"/contractview/act/{contract['id']}",
                           data={"action": "void", "reason": "   "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert ('<span class="help-block text-danger field-error" data-field="reason">'
            "请填写作废合同的原因。</span>") in html
    assert 'value="   "' in html  # what was typed is still in the field
    client.post(f"/contractview/act/{contract['id']}", data={"action": "issue"})
    response = client.post(f"/contractview/act/{contract['id']}", data={
        "action": "sign", "file": (io.BytesIO(b"MZ\x90\x00 not a scan"), "signed.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'data-field="file"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Contract, contract["id"]).state == "issued"


def test_a_loans_contract_list_shows_versions_states_and_the_firms_clock(app):
    import datetime as dt

    from flask import g, render_template
    from flask_login import login_user
    from sqlalchemy import update

    from app.contracts import service
    from app.contracts.screens import loan_contracts
    from tests.security.test_permission_cache import statements_during

    with app.app_context():  # a loan of finance's branch without contracts yet
        branch = db.session.query(Staff).filter_by(
            user_id=app.appbuilder.sm.find_user(username="finance").id).one().branch_id
        loan = db.session.query(Loan).filter(
            Loan.branch_id == branch, Loan.disbursed_on.isnot(None),
            ~db.session.query(Contract).filter(Contract.loan_id == Loan.id).exists()).first()
        loan_id = loan.id
        first = service.create_draft(loan, "loan")
        service.issue(first)
        # Stored in UTC: 16:30 on 31 March is 00:30 on 1 April in Fuzhou.  (A bulk UPDATE:
        # the flush guard rightly refuses an edit of an issued contract.)
        db.session.execute(update(Contract).where(Contract.id == first.id).values(
            issued_at=dt.datetime(2026, 3, 31, 16, 30)))
        db.session.commit()
        second = service.new_version(first)
        service.create_draft(loan, "service")
        numbers = (first.number, second.number)
        owner = db.session.get(Staff, loan.owner_id).user_id
        outsider = next(u for u in ("sales1", "sales2")  # a salesperson sees their own
                        if app.appbuilder.sm.find_user(username=u).id != owner)

    def rows_as(username):
        with app.test_request_context("/?_l_=zh_CN"):
            g.user = app.appbuilder.sm.find_user(username=username)  # as FAB's request does
            login_user(g.user)
            return loan_contracts(db.session.get(Loan, loan_id))

    rows = rows_as("finance")
    assert [(r.number, r.version) for r in rows][:2] == [(numbers[0], 1), (numbers[1], 2)]
    assert [(r.kind, r.state) for r in rows] == [
        ("借款合同", "已作废"), ("借款合同", "草稿"), ("居间服务合同", "草稿")]
    assert rows[0].issued == "2026年4月1日 00:30" and rows[1].issued == ""
    assert rows[0].superseded_by == (rows[1].id, numbers[1]) and rows[1].superseded_by is None
    sent = statements_during(app, lambda: rows_as("finance"))
    assert len([s for s in sent if "FROM contract" in s]) == 1
    assert rows_as("reviewer") is None  # may not read contracts: the list is not shown
    assert rows_as(outsider) == []
    with app.test_request_context("/?_l_=zh_CN"):
        html = render_template("loandesk/_loan_contracts.html", loan_contracts=rows)
    assert f'<a href="/contractview/show/{rows[0].id}">{numbers[0]}</a>' in html
    assert f"（已被 {numbers[1]} 取代）" in html and "2026年4月1日 00:30" in html
    assert html.count("loan-contract-superseded") == 1

"""Records lock by state: every entity × state × role, through the edit form and the API.

The expectations below are the firm's policy written out by hand (they do not import
app/domain/editing.py): who may change what, in which state.  For each case the test opens
the edit form, posts a change, sends the same change with PUT where the API has one, and
reads the database afterwards: a refused change stores nothing, an allowed one is stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from app.editing import edits_unguarded
from app.extensions import db
from app.models import (
    Application,
    Consent,
    Customer,
    Loan,
    LoanProduct,
    ServiceFee,
    Staff,
)
from tests.conftest import DEMO_PASSWORD
from tests.factories import (
    booked_loan,
    disbursed_loan,
    login,
    new_application,
    new_customer,
    staff,
)

ROLES = ("sales1", "manager", "reviewer", "finance", "auditor", "admin")
APPLICATION_STATES = ("draft", "submitted", "scoring", "under_review", "approved",
                      "rejected", "withdrawn", "contracted", "disbursed", "repaying",
                      "settled", "overdue", "written_off")
WRITES_APPLICATIONS = {"sales1", "manager", "admin"}
REASSIGNS = {"manager", "admin"}
OPEN_APPLICATION = {"draft", "submitted", "scoring", "under_review", "approved",
                    "contracted", "disbursed", "repaying", "overdue"}
LOAN_STATES = ("pending", "active", "overdue", "settled", "written_off")
WRITES_LOANS = {"finance", "admin"}
FEE_STATES = ("charged", "received", "refunded")


class _Form(HTMLParser):
    """The fields a browser would send: named inputs, selects and textareas that are not
    disabled, with their current values (a select's selected option)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a and a.get("type") != "checkbox":
            self.values.setdefault(name, a.get("value") or "")
        elif tag == "input" and name and "disabled" not in a and "checked" in a:
            self.values[name] = a.get("value") or "y"
        elif tag == "select":
            self._select = None if "disabled" in a else name
            if self._select:
                self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name and "disabled" not in a:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_of(client, url: str) -> dict:
    parser = _Form()
    parser.feed(client.get(url).get_data(as_text=True))
    return {k: v.strip() if k != "csrf_token" else v for k, v in parser.values.items()}


def outcome(status: int) -> str:
    return {200: "saved", 302: "saved", 409: "locked", 403: "forbidden", 404: "absent",
            405: "absent"}.get(status, f"status {status}")


# -- Applications --------------------------------------------------------------------------

def expected_application(state: str, role: str) -> tuple[str, str]:
    """(the edit page, a change of the amount): the form opens in draft, and for a manager
    while the application is open (to reassign it, every other field disabled)."""
    if role not in WRITES_APPLICATIONS:
        return "forbidden", "forbidden"
    opens = state == "draft" or (role in REASSIGNS and state in OPEN_APPLICATION)
    return ("opens" if opens else "locked"), ("saved" if state == "draft" else "locked")


@pytest.mark.parametrize("role", ROLES)
def test_application_terms_change_only_in_draft(app, role):
    """The hole: sales1 rewriting the amount of an application being repaid."""
    client = login(app, role)
    wrong = []
    for state in APPLICATION_STATES:
        with app.app_context():
            pk = new_application(state).id
        url = f"/applicationview/edit/{pk}"
        want_page, want_change = expected_application(state, role)
        status = client.get(url).status_code
        page = "opens" if status == 200 else outcome(status)
        form = form_of(client, url) if status == 200 else {}
        form["amount"] = "60000.00"  # sent even where the field is disabled: a tampered post
        posted = client.post(url, data=form).status_code
        with app.app_context():
            after_form = db.session.get(Application, pk).amount
        put = client.put(f"/api/v1/applications/{pk}", json={"amount": "123456.00"})
        with app.app_context():
            after_api = db.session.get(Application, pk).amount
        saved = want_change == "saved"
        want_form = Decimal("60000.00") if saved else Decimal("50000.00")
        want_api = Decimal("123456.00") if saved else want_form
        got = (page, outcome(posted), outcome(put.status_code), after_form, after_api)
        if got != (want_page, want_change, want_change, want_form, want_api):
            wrong.append((state, got, (want_page, want_change)))
    assert not wrong, "\n".join(map(str, wrong))


def test_a_refused_api_edit_says_why(app):
    client = login(app, "sales1")
    with app.app_context():
        pk = new_application("repaying").id
    answer = client.put(f"/api/v1/applications/{pk}", json={"amount": "123456.00"})
    assert answer.status_code == 409
    assert "还款中" in answer.get_json()["message"]


@pytest.mark.parametrize("role", ("sales1", "manager"))
def test_reassigning_an_application_needs_the_right_and_an_open_state(app, role):
    client = login(app, role)
    with app.app_context():
        sales2 = staff("sales2").id
    wrong = []
    for state in APPLICATION_STATES:
        with app.app_context():
            pk = new_application(state).id
        answer = client.put(f"/api/v1/applications/{pk}", json={"owner": sales2})
        # FAB's API leaves owner out of edit_columns: the form is where owners change.
        url = f"/applicationview/edit/{pk}"
        page = client.get(url)
        if page.status_code == 200:
            form = form_of(client, url)
            form["owner"] = str(sales2)
            client.post(url, data=form)
        with app.app_context():
            owner = db.session.get(Application, pk).owner_id
        allowed = role in REASSIGNS and state in OPEN_APPLICATION
        if (owner == sales2) != allowed or answer.status_code not in (200, 409, 422):
            wrong.append((state, page.status_code, answer.status_code, owner))
    assert not wrong, wrong


def test_the_edit_icon_shows_only_where_editing_is_allowed(app):
    client = login(app, "sales1")
    with app.app_context():
        draft, repaying = new_application("draft").id, new_application("repaying").id
    html = client.get("/applicationview/list/?psize_ApplicationView=100").get_data(
        as_text=True)
    assert f"/applicationview/show/{draft}" in html
    assert f"/applicationview/show/{repaying}" in html
    assert f"/applicationview/edit/{draft}" in html
    assert f"/applicationview/edit/{repaying}" not in html


# -- Customers: identity needs "view sensitive" --------------------------------------------

CUSTOMER_CHANGES = {"identity": ("name", "陈改名"), "other": ("city", "厦门")}
EXPECTED_CUSTOMER = {  # role → (identity change, other change)
    "sales1": ("locked", "saved"), "manager": ("saved", "saved"), "admin": ("saved", "saved"),
    "reviewer": ("forbidden", "forbidden"), "finance": ("forbidden", "forbidden"),
    "auditor": ("forbidden", "forbidden")}


@pytest.mark.parametrize("role", ROLES)
def test_a_customers_identity_changes_only_with_view_sensitive(app, role):
    client = login(app, role)
    wrong = []
    for index, (kind, (field, value)) in enumerate(CUSTOMER_CHANGES.items()):
        with app.app_context():
            customer = new_customer("sales1")
            db.session.commit()
            pk, before = customer.id, getattr(customer, field)
        expected = EXPECTED_CUSTOMER[role][index]
        url = f"/customerview/edit/{pk}"
        form_status = client.get(url).status_code
        if form_status == 200:
            form = form_of(client, url)
            form[field] = value
            form_status = client.post(url, data=form).status_code
            if form_status == 200:  # the form came back: refused beside the field
                form_status = 409
        with app.app_context():
            after_form = getattr(db.session.get(Customer, pk), field)
        put = client.put(f"/api/v1/customers/{pk}", json={field: value + "2"})
        with app.app_context():
            after_api = getattr(db.session.get(Customer, pk), field)
        saved = expected == "saved"
        want = (value if saved else before, value + "2" if saved else
                (value if saved else before))
        if (outcome(form_status), outcome(put.status_code), after_form, after_api) != (
                expected, expected, *want):
            wrong.append((kind, form_status, put.status_code, after_form, after_api,
                          expected))
    assert not wrong, wrong


def test_the_customer_form_shows_identity_fields_locked_with_the_reason(app):
    client = login(app, "sales1")
    with app.app_context():
        customer = new_customer("sales1")
        db.session.commit()
        pk = customer.id
    html = client.get(f"/customerview/edit/{pk}").get_data(as_text=True)
    import re

    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert "disabled" in name_input
    city_input = re.search(r'<input[^>]*name="city"[^>]*>', html).group(0)
    assert "disabled" not in city_input
    assert "查看敏感信息" in html or "敏感" in html  # the reason, beside the field


def test_a_form_post_without_the_locked_fields_keeps_them(app):
    """Disabled fields are not sent by the browser: they must not be saved empty."""
    client = login(app, "sales1")
    with app.app_context():
        customer = new_customer("sales1")
        db.session.commit()
        pk, name = customer.id, customer.name
    url = f"/customerview/edit/{pk}"
    form = form_of(client, url)
    for locked in ("name", "kind", "gender", "birth_date", "bank_name"):
        form.pop(locked, None)
    form["city"] = "泉州"
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        stored = db.session.get(Customer, pk)
        assert (stored.name, stored.city, stored.kind) == (name, "泉州", "person")


# -- Loans and service fees ------------------------------------------------------------------

def _loan_in(state: str) -> int:
    """A loan of the Fuzhou branch (finance's reach, a customer of sales1's) in ``state``:
    booked, or paid out and moved there as its history would have."""
    if state == "pending":
        return booked_loan().id
    loan = disbursed_loan()
    with edits_unguarded():
        loan.state = state
        db.session.commit()
    return loan.id


@pytest.mark.parametrize("role", ROLES)
def test_a_loans_funder_reference_changes_only_while_it_is_open(app, role):
    client = login(app, role)
    wrong = []
    for state in LOAN_STATES:
        with app.app_context():
            pk = _loan_in(state)
            before = db.session.get(Loan, pk).funder_reference
        expected = "forbidden" if role not in WRITES_LOANS else (
            "saved" if state in ("pending", "active", "overdue") else "locked")
        new = f"FR-{role}-{state}"
        put = client.put(f"/api/v1/loans/{pk}", json={"funder_reference": new})
        with app.app_context():
            after = db.session.get(Loan, pk).funder_reference
        got = outcome(put.status_code)
        if got == "absent":  # out of the role's reach (sales1: not their loan)
            got = "forbidden"
        want = new if expected == "saved" else before
        if (got, after) != (expected, want):
            wrong.append((state, put.status_code, after, expected))
    assert not wrong, wrong


@pytest.mark.parametrize("state", FEE_STATES)
def test_a_service_fees_refund_rule_is_settled_before_receipt(app, state):
    client = login(app, "finance")
    with app.app_context():
        in_branch = ServiceFee.loan.has(Loan.branch.has(code="FZ"))  # finance's reach
        fee = db.session.query(ServiceFee).filter(ServiceFee.state == state, in_branch) \
            .order_by(ServiceFee.id).first()
        if fee is None:  # the demo refunds none: one received fee refunded, as it happens
            fee = db.session.query(ServiceFee).filter(ServiceFee.state == "received",
                                                      in_branch).order_by(
                ServiceFee.id.desc()).first()
            with edits_unguarded():
                fee.state, fee.refund_amount = state, fee.amount
                db.session.commit()
        pk, before = fee.id, fee.refund_rule
    url = f"/servicefeeview/edit/{pk}"
    page = client.get(url)
    if state == "charged":
        assert page.status_code == 200
        form = form_of(client, url)
        form["refund_rule"] = "未放款全额退还"
        assert client.post(url, data=form).status_code == 302
        with app.app_context():
            assert db.session.get(ServiceFee, pk).refund_rule == "未放款全额退还"
    else:
        assert page.status_code == 409
        assert client.post(url, data={"refund_rule": "改"}).status_code == 409
        with app.app_context():
            assert db.session.get(ServiceFee, pk).refund_rule == before


# -- Consents, and records that are never edited ---------------------------------------------

def test_a_consent_can_be_revoked_but_not_rewritten(app):
    client = login(app, "sales1")
    with app.app_context():
        customer = new_customer("sales1")
        consent = Consent(customer=customer, scope="credit_query", purpose="查询征信",
                          granted_on=dt.date(2026, 1, 5))
        db.session.add(consent)
        db.session.commit()
        pk = consent.id
    url = f"/consentview/edit/{pk}"
    form = form_of(client, url)
    form["scope"] = "sensitive_data"
    assert client.post(url, data=form).status_code == 409
    form = form_of(client, url)
    form["revoked_on"] = "2026-02-01"
    assert client.post(url, data=form).status_code == 302
    with app.app_context():
        stored = db.session.get(Consent, pk)
        assert (stored.scope, stored.revoked_on) == ("credit_query", dt.date(2026, 2, 1))


NEVER_EDITED = ["contractview", "decisionview", "creditassessmentview", "repaymentview",
                "repaymentallocationview", "installmentview", "commissionview",
                "reminderview", "auditlogview", "documentview"]


@pytest.mark.parametrize("view", NEVER_EDITED)
def test_records_made_by_actions_have_no_edit_form(app, view):
    client = login(app, "admin")
    assert client.get(f"/{view}/edit/1").status_code == 404
    assert client.post(f"/{view}/edit/1", data={}).status_code == 404


@pytest.mark.parametrize("resource", ["contracts", "repayments", "installments"])
def test_records_made_by_actions_have_no_put(app, resource):
    client = login(app, "admin")
    assert client.put(f"/api/v1/{resource}/1", json={"state": "void"}).status_code in (404,
                                                                                       405)


def test_a_contract_after_issue_is_frozen_under_every_path(app):
    """Even a path that forgot to ask (a direct change, as a careless import would make)
    is stopped before anything is written."""
    from app.editing import EditLocked
    from app.models import Contract

    with app.app_context():
        loan = db.session.query(Loan).filter_by(state="active").first()
        contract = Contract(kind="loan", number="JK-2026-LOCK01", year=2026, seq=900001,
                            state="issued", customer=loan.customer, loan=loan,
                            owner=loan.owner, team=loan.team, branch=loan.branch,
                            sha256="0" * 64, issued_at=dt.datetime(2026, 1, 5, 2, 0))
        db.session.add(contract)
        db.session.commit()
        sha = contract.sha256
        contract.sha256 = "1" * 64
        with pytest.raises(EditLocked):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(Contract, contract.id).sha256 == sha


def test_a_repaying_application_is_frozen_under_every_path(app):
    from app.editing import EditLocked

    with app.app_context():
        pk = new_application("repaying").id
        application = db.session.get(Application, pk)
        application.amount = Decimal("123456.00")
        with pytest.raises(EditLocked):
            db.session.commit()
        db.session.rollback()
        assert db.session.get(Application, pk).amount == Decimal("50000.00")


def test_deleting_a_submitted_application_is_refused(app):
    client = login(app, "admin")
    with app.app_context():
        draft, submitted = new_application("draft").id, new_application("under_review").id
    assert client.post(f"/applicationview/delete/{submitted}").status_code == 409
    assert client.delete(f"/api/v1/applications/{submitted}").status_code == 409
    with app.app_context():
        assert db.session.get(Application, submitted) is not None
    assert client.delete(f"/api/v1/applications/{draft}").status_code == 200
    with app.app_context():
        assert db.session.get(Application, draft) is None


# -- Every other entity with an edit form: who may open it, in any state -----------------------

# entity view → the roles that may edit its records (the firm's policy, by hand).
EDITED_BY = {
    "contactview": {"sales1", "manager", "admin"},
    "followupview": {"sales1", "manager", "admin"},
    "funderview": {"admin"}, "loanproductview": {"admin"}, "channelview": {"admin"},
    "lprrateview": {"admin"}, "firmsettingview": {"admin"}, "branchview": {"admin"},
    "teamview": {"admin"}, "staffview": {"admin"},
}


def _record_of(view: str) -> int:
    """A record of ``view``'s entity in sales1's reach (their customers' children)."""
    from app.models import Branch, Channel, Contact, FirmSetting, FollowUp, Funder, LprRate, Team

    models = {"contactview": Contact, "followupview": FollowUp, "funderview": Funder,
              "loanproductview": LoanProduct, "channelview": Channel, "lprrateview": LprRate,
              "firmsettingview": FirmSetting, "branchview": Branch, "teamview": Team,
              "staffview": Staff}
    model = models[view]
    query = db.session.query(model.id)
    if model in (Contact, FollowUp):
        query = query.filter(model.customer.has(Customer.owner_id == staff("sales1").id))
    return query.order_by(model.id).first()[0]


@pytest.mark.parametrize("view", sorted(EDITED_BY))
def test_the_other_edit_forms_open_for_those_who_edit_them(app, view):
    with app.app_context():
        pk = _record_of(view)
    wrong = []
    for role in ROLES:
        status = login(app, role).get(f"/{view}/edit/{pk}").status_code
        expected = 200 if role in EDITED_BY[view] else 403
        if status != expected:
            wrong.append((role, status, expected))
    assert not wrong, wrong


def test_a_customer_with_applications_is_not_deleted(app):
    """SQLite does not enforce foreign keys: the delete is refused before it would leave
    the application pointing at nothing."""
    client = login(app, "admin")
    with app.app_context():
        pk = new_application("draft").id
        customer = db.session.get(Application, pk).customer_id
    page = client.post(f"/customerview/delete/{customer}")
    assert page.status_code == 409 and "进件" in page.get_data(as_text=True)
    assert client.delete(f"/api/v1/customers/{customer}").status_code == 409
    with app.app_context():
        assert db.session.get(Customer, customer) is not None


# -- What the values themselves forbid --------------------------------------------------------

def test_a_revocation_is_not_undone(app):
    client = login(app, "sales1")
    with app.app_context():
        customer = new_customer("sales1")
        consent = Consent(customer=customer, scope="credit_query", purpose="查询征信",
                          granted_on=dt.date(2026, 1, 5), revoked_on=dt.date(2026, 2, 1))
        db.session.add(consent)
        db.session.commit()
        pk = consent.id
    url = f"/consentview/edit/{pk}"
    form = form_of(client, url)
    form["revoked_on"] = ""
    assert client.post(url, data=form).status_code == 409
    with app.app_context():
        assert db.session.get(Consent, pk).revoked_on == dt.date(2026, 2, 1)


def test_only_a_manager_blacklists_or_lifts_the_blacklist(app):
    with app.app_context():
        pk = new_customer("sales1", status="blacklisted", blacklist_reason="提供虚假材料").id
    sales = login(app, "sales1")
    refused = sales.put(f"/api/v1/customers/{pk}", json={"status": "active"})
    assert refused.status_code == 409
    assert refused.get_json()["message"] == "只有经理可以将客户列入或移出黑名单。"
    with app.app_context():
        assert db.session.get(Customer, pk).status == "blacklisted"
    assert login(app, "manager").put(f"/api/v1/customers/{pk}",
                                     json={"status": "active"}).status_code == 200
    assert sales.put(f"/api/v1/customers/{pk}", json={"status": "blacklisted"}
                     ).status_code == 409
    assert sales.put(f"/api/v1/customers/{pk}", json={"status": "lead"}).status_code == 200


def test_locked_fields_are_disabled_whatever_their_widget(app):
    import re

    client = login(app, "sales1")
    with app.app_context():
        customer = new_customer("sales1")
        db.session.commit()
        pk = customer.id
    html = client.get(f"/customerview/edit/{pk}").get_data(as_text=True)
    for name in ("id_number", "bank_card"):  # the sensitive boxes
        assert "disabled" in re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    owner = re.search(r'<select[^>]*name="owner"[^>]*>', html).group(0)
    assert "disabled" in owner


def test_a_login_with_a_staff_profile_is_not_deleted(app):
    from flask_appbuilder.security.sqla.models import User

    admin = login(app, "admin")
    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username="sales2").id
    token = app.test_client().post("/api/v1/security/login", json={
        "username": "admin", "password": DEMO_PASSWORD, "provider": "db"}).get_json()[
        "access_token"]
    answer = app.test_client().delete(f"/api/v1/security/users/{user_id}",
                                      headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 409 and "停用" in answer.get_json()["message"]
    admin.post(f"/users/delete/{user_id}")
    with app.app_context():
        assert db.session.get(User, user_id) is not None

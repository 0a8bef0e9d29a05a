"""The REST API fuzzed from its own OpenAPI document (issue 10), with schemathesis.

Every operation of ``/api/v1/_openapi`` gets a bounded number of generated requests, valid
ones (positive) and ones that break the document (negative), as admin and, for reads, as a
branch manager.  Each response is checked: not a 5xx (``not_a_server_error``), a status the
document lists (``status_code_conformance``) and a body that matches the document
(``response_schema_conformance``).

The database is this module's own copy of the demo data (tests/conftest.py), shared by
its operations, so the fuzz of one never spoils what another reads:

* DELETE is not fuzzed, nor the security API's writes (users, roles, permissions), nor the
  login (its failures would lock the demo accounts out);
* writes on one record (PUT, and POST actions such as /transition or /repayments) go to
  sandbox records this module creates (a customer, funder, product, channel, a draft
  application, a pending loan, an active loan and one of its repayments);
* POSTs that create are fuzzed (new rows, which no other operation reads).

Known problems are listed in KNOWN with the test that pins each one (xfail, strict); the
fuzz tolerates a failure only when it is one of those, by its exception, schema location or
status, so anything new fails the test with its request.  Generation is derandomized (the
same requests every run) and never shrinks; LOANDESK_FUZZ_EXAMPLES raises or lowers the
number of examples per operation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import uuid
from dataclasses import dataclass
from decimal import Decimal

import flask_appbuilder.api
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Application,
    Channel,
    Customer,
    Funder,
    Loan,
    LoanProduct,
    Repayment,
    Staff,
)
from tests.conftest import DEMO_PASSWORD

EXAMPLES = int(os.environ.get("LOANDESK_FUZZ_EXAMPLES", "12"))
NEGATIVE_EXAMPLES = max(1, EXAMPLES * 2 // 3)
ON_SQLITE = not os.environ.get("TEST_DATABASE_URL")
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure is reported as found
    suppress_health_check=list(HealthCheck))

# -- Which operations are fuzzed, and how -----------------------------------------------------
READ, SANDBOX, CREATE = "read", "sandbox", "create"
SKIP_DELETE = "DELETE removes shared demo rows other tests read"
SKIP_SECURITY = "the security API's writes change users, roles and permissions of every test"

POLICY: dict[str, str] = {
    "GET /api/v1/applications/": READ,
    "POST /api/v1/applications/": CREATE,
    "GET /api/v1/applications/_info": READ,
    "DELETE /api/v1/applications/{pk}": SKIP_DELETE,
    "GET /api/v1/applications/{pk}": READ,
    "PUT /api/v1/applications/{pk}": SANDBOX,
    "GET /api/v1/applications/{pk}/matches": READ,
    "POST /api/v1/applications/{pk}/score": SANDBOX,
    "POST /api/v1/applications/{pk}/transition": SANDBOX,
    "GET /api/v1/channels/": READ,
    "POST /api/v1/channels/": CREATE,
    "GET /api/v1/channels/_info": READ,
    "DELETE /api/v1/channels/{pk}": SKIP_DELETE,
    "GET /api/v1/channels/{pk}": READ,
    "PUT /api/v1/channels/{pk}": SANDBOX,
    "GET /api/v1/contracts/": READ,
    "GET /api/v1/contracts/_info": READ,
    "GET /api/v1/contracts/{pk}": READ,
    "GET /api/v1/contracts/{pk}/pdf": READ,
    "GET /api/v1/customers/": READ,
    "POST /api/v1/customers/": CREATE,
    "GET /api/v1/customers/_info": READ,
    "DELETE /api/v1/customers/{pk}": SKIP_DELETE,
    "GET /api/v1/customers/{pk}": READ,
    "PUT /api/v1/customers/{pk}": SANDBOX,
    "POST /api/v1/customers/{pk}/sensitive": SANDBOX,
    "GET /api/v1/dashboard": READ,
    "GET /api/v1/funders/": READ,
    "POST /api/v1/funders/": CREATE,
    "GET /api/v1/funders/_info": READ,
    "DELETE /api/v1/funders/{pk}": SKIP_DELETE,
    "GET /api/v1/funders/{pk}": READ,
    "PUT /api/v1/funders/{pk}": SANDBOX,
    "GET /api/v1/installments/": READ,
    "GET /api/v1/installments/_info": READ,
    "GET /api/v1/installments/{pk}": READ,
    "GET /api/v1/loans/": READ,
    "GET /api/v1/loans/_info": READ,
    "GET /api/v1/loans/{pk}": READ,
    "PUT /api/v1/loans/{pk}": SANDBOX,
    "POST /api/v1/loans/{pk}/contracts": SANDBOX,
    "POST /api/v1/loans/{pk}/disbursement": SANDBOX,
    "POST /api/v1/loans/{pk}/repayments": SANDBOX,
    "GET /api/v1/menu/": READ,
    "GET /api/v1/products/": READ,
    "POST /api/v1/products/": CREATE,
    "GET /api/v1/products/_info": READ,
    "DELETE /api/v1/products/{pk}": SKIP_DELETE,
    "GET /api/v1/products/{pk}": READ,
    "PUT /api/v1/products/{pk}": SANDBOX,
    "GET /api/v1/repayments/": READ,
    "GET /api/v1/repayments/_info": READ,
    "GET /api/v1/repayments/{pk}": READ,
    "POST /api/v1/repayments/{pk}/reverse": SANDBOX,
    "GET /api/v1/reports/{name}": READ,
    "POST /api/v1/schedule/preview": CREATE,  # saves nothing; fuzzed like a create
    "GET /api/v1/security/groups/": READ,
    "POST /api/v1/security/groups/": SKIP_SECURITY,
    "GET /api/v1/security/groups/_info": READ,
    "DELETE /api/v1/security/groups/{pk}": SKIP_DELETE,
    "GET /api/v1/security/groups/{pk}": READ,
    "PUT /api/v1/security/groups/{pk}": SKIP_SECURITY,
    "POST /api/v1/security/login": "failed logins lock the shared demo accounts out",
    "GET /api/v1/security/permissions-resources/": READ,
    "POST /api/v1/security/permissions-resources/": SKIP_SECURITY,
    "GET /api/v1/security/permissions-resources/_info": READ,
    "DELETE /api/v1/security/permissions-resources/{pk}": SKIP_DELETE,
    "GET /api/v1/security/permissions-resources/{pk}": READ,
    "PUT /api/v1/security/permissions-resources/{pk}": SKIP_SECURITY,
    "GET /api/v1/security/permissions/": READ,
    "GET /api/v1/security/permissions/_info": READ,
    "GET /api/v1/security/permissions/{pk}": READ,
    "POST /api/v1/security/refresh": READ,  # needs a refresh token: refused, changes nothing
    "GET /api/v1/security/resources/": READ,
    "POST /api/v1/security/resources/": SKIP_SECURITY,
    "GET /api/v1/security/resources/_info": READ,
    "DELETE /api/v1/security/resources/{pk}": SKIP_DELETE,
    "GET /api/v1/security/resources/{pk}": READ,
    "PUT /api/v1/security/resources/{pk}": SKIP_SECURITY,
    "GET /api/v1/security/roles/": READ,
    "POST /api/v1/security/roles/": SKIP_SECURITY,
    "GET /api/v1/security/roles/_info": READ,
    "DELETE /api/v1/security/roles/{pk}": SKIP_DELETE,
    "GET /api/v1/security/roles/{pk}": READ,
    "PUT /api/v1/security/roles/{pk}": SKIP_SECURITY,
    "PUT /api/v1/security/roles/{role_id}/groups": SKIP_SECURITY,
    "POST /api/v1/security/roles/{role_id}/permissions": SKIP_SECURITY,
    "GET /api/v1/security/roles/{role_id}/permissions/": READ,
    "PUT /api/v1/security/roles/{role_id}/users": SKIP_SECURITY,
    "GET /api/v1/security/users/": READ,
    "POST /api/v1/security/users/": SKIP_SECURITY,
    "GET /api/v1/security/users/_info": READ,
    "DELETE /api/v1/security/users/{pk}": SKIP_DELETE,
    "GET /api/v1/security/users/{pk}": READ,
    "PUT /api/v1/security/users/{pk}": SKIP_SECURITY,
    "GET /api/{version}/_openapi": READ,
}
FUZZED = [label for label, how in POLICY.items() if how in (READ, SANDBOX, CREATE)]

# -- Known problems: what the fuzz tolerates, each pinned by an xfail test --------------------


@dataclass(frozen=True)
class Known:
    key: str          # the pinning test
    what: str
    operations: str = ".*"  # regex on the operation label
    exception: str = ""     # regex on "ExceptionType: message" of a 500
    location: str = ""      # regex on the schema path of a schema violation
    instance: str = ""      # regex on the JSON of the offending value
    status: str = ""        # regex on an undocumented status code


# None at present: the document was made to describe what the API sends (app/api/openapi.py).
KNOWN: list[Known] = []


def _known_500(label: str, exception: str) -> Known | None:
    return next((k for k in KNOWN if k.exception and re.search(k.operations, label)
                 and re.search(k.exception, exception)), None)


def _known_violation(label: str, failure: Failure) -> Known | None:
    path = "/" + "/".join(map(str, getattr(failure, "schema_path", ())))
    try:
        instance = json.dumps(getattr(failure, "instance", None), ensure_ascii=False,
                              default=str)
    except (TypeError, ValueError):
        instance = repr(getattr(failure, "instance", None))
    return next((k for k in KNOWN if k.location and re.search(k.operations, label)
                 and re.search(k.location, path) and re.search(k.instance, instance)), None)


def _known_status(label: str, status: int) -> Known | None:
    return next((k for k in KNOWN if k.status and re.search(k.operations, label)
                 and re.search(k.status, str(status))), None)


# -- Fixtures ---------------------------------------------------------------------------------
class _Exceptions:
    """Stands in for FAB's API logger: keeps the exception its @safe turns into a 500."""

    def __init__(self, logger):
        self.logger = logger
        self.seen: list[BaseException] = []

    def exception(self, message, *args, **kwargs):
        self.seen.append(sys.exc_info()[1] or Exception(str(message)))
        self.logger.debug("fuzz: %s", message)

    def __getattr__(self, name):
        return getattr(self.logger, name)


def _token(app, username):
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": DEMO_PASSWORD, "provider": "db"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": "Bearer " + response.get_json()["access_token"]}


def _fresh_identity(n: int) -> tuple[str, str]:
    from app.crypto import search_hash
    from app.domain.validators import make_id_number

    for seq in range(1000):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=(n * 7919 + seq * 104729) % 9000)
        id_number = make_id_number("350102", birth, (n + seq) % 1000)
        phone = f"166{(n * 7907 + seq * 31) % 10**8:08d}"
        taken = db.session.scalar(select(func.count(Customer.id)).where(
            (Customer.id_number_hash == search_hash(id_number))
            | (Customer.phone_hash == search_hash(phone))))
        if not taken:
            return id_number, phone
    raise AssertionError("no free identity")


def _clone(row, **changes):
    cls = type(row)
    data = {a.key: getattr(row, a.key) for a in cls.__mapper__.column_attrs
            if a.key not in ("id", "created_at", "updated_at", "row_version")
            and not a.key.endswith("_hash")}  # the validators derive the hashes
    data.update(changes)
    return cls(**data)


def _make_sandbox(app) -> dict[str, int]:
    from app.intake.applications import new_number
    from app.loans import service

    tag = uuid.uuid4().hex[:8].upper()
    admin = db.session.scalar(select(Staff).where(
        Staff.user_id == app.appbuilder.sm.find_user(username="admin").id))
    owner = {"owner_id": admin.id, "team_id": admin.team_id, "branch_id": admin.branch_id}
    person = db.session.scalars(select(Customer).where(Customer.kind == "person")
                                .order_by(Customer.id)).first()
    id_number, phone = _fresh_identity(int(tag, 16) % 100000)
    customer = _clone(person, name=f"沙箱{tag}", id_number=id_number, phone=phone,
                      status="active", blacklist_reason=None, **owner)
    funder = _clone(db.session.scalars(select(Funder).order_by(Funder.id)).first(),
                    name=f"FUZZ funder {tag}")
    product = _clone(db.session.scalars(select(LoanProduct).order_by(LoanProduct.id)).first(),
                     code=f"FZ{tag}", name=f"FUZZ product {tag}", funder=funder, active=False)
    channel = _clone(db.session.scalars(select(Channel).order_by(Channel.id)).first(),
                     code=f"FZ{tag}", name=f"FUZZ channel {tag}", active=False)
    draft = db.session.scalars(select(Application).where(Application.state == "draft")
                               .order_by(Application.id)).first()
    application = _clone(draft, number=new_number(), customer=customer, product=product,
                         channel=None, state="draft", reviewer_id=None, submitted_at=None,
                         decided_at=None, **owner)
    db.session.add_all([customer, funder, product, channel, application])
    db.session.flush()

    def loan(suffix):
        return Loan(number=f"FZ{tag}{suffix}", customer=customer, product=product,
                    funder=funder, principal=Decimal("12000.00"), annual_rate=Decimal("0.06"),
                    months=12, method="equal_principal", day_count="30/360",
                    overdue_rate=Decimal("0.09"), start_date=dt.date(2026, 1, 15),
                    state="pending", **owner)

    pending, active = loan("P"), loan("A")
    db.session.add_all([pending, active])
    db.session.commit()
    service.disburse(active, {"disbursed_on": "2026-01-15", "amount": "12000.00",
                              "funder_reference": f"FR-{tag}"}, today=dt.date(2026, 1, 15))
    repayment, _ = service.post_repayment(active, {
        "amount": "100.00", "paid_on": "2026-02-15", "reference": f"FZ-{tag}"},
        today=dt.date(2026, 2, 15))
    return {"customers": customer.id, "funders": funder.id, "products": product.id,
            "channels": channel.id, "applications": application.id, "loans": active.id,
            "pending_loan": pending.id, "repayments": repayment.id}


@pytest.fixture(scope="module")
def fuzz(app):
    """The schema, the tokens, the sandbox and the ids reads pick from."""
    with app.app_context():
        sandbox = _make_sandbox(app)
        ids = {name: [r for (r,) in db.session.execute(select(model.id).order_by(model.id)
                                                       .limit(3))]
               for name, model in (("customers", Customer), ("applications", Application),
                                   ("loans", Loan), ("repayments", Repayment),
                                   ("funders", Funder), ("products", LoanProduct),
                                   ("channels", Channel))}
        db.session.remove()
    admin, manager = _token(app, "admin"), _token(app, "manager")
    schema = schemathesis.openapi.from_wsgi("/api/v1/_openapi", app, headers=admin)
    fab_log = flask_appbuilder.api.log
    exceptions = flask_appbuilder.api.log = _Exceptions(fab_log)
    try:
        yield {"schema": schema, "admin": admin, "manager": manager, "sandbox": sandbox,
               "ids": ids, "exceptions": exceptions}
    finally:
        flask_appbuilder.api.log = fab_log


# -- The fuzz ---------------------------------------------------------------------------------
def _resource(path: str) -> str:
    return path.split("/")[3] if path.startswith("/api/v1/") else ""


def _path_values(fuzz, label: str) -> dict[str, list]:
    """Values for the path parameters: real rows (and a missing one) for reads, the sandbox
    record for writes.  Never a pk beyond 32 bits: see
    test_out_of_range_integers_are_refused_not_500."""
    path = label.split(" ", 1)[1]
    values: dict[str, list] = {}
    if "{pk}" in path:
        resource = _resource(path)
        if POLICY[label] == SANDBOX:
            key = "pending_loan" if path.endswith("/disbursement") else resource
            values["pk"] = [fuzz["sandbox"][key]]
        else:
            values["pk"] = [*fuzz["ids"].get(resource, [1, 2]), 0, 2**31 - 1]
    if "{role_id}" in path:
        values["role_id"] = [1, 2, 2**31 - 1]
    if "{name}" in path:
        values["name"] = ["applications", "loans", "risk", "no-such-report"]
    if "{version}" in path:
        values["version"] = ["v1", "v2"]
    return values


def _strategy(fuzz, operation, label: str, mode: GenerationMode):
    values = _path_values(fuzz, label)
    identities = [fuzz["admin"]]
    if POLICY[label] == READ and "/security/" not in label:  # a manager may not read those
        identities.append(fuzz["manager"])
    path = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in values.items()})
    return st.tuples(path, st.sampled_from(identities)).flatmap(
        lambda chosen: st.tuples(
            operation.as_strategy(generation_mode=mode, path_parameters=chosen[0] or None),
            st.just(chosen[1])))


def _failures(error: BaseException) -> list[Failure]:
    if isinstance(error, FailureGroup):
        return [f for e in error.exceptions for f in _failures(e)]
    return [error] if isinstance(error, Failure) else []


def _exception_text(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).splitlines()[0][:300]
    return f"{type(exc).__name__}: {message}"


def _run(fuzz, label: str, mode: GenerationMode, examples: int):
    operation = fuzz["schema"][label.split(" ", 1)[1]][label.split(" ", 1)[0]]
    exceptions = fuzz["exceptions"]
    unknown: dict[str, str] = {}
    tolerated: dict[str, int] = {}

    def note(known: Known | None, key: str, detail: str) -> None:
        if known is not None:
            tolerated[known.key] = tolerated.get(known.key, 0) + 1
        else:
            unknown.setdefault(key, detail)

    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(drawn=_strategy(fuzz, operation, label, mode))
    def run(drawn):
        case, headers = drawn
        exceptions.seen.clear()
        try:
            response = case.call(headers=headers)
        except Exception as error:  # noqa: BLE001 - an exception Flask did not turn into a page
            text = _exception_text(error)
            note(_known_500(label, text), f"unhandled {text}",
                 f"{text}\n{case.as_curl_command(headers=headers)}")
            return
        curl = case.as_curl_command(headers={"Authorization": "Bearer <token>"})
        raised = [_exception_text(e) for e in exceptions.seen]
        for check in CHECKS:
            try:
                case.validate_response(response, checks=[check], headers=headers)
            except BaseException as error:  # FailureGroup is a BaseExceptionGroup
                failures = _failures(error)
                if not failures:
                    raise
                for failure in failures:
                    _classify(label, response, failure, raised, curl, note)

    run()
    return unknown, tolerated


def _classify(label, response, failure, raised, curl, note) -> None:
    status = response.status_code
    kind = type(failure).__name__
    if kind == "ServerError" or (status >= 500 and kind == "UndefinedStatusCode"):
        if kind == "UndefinedStatusCode":
            return  # the same 500, already judged as a server error
        text = raised[0] if raised else f"{status} without a logged exception"
        note(_known_500(label, text), f"500 {text[:120]}",
             f"{status} {text}\n{curl}\n{response.text[:300]}")
    elif kind == "UndefinedStatusCode":
        note(_known_status(label, status), f"undocumented {status}",
             f"undocumented status {status}\n{curl}\n{response.text[:300]}")
    elif kind == "JsonSchemaError":
        path = "/".join(map(str, failure.schema_path))
        note(_known_violation(label, failure), f"schema {path}",
             f"{status}: {str(failure.instance)[:200]!r} violates /{path}\n{curl}")
    else:
        note(None, f"{kind} {failure.title}", f"{failure.title}: {failure.message[:500]}\n"
                                                 f"{curl}")


@pytest.mark.parametrize("label", FUZZED)
def test_fuzz_operation(fuzz, label):
    unknown, _tolerated = _run(fuzz, label, GenerationMode.POSITIVE, EXAMPLES)
    negative, _ = _run(fuzz, label, GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)
    unknown.update({f"negative: {k}": v for k, v in negative.items()})
    assert not unknown, f"{label}: new problems\n\n" + "\n\n".join(
        f"[{key}]\n{detail}" for key, detail in unknown.items())


# -- The document itself ----------------------------------------------------------------------
def test_every_operation_in_the_document_has_a_fuzz_policy(fuzz):
    raw = fuzz["schema"].raw_schema
    labels = {f"{method.upper()} {path}" for path, item in raw["paths"].items()
              for method in item if method in ("get", "put", "post", "delete", "patch")}
    assert labels == set(POLICY), {"not in POLICY": sorted(labels - set(POLICY)),
                                   "no longer in the document": sorted(set(POLICY) - labels)}


RESPONSE_KEYS = {"description", "content", "headers", "links", "$ref"}


def test_the_document_is_valid_openapi_3(fuzz):
    schema = fuzz["schema"]
    invalid = [f"{m.upper()} {p} {code}: {sorted(set(r) - RESPONSE_KEYS)}"
               for p, item in schema.raw_schema["paths"].items() for m, op in item.items()
               for code, r in op.get("responses", {}).items() if set(r) - RESPONSE_KEYS]
    assert not invalid, invalid
    schema.validate()


# -- Each known problem, pinned ---------------------------------------------------------------
def _client_call(app, fuzz, method, url, body=None):
    client = app.test_client()
    kwargs = {"headers": fuzz["admin"]}
    if body is not None:
        kwargs["json"] = body
    return getattr(client, method)(url, **kwargs)


def test_create_with_a_constraint_violation_is_422_not_500(app, fuzz):
    with app.app_context():
        code = db.session.scalars(select(Channel.code).order_by(Channel.id)).first()
        before = db.session.scalar(select(func.count(Channel.id)))
    for body in ({"code": code, "name": "duplicate code"},
                 {"code": f"NEG{uuid.uuid4().hex[:6]}", "name": "negative",
                  "commission_rate": -1}):
        response = _client_call(app, fuzz, "post", "/api/v1/channels/", body)
        assert response.status_code in (400, 422), (body, response.status_code)
        for leak in ("INSERT INTO", "IntegrityError", "sqlalche.me", "[parameters:"):
            assert leak not in response.get_data(as_text=True), leak
    with app.app_context():
        assert db.session.scalar(select(func.count(Channel.id))) == before


def test_update_with_a_constraint_violation_is_422_not_500(app, fuzz):
    pk = fuzz["sandbox"]["applications"]
    response = _client_call(app, fuzz, "put", f"/api/v1/applications/{pk}", {"months": 200000})
    assert response.status_code in (400, 422), response.status_code
    with app.app_context():
        assert db.session.get(Application, pk).months != 200000


def test_related_field_given_an_object_or_unknown_id_is_refused(app, fuzz):
    with app.app_context():
        funders = db.session.scalar(select(func.count(Funder.id)))
        products = db.session.scalar(select(func.count(LoanProduct.id)))
    base = {"name": "nested", "min_amount": 1000, "max_amount": 2000, "min_months": 1,
            "max_months": 12, "min_rate": 0.05, "max_rate": 0.1}
    statuses = []
    for funder in ({"id": 2**31 - 7, "name": "嵌套资金方", "kind": "bank"}, {"x": 1},
                   2**31 - 9):
        body = {**base, "code": f"N{uuid.uuid4().hex[:8]}", "funder": funder}
        statuses.append(_client_call(app, fuzz, "post", "/api/v1/products/", body).status_code)
    with app.app_context():
        added = (db.session.scalar(select(func.count(Funder.id))) - funders,
                 db.session.scalar(select(func.count(LoanProduct.id))) - products)
    assert statuses == [422, 422, 422] and added == (0, 0), (statuses, added)


def test_out_of_range_integers_are_refused_not_500(app, fuzz):
    huge = 10**23 if ON_SQLITE else 3_000_000_000
    for method, url, body in (
            ("get", f"/api/v1/customers/{huge}", None),
            ("put", f"/api/v1/loans/{huge}", {"funder_reference": "x"}),
            ("post", f"/api/v1/customers/{huge}/sensitive", {"purpose": "check"}),
            ("post", f"/api/v1/repayments/{huge}/reverse", {"reason": "check"}),
            ("post", f"/api/v1/applications/{huge}/transition", {"to": "submitted"}),
            ("put", f"/api/v1/customers/{fuzz['sandbox']['customers']}",
             {"existing_loans": huge})):
        response = _client_call(app, fuzz, method, url, body)
        assert response.status_code in (400, 404, 422), (method, url, response.status_code)


def test_schedule_preview_with_an_unknown_fee_field_is_a_400(app, fuzz):
    response = _client_call(app, fuzz, "post", "/api/v1/schedule/preview", {
        "principal": "1000", "annual_rate": "0.1", "months": 12, "method": "bullet",
        "start_date": "2026-01-01", "fees": [{"kind": "upfront", "amount": "1",
                                               "colour": "x"}]})
    assert response.status_code == 400 and "fees" in response.get_json()["errors"]


def test_money_beyond_its_column_is_refused(app, fuzz):
    pk = fuzz["sandbox"]["applications"]
    response = _client_call(app, fuzz, "put", f"/api/v1/applications/{pk}",
                            {"amount": 6.4e16})
    assert response.status_code in (400, 422), response.status_code
    with app.app_context():
        assert db.session.get(Application, pk).amount < Decimal("1e16")


def _component(fuzz, name):
    return fuzz["schema"].raw_schema["components"]["schemas"][name]["properties"]


def _conforming(fuzz, method, path, headers=None, body=None, **path_parameters):
    """The live answer to one request, checked against the document by schemathesis."""
    headers = headers or fuzz["admin"]
    case = fuzz["schema"][path][method].Case(
        path_parameters=path_parameters or None,
        **({"body": body, "media_type": "application/json"} if body is not None else {}))
    response = case.call(headers=headers)
    case.validate_response(response, checks=[response_schema_conformance], headers=headers)
    return response


def test_money_and_rates_are_documented_as_they_are_sent(app, fuzz):
    response = _conforming(fuzz, "GET", "/api/v1/loans/{pk}", pk=fuzz["sandbox"]["loans"])
    sent = response.json()["result"]
    assert (sent["principal"], sent["annual_rate"]) == ("12000.00", "0.060000")  # the sandbox's
    for name in ("principal", "annual_rate"):
        documented = _component(fuzz, "LoanApi.get")[name]
        assert documented["type"] == "string", documented
        assert re.fullmatch(documented["pattern"], "-0.5") and not re.fullmatch(
            documented["pattern"], "1e3"), documented["pattern"]
    # a request may send a number or a decimal string: both are documented
    taken = _component(fuzz, "ProductApi.post")["min_amount"]["anyOf"]
    assert {alternative["type"] for alternative in taken} == {"number", "string"}


def test_datetimes_are_documented_as_they_are_sent(app, fuzz):
    """Sent without an offset ("2026-03-15T10:30:00"), in UTC: the document says so
    rather than promise an RFC 3339 date-time, which needs one."""
    response = _conforming(fuzz, "GET", "/api/v1/loans/{pk}", pk=fuzz["sandbox"]["loans"])
    sent = response.json()["result"]["created_at"]
    documented = _component(fuzz, "LoanApi.get")["created_at"]
    assert documented.get("format") != "date-time" and "UTC" in documented["description"]
    assert re.fullmatch(documented["pattern"], sent), (documented["pattern"], sent)
    created = dt.datetime.fromisoformat(sent)  # the sandbox loan was made by this module
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert created.tzinfo is None and abs(now - created) < dt.timedelta(hours=1), sent


def test_loan_balances_are_documented(app, fuzz):
    pk = fuzz["sandbox"]["loans"]
    sent = _conforming(fuzz, "GET", "/api/v1/loans/{pk}", pk=pk).json()["result"]
    documented = _component(fuzz, "LoanApi.get")
    assert {"bucket", "payoff_amount", "outstanding_interest"} <= set(sent) <= set(documented)


def test_ids_are_documented_as_integers(app, fuzz):
    raw = fuzz["schema"].raw_schema["paths"]
    one = raw["/api/v1/loans/{pk}"]["get"]["responses"]["200"]
    many = raw["/api/v1/loans/"]["get"]["responses"]["200"]
    assert one["content"]["application/json"]["schema"]["properties"]["id"]["type"] == \
        "integer"
    ids = many["content"]["application/json"]["schema"]["properties"]["ids"]
    assert ids["items"]["type"] == "integer"
    assert all(isinstance(i, int) for i in _conforming(
        fuzz, "GET", "/api/v1/loans/").json()["ids"])


def test_422_messages_are_documented_as_sent(app, fuzz):
    response = _conforming(fuzz, "POST", "/api/v1/funders/", body={"name": ["not text"]})
    assert response.status_code == 422
    assert set(response.json()["message"]) == {"name"}  # the refused field, with its message


def test_info_is_documented_as_sent(app, fuzz):
    body = _conforming(fuzz, "GET", "/api/v1/customers/_info").json()
    descriptions = [c.get("description", "") for c in body["add_columns"]]
    assert not any("Project-Id-Version" in d for d in descriptions), descriptions[0][:80]
    raw = fuzz["schema"].raw_schema["paths"]["/api/v1/customers/_info"]["get"]
    props = raw["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert props["add_columns"]["type"] == "array"


def test_menu_is_documented_as_sent(app, fuzz):
    body = _conforming(fuzz, "GET", "/api/v1/menu/").json()
    children = [c for item in body["result"] for c in item.get("childs", [])]
    assert "-" in children and any(isinstance(c, dict) for c in children)


def _documented(fuzz, path, method, status):
    responses = fuzz["schema"].raw_schema["paths"][path][method]["responses"]
    return str(status) in responses


def test_every_status_an_operation_answers_is_documented(app, fuzz):
    """/customers/-5 is no record's address (Flask's int converter takes no sign): the
    document says an id is never negative."""
    negative = _client_call(app, fuzz, "get", "/api/v1/customers/-5").status_code
    parameters = fuzz["schema"].raw_schema["paths"]["/api/v1/customers/{pk}"]["get"][
        "parameters"]
    pk = next(p for p in parameters if p["name"] == "pk")
    application = fuzz["sandbox"]["applications"]
    transition = _client_call(app, fuzz, "post",
                              f"/api/v1/applications/{application}/transition", {})
    menu = app.test_client().get("/api/v1/menu/", headers=fuzz["manager"]).status_code
    openapi = app.test_client().get("/api/v1/_openapi", headers=fuzz["manager"]).status_code
    refresh = _client_call(app, fuzz, "post", "/api/v1/security/refresh").status_code
    assert 400 <= negative < 500 and pk["schema"]["minimum"] >= 0, (negative, pk)
    assert [transition.status_code, menu, openapi, refresh] == [400, 403, 403, 422]
    assert [_documented(fuzz, "/api/v1/applications/{pk}/transition", "post",
                        transition.status_code),
            _documented(fuzz, "/api/v1/menu/", "get", menu),
            _documented(fuzz, "/api/{version}/_openapi", "get", openapi),
            _documented(fuzz, "/api/v1/security/refresh", "post", refresh)] == [True] * 4


def test_put_with_a_body_that_is_not_an_object_is_400(app, fuzz):
    pk = fuzz["sandbox"]["loans"]
    for body in ('""', "true", "5"):
        response = app.test_client().put(f"/api/v1/loans/{pk}", data=body,
                                         content_type="application/json",
                                         headers=fuzz["admin"])
        assert response.status_code in (400, 422), (body, response.status_code)


def test_security_users_are_documented_as_sent(app, fuzz):
    sent = _conforming(fuzz, "GET", "/api/v1/security/users/{pk}", pk=1).json()["result"]
    assert sent["created_by"] is None and isinstance(sent["roles"], list)

"""The records tests build, in one place: customers, applications in a given state, booked
and disbursed loans with their payments, and the logins that work on them.

Every test module has its own copy of the demo database (tests/conftest.py), but the tests
of one module share it and run in random order: a test that needs a record builds it here
rather than finding one an earlier test (or the demo data) happened to leave.  The builders
without an ``app`` argument run inside an application context (the ``ctx`` fixture, or
``with app.app_context()``) and commit, so the app's own requests see what they made; the
ones taking ``app`` open their own context and hand back ids.  Numbers, ID numbers and
phones come from one counter of this module, never repeat within a run and are checked
free against the database (the demo data's customers included).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from app.crypto import search_hash
from app.domain.validators import make_id_number
from app.editing import edits_unguarded
from app.extensions import db
from app.models import (
    Application,
    Channel,
    Consent,
    Customer,
    Decision,
    Document,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
    ServiceFee,
    Staff,
)
from tests.conftest import DEMO_PASSWORD

PRODUCT = "XY-XINDAI"  # 兴业薪金贷: 10,000–300,000, 6–36 months, 4.50–8.00 %, fee 0.8 %
# The loan the repayment tests work by hand: ¥12,000.00 over 12 months, 等额本金, 6 % a
# year on 30/360, overdue rate 9 % (cut to 6 % by the legal cap), disbursed 2026-01-15.
DISBURSED = dt.date(2026, 1, 15)
APPLICATION_STATES = ("draft", "submitted", "scoring", "under_review", "approved",
                      "rejected", "withdrawn", "contracted", "disbursed", "repaying",
                      "settled", "overdue", "written_off")
_serial = itertools.count(1)
_SURNAMES = "郑林陈黄吴刘张王李赵"
_GIVEN = "明华强伟芳静敏丽军杰"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# -- Logins and staff ----------------------------------------------------------------------

def login(app, username):
    """A test client logged in through the login form as a demo user."""
    client = app.test_client()
    assert client.post("/login/", data={"username": username,
                                        "password": DEMO_PASSWORD}).status_code == 302
    return client


def staff(username: str) -> Staff:
    """The staff profile of a demo login (in an application context)."""
    user = current_app.appbuilder.sm.find_user(username=username)
    return db.session.scalars(select(Staff).where(Staff.user_id == user.id)).one()


def staff_id(app, username) -> int:
    with app.app_context():
        return staff(username).id


def new_staff(username: str, role: str, branch, full_name: str) -> Staff:
    """A login (password DEMO_PASSWORD) with one role by its name and a staff profile in
    ``branch``."""
    sm = current_app.appbuilder.sm
    user = sm.add_user(username, full_name[1:], full_name[0], f"{username}@loandesk.example",
                       sm.find_role(role), password=DEMO_PASSWORD)
    made = Staff(user_id=user.id, branch=branch, full_name=full_name)
    db.session.add(made)
    db.session.commit()
    return made


# -- Customers -----------------------------------------------------------------------------

def _free_identity() -> tuple[int, str, dt.date, str]:
    """(serial, ID number, birth date, mobile) no customer in the database has."""
    while True:
        n = next(_serial)
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=(n * 367) % 11000)  # born 1970–2000
        id_number = make_id_number("350102", birth, n % 1000)
        phone = f"133{n * 7919 % 10**8:08d}"
        taken = db.session.scalar(select(func.count(Customer.id)).where(
            (Customer.id_number_hash == search_hash(id_number))
            | (Customer.phone_hash == search_hash(phone))))
        if not taken:
            return n, id_number, birth, phone


def new_customer(owner: str = "sales1", *, consent: bool = False, id_card: bool = False,
             income: bool = True, **fields) -> Customer:
    """A person of ``owner``'s with a valid, unused ID number and mobile (a name without
    digits, born 1970–2000); with the credit-query consent and the ID card scan the
    submission checklist asks for when the flags say so.  ``fields`` set anything else
    (``status="blacklisted", blacklist_reason=…``)."""
    n, id_number, birth, phone = _free_identity()
    person = staff(owner)
    values = {"kind": "person", "name": _SURNAMES[n % 10] + _GIVEN[n // 10 % 10] + "明",
              "id_number": id_number, "birth_date": birth, "gender": "M" if n % 2 else "F",
              "phone": phone, "city": "福州", "status": "active",
              "monthly_income": Decimal("15000.00") if income else None,
              "owner": person, "team": person.team, "branch": person.branch}
    values.update(fields)
    made = Customer(**values)
    db.session.add(made)
    if consent:
        db.session.add(Consent(customer=made, scope="credit_query", purpose="审批",
                               granted_on=dt.date.today() - dt.timedelta(days=1)))
    if id_card:
        db.session.add(Document(customer=made, kind="id_card", original_name="id.png",
                                stored_name=f"test-{n}.png", content_type="image/png",
                                size_bytes=10, sha256="0" * 64))
    db.session.commit()
    return made


# -- Applications --------------------------------------------------------------------------

def new_application(state: str = "draft", owner: str = "sales1", *, of: Customer | None = None,
                amount: str = "50000.00", months: int = 12, rate: str = "0.06",
                product: str | None = PRODUCT, **fields) -> Application:
    """An application of ``owner``'s on the product, already in ``state`` as if its moves
    had been made: past a draft the branch's reviewer assigned, from ``approved`` on the
    reviewer's approval of the amount and term at ``rate`` (what booking reads); for a
    customer of its own unless ``of`` names one.  The state is set, not moved through: a
    test of the moves themselves starts from a draft (``new_draft``, ``under_review``)."""
    person, reviewer = staff(owner), staff("reviewer")
    approved = APPLICATION_STATES.index(state) >= APPLICATION_STATES.index("approved") \
        and state not in ("rejected", "withdrawn")
    with edits_unguarded():  # a state's edit rules are what the tests check, not obey
        made = Application(
            number=f"APT{next(_serial):06d}", customer=of or new_customer(owner),
            product=db.session.scalars(select(LoanProduct).filter_by(code=product)).one()
            if product else None,
            amount=Decimal(amount), months=months, method="equal_installment",
            purpose="装修", state=state, owner=person, team=person.team,
            branch=person.branch, reviewer=reviewer if state != "draft" else None,
            **fields)
        db.session.add(made)
        if approved:
            db.session.add(Decision(application=made, reviewer=reviewer, outcome="approve",
                                    approved_amount=made.amount, approved_months=months,
                                    approved_rate=Decimal(rate), method=made.method))
        db.session.commit()
    return made


def new_draft(app, *, consent=True, id_card=True, income=True, amount="50000.00",
              status="active") -> tuple[int, int]:
    """(application id, customer id): a draft of sales1's, its checklist complete unless
    the flags say what is missing (a blacklisted customer with ``status``)."""
    with app.app_context():
        reason = {"blacklist_reason": "提供虚假材料"} if status == "blacklisted" else {}
        person = new_customer("sales1", consent=consent, id_card=id_card, income=income,
                          status=status, **reason)
        made = new_application("draft", of=person, amount=amount)
        return made.id, person.id


def submit(client, pk):
    return client.post(f"/api/v1/applications/{pk}/transition", json={"to": "submitted"})


def under_review(app) -> int:
    """A complete draft submitted by sales1 through the API: scored, with the reviewer."""
    pk, _customer = new_draft(app)
    assert submit(login(app, "sales1"), pk).status_code == 200
    return pk


def state_and_decisions(app, pk):
    with app.app_context():
        return (db.session.get(Application, pk).state,
                db.session.query(Decision).filter_by(application_id=pk).count())


# -- Loans and repayments ------------------------------------------------------------------

def new_channel(rate: str, basis: str = "fee", settle_days: int = 7) -> Channel:
    """An agent channel paid ``rate`` of the service fee (``basis="fee"``) or of the
    amount disbursed (``"disbursed"``), T+``settle_days`` after the fee is received."""
    n = next(_serial)
    made = Channel(code=f"CHT{n:05d}", name=f"测试渠道{n}", kind="agent",
                   commission_basis=basis, commission_rate=Decimal(rate),
                   settle_days=settle_days)
    db.session.add(made)
    db.session.commit()
    return made


def booked_loan(*, method="equal_principal", principal="12000.00", rate="0.06", months=12,
                overdue="0.09", settlement="to_date", strategy="vertical",
                of: Customer | None = None, channel: Channel | None = None,
                fee: str | None = None, **fields) -> Loan:
    """A pending loan (booked, not yet paid out) on the given terms, of a customer of
    sales1's of its own unless ``of`` names one; the first product of the demo's.  With a
    ``channel`` or a ``fee`` it comes from a contracted application of that channel, with
    that service fee charged, due at disbursement; without, it has no application."""
    borrower = of or new_customer()
    product = db.session.scalars(select(LoanProduct).order_by(LoanProduct.id)).first()
    loan = Loan(number=f"LNT{next(_serial):06d}", customer=borrower, product=product,
                funder=product.funder, principal=Decimal(principal),
                annual_rate=Decimal(rate), months=months, method=method,
                day_count="30/360", overdue_rate=Decimal(overdue), start_date=DISBURSED,
                state="pending", settlement_interest=settlement,
                allocation_strategy=strategy, owner_id=borrower.owner_id,
                team_id=borrower.team_id, branch_id=borrower.branch_id, **fields)
    if channel is not None or fee is not None:
        loan.application = new_application("contracted", of=borrower, amount=principal,
                                           months=months, rate=rate, channel=channel)
        loan.channel = channel
    if fee is not None:
        db.session.add(ServiceFee(application=loan.application, loan=loan, basis="fixed",
                                  amount=Decimal(fee), due_on_event="disbursement",
                                  state="charged"))
    db.session.add(loan)
    db.session.commit()
    return loan


def disbursed_loan(*, payments=(), **terms) -> Loan:
    """A booked loan (``booked_loan``'s terms) paid out on 2026-01-15 through
    ``service.disburse`` (its schedule stored, active, its commissions made), then repaid by
    ``payments``, each (amount, date) in order."""
    from app.loans import service

    loan = booked_loan(**terms)
    service.disburse(loan, {"disbursed_on": DISBURSED.isoformat(), "amount": str(loan.principal),
                            "funder_reference": "FR-" + loan.number}, today=DISBURSED)
    for amount, on in payments:
        pay(loan, amount, on)
    return loan


def pay(loan, amount, on, **extra) -> Repayment:
    """A repayment posted through ``service.post_repayment`` on day ``on``."""
    from app.loans import service

    data = {"amount": amount, "paid_on": on, "reference": f"PAY{next(_serial):08d}", **extra}
    rep, created = service.post_repayment(loan, data, today=day(on))
    assert created
    return rep


def rows(loan) -> list[Installment]:
    """The loan's installments, in order."""
    return list(db.session.scalars(select(Installment).where(Installment.loan_id == loan.id)
                                   .order_by(Installment.n)))


# -- Reading pages -------------------------------------------------------------------------

def is_selected(html: str, select: str, value: str) -> bool:
    """Whether the <select name=select> of the page has ``value`` selected."""
    body = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.DOTALL)
    options = re.findall(r"<option([^>]*)>", body.group(1)) if body else []
    return any(f'value="{value}"' in attrs and "selected" in attrs for attrs in options)

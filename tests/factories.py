"""Records the tests build, in one place: logins, drafts with what their checklist needs
(or lacks), and how to read a select.  Imported by the test modules (one module object,
so the numbers it hands out never repeat within a run)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from app.domain.validators import make_id_number
from app.extensions import db
from app.models import Application, Consent, Customer, Decision, Document, LoanProduct, Staff
from tests.conftest import DEMO_PASSWORD

PRODUCT = "XY-XINDAI"  # 兴业薪金贷: 10,000–300,000, 6–36 months, 4.50–8.00 %, fee 0.8 %


def login(app, username):
    client = app.test_client()
    assert client.post("/login/", data={"username": username,
                                        "password": DEMO_PASSWORD}).status_code == 302
    return client


def staff_id(app, username) -> int:
    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        return db.session.query(Staff.id).filter_by(user_id=user.id).scalar()


_n = iter(range(700, 999))


def new_draft(app, *, consent=True, id_card=True, income=True, amount="50000.00",
              status="active") -> tuple[int, int]:
    """(application id, customer id): a draft of sales1's, with what the flags say."""
    n = next(_n)
    with app.app_context():
        owner = db.session.get(Staff, staff_id(app, "sales1"))
        birth = dt.date(1985, 3, 1 + n % 27)
        customer = Customer(kind="person", name="郑" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + "明",
                            id_number=make_id_number("350102", birth, n), birth_date=birth,
                            gender="M" if n % 2 else "F", phone=f"1331234{n:04d}",
                            city="福州", status=status,
                            blacklist_reason="提供虚假材料" if status == "blacklisted" else None,
                            monthly_income=Decimal("15000.00") if income else None,
                            owner=owner, team=owner.team, branch=owner.branch)
        db.session.add(customer)
        if consent:
            db.session.add(Consent(customer=customer, scope="credit_query", purpose="审批",
                                   granted_on=dt.date.today() - dt.timedelta(days=1)))
        if id_card:
            db.session.add(Document(customer=customer, kind="id_card", original_name="id.png",
                                    stored_name=f"test-{n}.png", content_type="image/png",
                                    size_bytes=10, sha256="0" * 64))
        product = db.session.query(LoanProduct).filter_by(code=PRODUCT).one()
        application = Application(number=f"APTRUST{n}", customer=customer, product=product,
                                   amount=Decimal(amount), months=12,
                                   method="equal_installment", purpose="装修",
                                   state="draft", owner=owner, team=owner.team,
                                   branch=owner.branch)
        db.session.add(application)
        db.session.commit()
        return application.id, customer.id


def is_selected(html: str, select: str, value: str) -> bool:
    """Whether the <select name=select> of the page has ``value`` selected."""
    body = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', html, re.DOTALL)
    options = re.findall(r"<option([^>]*)>", body.group(1)) if body else []
    return any(f'value="{value}"' in attrs and "selected" in attrs for attrs in options)


def submit(client, pk):
    return client.post(f"/api/v1/applications/{pk}/transition", json={"to": "submitted"})


def state_and_decisions(app, pk):
    with app.app_context():
        return (db.session.get(Application, pk).state,
                db.session.query(Decision).filter_by(application_id=pk).count())



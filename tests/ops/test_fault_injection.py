"""A business action that fails halfway leaves nothing behind: a database error injected in
the middle of a disbursement, a repayment and a contract issue (the statement that fails is
one of the last the action sends), then the rows are read back as they were before."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.contracts import service as contracts
from app.extensions import db
from app.loans import service
from app.models import (
    AuditLog,
    Contract,
    Installment,
    Loan,
    Repayment,
    RepaymentAllocation,
)
from tests.factories import DISBURSED, booked_loan, day, disbursed_loan


@contextlib.contextmanager
def failing(statement_start: str, after: int = 0):
    """The database refuses the (after+1)-th statement beginning with ``statement_start``."""
    seen = {"n": 0}

    def refuse(_conn, _cursor, statement, _params, _context, _many):
        if statement.lstrip().upper().startswith(statement_start.upper()):
            seen["n"] += 1
            if seen["n"] > after:
                raise OperationalError(statement, {}, RuntimeError("injected failure"))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert seen["n"] > after, f"no {statement_start} was sent: the fault was not injected"


def counts(loan_id: int) -> tuple:
    return (
        db.session.scalar(select(func.count()).select_from(Installment)
                          .where(Installment.loan_id == loan_id)),
        db.session.scalar(select(func.count()).select_from(Repayment)
                          .where(Repayment.loan_id == loan_id)),
        db.session.scalar(select(func.count()).select_from(RepaymentAllocation)
                          .join(Repayment).where(Repayment.loan_id == loan_id)),
        db.session.scalar(select(func.count()).select_from(AuditLog)),
    )


def test_a_disbursement_failing_at_its_last_write_leaves_the_loan_pending(ctx):
    loan = booked_loan()
    before = counts(loan.id)
    data = {"disbursed_on": "2026-01-15", "amount": "12000.00", "funder_reference": "FR-X"}
    # The audit entry is written with the last flush, after the twelve installments.
    with failing("INSERT INTO audit_log"), pytest.raises(OperationalError):
        service.disburse(loan, data, today=DISBURSED)
    db.session.rollback()
    db.session.expire_all()
    assert counts(loan.id) == before
    fresh = db.session.get(Loan, loan.id)
    assert (fresh.state, fresh.disbursed_on, fresh.disbursed_amount) == ("pending", None, None)
    # The same request, once the database is well again, goes through whole.
    service.disburse(fresh, data, today=DISBURSED)
    assert counts(loan.id)[0] == 12 and fresh.state == "active"


def test_a_repayment_failing_halfway_leaves_no_trace(ctx):
    loan = disbursed_loan()
    before = counts(loan.id)
    states = [(i.n, i.state, i.paid_principal) for i in loan.installments]
    data = {"amount": "1060.00", "paid_on": "2026-02-15", "reference": uuid.uuid4().hex[:16]}
    # Allocations are written after the repayment row and the installments' new state.
    with failing("INSERT INTO repayment_allocation"), pytest.raises(OperationalError):
        service.post_repayment(loan, data, today=day("2026-02-15"))
    db.session.rollback()
    db.session.expire_all()
    assert counts(loan.id) == before
    fresh = db.session.get(Loan, loan.id)
    assert [(i.n, i.state, i.paid_principal) for i in fresh.installments] == states
    _rep, created = service.post_repayment(fresh, data, today=day("2026-02-15"))
    assert created and fresh.installments[0].state == "paid"


def test_a_contract_issue_failing_at_commit_keeps_the_draft_and_no_file(app, ctx):
    from pathlib import Path

    loan = db.session.scalars(select(Loan).where(Loan.state == "active")
                              .order_by(Loan.id)).first()
    contract = contracts.create_draft(loan, "service")
    folder = Path(app.config["UPLOAD_FOLDER"])
    files = {p for p in folder.rglob("*") if p.is_file()}
    with failing("UPDATE contract"), pytest.raises(OperationalError):
        contracts.issue(contract)
    db.session.rollback()
    db.session.expire_all()
    fresh = db.session.get(Contract, contract.id)
    assert (fresh.state, fresh.pdf_stored_name, fresh.sha256) == ("draft", None, None)
    assert {p for p in folder.rglob("*") if p.is_file()} == files  # the PDF was removed
    contracts.issue(fresh)
    assert fresh.state == "issued" and fresh.pdf_stored_name


def test_an_issued_contract_whose_file_is_lost_says_so(app, client, auth):
    """The issued PDF is the signed text and is never silently re-rendered: when its file
    is gone (a disk restored without the uploads), the download says what to do."""
    from app.customers.documents import document_path

    with app.app_context():
        loan = db.session.scalars(select(Loan).where(Loan.state == "active")
                                  .order_by(Loan.id.desc())).first()
        contract = contracts.issue(contracts.create_draft(loan, "service"))
        document_path(contract.pdf_stored_name).unlink()
        pk, number = contract.id, contract.number
    headers = {"Authorization": f"Bearer {auth.token('admin')}", "Accept-Language": "zh-CN"}
    response = client.get(f"/api/v1/contracts/{pk}/pdf", headers=headers)
    assert response.status_code == 409 and number in response.get_json()["message"]
    auth.login("admin")
    page = client.get(f"/contractview/pdf/{pk}")
    assert page.status_code == 302 and f"/contractview/show/{pk}" in page.location

"""Every change of an application's state is one move (app/intake/transitions.py's
``move``): checked against the state table, held to a permission, one audit entry each.
A person's moves, and the moves that follow other actions — the loan contract issued, the
loan disbursed, settled, reopened by a reversal, written off — which name the permission
they were taken under.  A move the table refuses refuses its action whole: nothing kept,
a 409 with the reason, never a 500."""

from __future__ import annotations

import uuid

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import select, update

from app.extensions import db
from app.intake.transitions import TransitionRefused, move
from app.loans import business_today
from app.models import Application, AuditLog, Loan, Repayment
from tests.factories import login, new_draft, submit


def _token(app, username="finance") -> dict:
    answer = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": "Demo#Pass2026", "provider": "db"})
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def _approved(app) -> int:
    """An application of sales1's, approved by the reviewer: 50,000.00 over 12 months."""
    pk, _customer = new_draft(app)
    assert submit(login(app, "sales1"), pk).status_code == 200
    answer = login(app, "reviewer").post(f"/api/v1/applications/{pk}/transition", json={
        "to": "approved", "amount": "50000.00", "months": 12, "annual_rate": "0.06",
        "method": "equal_installment"})
    assert answer.status_code == 200, answer.get_json()
    return pk


def _moves(app, pk) -> list[tuple]:
    """(who, from, to, the move's other details) of each audited move, in order."""
    with app.app_context():
        entries = db.session.scalars(select(AuditLog).where(
            AuditLog.entity == "application", AuditLog.record_id == str(pk),
            AuditLog.action == "transition").order_by(AuditLog.id))
        return [(e.username, e.changes["from"], e.changes["to"],
                 {k: v for k, v in e.changes.items() if k not in ("from", "to")})
                for e in entries]


def _state(app, model, pk) -> str:
    with app.app_context():
        return db.session.get(model, pk).state


def business_today_text(app) -> str:
    with app.app_context():
        return business_today().isoformat()


def _booked_and_contracted(app, pk) -> tuple[int, str]:
    """Book the loan and issue its loan contract, as finance: (loan id, contract number)."""
    finance = login(app, "finance")
    assert finance.post(f"/applicationview/book_loan/{pk}").status_code == 302
    with app.app_context():
        loan_id = db.session.scalar(select(Loan.id).where(Loan.application_id == pk))
    draft = app.test_client().post(f"/api/v1/loans/{loan_id}/contracts", json={
        "kind": "loan"}, headers=_token(app))
    assert draft.status_code == 201, draft.get_json()
    assert finance.post(f"/contractview/act/{draft.get_json()['id']}",
                        data={"action": "issue"}).status_code == 302
    return loan_id, draft.get_json()["number"]


def test_a_loans_whole_life_is_one_audited_move_per_state(app):
    pk = _approved(app)
    loan_id, contract = _booked_and_contracted(app, pk)
    api, today = _token(app), business_today_text(app)
    disbursed = app.test_client().post(f"/api/v1/loans/{loan_id}/disbursement", json={
        "disbursed_on": today, "amount": "50000.00", "funder_reference": "FR-MOVES"},
        headers=api)
    assert disbursed.status_code == 200, disbursed.get_json()
    loan = disbursed.get_json()["number"]
    payoff = app.test_client().get(f"/api/v1/loans/{loan_id}", headers=api).get_json()[
        "result"]["payoff_amount"]
    paid = app.test_client().post(f"/api/v1/loans/{loan_id}/repayments", json={
        "amount": payoff, "paid_on": today, "reference": uuid.uuid4().hex[:20]}, headers=api)
    assert paid.status_code == 201 and paid.get_json()["loan"]["state"] == "settled"
    reversed_ = app.test_client().post(
        f"/api/v1/repayments/{paid.get_json()['repayment']['id']}/reverse",
        json={"reason": "posted twice by the bank"}, headers=api)
    assert reversed_.status_code == 201 and reversed_.get_json()["loan"]["state"] == "active"
    assert login(app, "finance").post(f"/loanview/write_off/{loan_id}", data={
        "reason": "borrower unreachable"}).status_code == 302
    assert _moves(app, pk) == [
        ("sales1", "draft", "under_review", {}),
        ("reviewer", "under_review", "approved", {}),
        ("finance", "approved", "contracted", {"contract": contract}),  # booking: no move
        ("finance", "contracted", "disbursed", {"loan": loan}),
        ("finance", "disbursed", "repaying", {"loan": loan}),
        ("finance", "repaying", "settled", {"loan": loan}),
        ("finance", "settled", "repaying", {"loan": loan}),  # the reversal reopens it
        ("finance", "repaying", "written_off", {"loan": loan}),  # written off while current
    ]
    assert _state(app, Application, pk) == "written_off"


def test_an_action_its_application_cannot_follow_is_refused_whole(app):
    """An application withdrawn behind its loan's back (a bulk update): the repayment that
    would move it on is refused with the reason — 409, the payment not stored — on the API
    and on the loan's page alike."""
    pk = _approved(app)
    loan_id, _contract = _booked_and_contracted(app, pk)
    api, today = _token(app), business_today_text(app)
    assert app.test_client().post(f"/api/v1/loans/{loan_id}/disbursement", json={
        "disbursed_on": today, "amount": "50000.00", "funder_reference": "FR-STUCK"},
        headers=api).status_code == 200
    with app.app_context():
        db.session.execute(update(Application).where(Application.id == pk)
                           .values(state="withdrawn"))
        db.session.commit()
    body = {"amount": "100.00", "paid_on": today, "reference": uuid.uuid4().hex[:20]}
    answer = app.test_client().post(f"/api/v1/loans/{loan_id}/repayments", json=body,
                                    headers=api)
    assert answer.status_code == 409
    assert answer.get_json() == {"message": "处于“已撤回”状态的进件不能变更为“还款中”。",
                                 "errors": {}}
    page = login(app, "finance").post(f"/loanview/repay/{loan_id}", data=body)
    assert page.status_code == 200 and "不能变更为“还款中”" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Repayment.id).where(
            Repayment.loan_id == loan_id)) is None
    assert _state(app, Application, pk) == "withdrawn"
    assert [m[2] for m in _moves(app, pk)][-1] == "repaying"  # nothing added since
    with app.app_context():  # the book as it was: other tests post on active loans
        db.session.execute(update(Application).where(Application.id == pk)
                           .values(state="repaying"))
        db.session.commit()


def test_a_move_holds_the_permission_its_action_names(app):
    pk = _approved(app)
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="sales1")
        login_user(g.user)
        application = db.session.get(Application, pk)
        with pytest.raises(TransitionRefused) as refused:
            move(application, "contracted", allowed_by=("Contract", "can_write"))
        assert refused.value.status == 403
        db.session.rollback()
    with app.app_context():  # outside a request the firm acts (the CLI, the daily job)
        application = db.session.get(Application, pk)
        move(application, "contracted", allowed_by=("Contract", "can_write"))
        assert application.state == "contracted"
        db.session.rollback()
    assert _state(app, Application, pk) == "approved"
    assert [m[2] for m in _moves(app, pk)] == ["under_review", "approved"]


def test_a_later_state_is_only_reached_by_its_own_action(app):
    pk = _approved(app)
    answer = login(app, "admin").post(f"/api/v1/applications/{pk}/transition",
                                      json={"to": "contracted"})
    assert answer.status_code == 409
    assert answer.get_json()["message"] == "此步骤需通过专门的操作完成，不能在此处变更。"
    assert _state(app, Application, pk) == "approved"


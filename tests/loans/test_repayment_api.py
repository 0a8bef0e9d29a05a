"""The repayment interfaces: POST /api/v1/loans/<id>/repayments, POST
/api/v1/repayments/<id>/reverse, GET /api/v1/loans/<id> balances; the screens' actions; and
two processes posting the same payment at once (one posting, SQLite and PostgreSQL)."""

from __future__ import annotations

import multiprocessing
import uuid
from decimal import Decimal as D

from sqlalchemy import func, select

from app.extensions import db
from app.loans import business_today
from app.models import Installment, Loan, Repayment, RepaymentAllocation


def _today(app) -> str:
    with app.app_context():
        return business_today().isoformat()


def _headers(auth, username="finance"):
    return {"Authorization": f"Bearer {auth.token(username)}"}


def _open_loan(app, username="finance"):
    """A demo loan being repaid, in the user's reach, with an installment owing (its id)."""
    with app.app_context():
        from app.models import Staff

        staff = db.session.scalar(select(Staff).where(
            Staff.user_id == app.appbuilder.sm.find_user(username=username).id))
        loan = db.session.scalars(select(Loan).where(
            Loan.state == "active", Loan.branch_id == staff.branch_id,
            Loan.installments.any(Installment.state.in_(("due", "overdue"))))
            .order_by(Loan.id.desc())).first()
        return loan.id


def test_post_and_replay_and_reverse_through_the_api(app, client, auth):
    loan_id = _open_loan(app)
    headers = _headers(auth)
    key = uuid.uuid4().hex
    body = {"amount": "10.00", "paid_on": _today(app),
            "reference": "API-" + key[:8], "idempotency_key": key}
    response = client.post(f"/api/v1/loans/{loan_id}/repayments", json=body,
                           headers=headers)
    assert response.status_code == 201, response.get_data(as_text=True)
    posted = response.get_json()
    allocations = posted["repayment"]["allocations"]
    assert sum(D(a["amount"]) for a in allocations) == D("10.00")
    assert posted["duplicate"] is False and posted["loan"]["id"] == loan_id
    again = client.post(f"/api/v1/loans/{loan_id}/repayments", json=body, headers=headers)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert again.get_json()["repayment"]["id"] == posted["repayment"]["id"]
    shown = client.get(f"/api/v1/loans/{loan_id}", headers=headers).get_json()["result"]
    for field in ("outstanding_principal", "outstanding_interest", "outstanding_penalty",
                  "days_past_due", "bucket", "payoff_amount"):
        assert field in shown
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        expected = sum((r.principal - r.paid_principal for r in loan.installments
                        if r.state != "cancelled"), D(0))
        assert D(shown["outstanding_principal"]) == expected
    rep_id = posted["repayment"]["id"]
    refused = client.post(f"/api/v1/repayments/{rep_id}/reverse", json={},
                          headers=headers)
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    reversed_ = client.post(f"/api/v1/repayments/{rep_id}/reverse",
                            json={"reason": "test posting"}, headers=headers)
    assert reversed_.status_code == 201, reversed_.get_data(as_text=True)
    assert reversed_.get_json()["reversal"]["amount"] == "-10.00"


def test_bad_api_input_is_a_clear_422_naming_the_field(app, client, auth):
    loan_id = _open_loan(app)
    headers = _headers(auth)
    for body, field in (({"amount": "1.999", "paid_on": "2026-01-01"}, "amount"),
                        ({"amount": 5, "paid_on": "yesterday"}, "paid_on"),
                        ({"amount": "5", "paid_on": "2026-01-01", "x": 1}, "x"),
                        ({"amount": ["5"], "paid_on": "2026-01-01"}, "amount")):
        response = client.post(f"/api/v1/loans/{loan_id}/repayments", json=body,
                               headers=headers)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"], response.get_json()
    # Not a JSON object at all: malformed, 400.
    response = client.post(f"/api/v1/loans/{loan_id}/repayments", data="not json",
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400


def test_only_finance_posts_and_only_within_reach(app, client, auth):
    loan_id = _open_loan(app)
    body = {"amount": "1.00", "paid_on": _today(app)}
    for username in ("sales1", "reviewer", "manager", "auditor"):
        response = client.post(f"/api/v1/loans/{loan_id}/repayments", json=body,
                               headers=_headers(auth, username))
        assert response.status_code in (403, 404), username
    with app.app_context():
        from app.models import Staff

        staff = db.session.scalar(select(Staff).where(
            Staff.user_id == app.appbuilder.sm.find_user(username="finance").id))
        other = db.session.scalar(select(Loan.id).where(Loan.branch_id != staff.branch_id,
                                                        Loan.state == "active"))
    if other:
        response = client.post(f"/api/v1/loans/{other}/repayments", json=body,
                               headers=_headers(auth))
        assert response.status_code == 404


def test_the_loan_page_posts_a_repayment(app, client, auth):
    loan_id = _open_loan(app)
    auth.login("finance")
    page = client.get(f"/loanview/show/{loan_id}")
    assert page.status_code == 200 and b"repay-form" in page.data
    response = client.post(f"/loanview/repay/{loan_id}", data={
        "amount": "5.00", "paid_on": _today(app), "channel": "cash",
        "reference": "SCREEN-" + uuid.uuid4().hex[:6]}, follow_redirects=True)
    assert response.status_code == 200
    bad = client.post(f"/loanview/repay/{loan_id}", data={
        "amount": "-5", "paid_on": _today(app)}, follow_redirects=True)
    assert bad.status_code == 200 and "alert-danger" in bad.get_data(as_text=True)
    auth.logout()
    auth.login("sales1")
    assert client.post(f"/loanview/repay/{loan_id}", data={"amount": "5"}).status_code in (
        403, 404)


def _post_in_process(url, key, loan_id, amount, queue):
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    from app.loans import service

    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        try:
            rep, created = service.post_repayment(loan, {
                "amount": amount, "paid_on": business_today().isoformat(),
                "idempotency_key": key, "reference": key[:20]})
            queue.put((rep.id, created))
        except Exception as error:  # noqa: BLE001  (reported to the test, which fails on it)
            queue.put(("error", repr(error)))


def test_two_processes_posting_the_same_payment_make_one_posting(app):
    loan_id = _open_loan(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    key = uuid.uuid4().hex
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_post_in_process, args=(url, key, loan_id, "7.00",
                                                              queue)) for _ in range(2)]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=120) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    assert all(r[0] != "error" for r in results), results
    assert len({r[0] for r in results}) == 1  # the same repayment id for both
    assert sorted(r[1] for r in results) == [False, True]  # posted once, found once
    with app.app_context():
        count = db.session.scalar(select(func.count(Repayment.id)).where(
            Repayment.idempotency_key == key))
        allocated = db.session.scalar(select(func.sum(RepaymentAllocation.amount)).join(
            Repayment).where(Repayment.idempotency_key == key))
        assert count == 1 and D(allocated) == D("7.00")


def test_the_daily_command_runs_and_reports(app, runner):
    result = runner.invoke(args=["loandesk", "daily", "--force"])
    assert result.exit_code == 0, result.output
    assert '"reminders_queued"' in result.output
    bad = runner.invoke(args=["loandesk", "daily", "--date", "2026-02-30"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output

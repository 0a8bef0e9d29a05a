"""The daily job: buckets at each boundary, idempotency, resumption, reminders, quiet hours
and retries; fees and commissions through their life cycle."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.loans import income, service
from app.loans.job import run_daily
from app.loans.reminders import backoff, queue_reminders, quiet, send_due
from app.loans.service import LoanRefused
from app.models import (
    Commission,
    Installment,
    JobRun,
    Loan,
    Reminder,
    ReminderAttempt,
    ServiceFee,
)
from tests.factories import day, disbursed_loan, new_channel, pay, rows


@pytest.mark.parametrize("late,dpd_bucket", [
    (0, "current"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"), (61, "61-90"),
    (90, "61-90"), (91, "90+")])
def test_a_loan_crosses_each_bucket_boundary(ctx, late, dpd_bucket):
    loan = disbursed_loan()  # #1 due 2026-02-15, never paid
    run_daily(day("2026-02-15") + dt.timedelta(days=late), loan_ids=[loan.id])
    loan = db.session.get(Loan, loan.id)
    figures = service.balances(loan, today=day("2026-02-15") + dt.timedelta(days=late))
    assert loan.days_past_due == late and figures["bucket"] == dpd_bucket
    assert loan.state == ("overdue" if late else "active")
    first = rows(loan)[0]
    assert first.state == ("overdue" if late else "due")
    # penalty on #1: 1,000.00 × 6% × late / 360, half-up
    expected = (D(1000) * D("0.06") * late / 360).quantize(D("0.01"))
    assert first.penalty == expected


def _snapshot(loan_id):
    installments = db.session.execute(select(
        Installment.n, Installment.state, Installment.days_past_due, Installment.penalty,
        Installment.paid_principal).where(Installment.loan_id == loan_id)
        .order_by(Installment.n)).all()
    loan = db.session.execute(select(Loan.state, Loan.days_past_due, Loan.customer_credit,
                                     Loan.outstanding_principal)
                              .where(Loan.id == loan_id)).one()
    reminders = db.session.scalar(select(func.count(Reminder.id)).where(
        Reminder.loan_id == loan_id))
    return installments, loan, reminders


def test_running_twice_on_one_day_changes_nothing(ctx):
    loan = disbursed_loan()
    pay(loan, "300.00", "2026-02-15")
    run_daily(day("2026-04-20"), loan_ids=[loan.id])
    db.session.expire_all()
    first = _snapshot(loan.id)
    run_daily(day("2026-04-20"), loan_ids=[loan.id], force=True)  # recompute everything
    db.session.expire_all()
    assert _snapshot(loan.id) == first
    assert first[1][0] == "overdue" and first[2] >= 1  # something did happen the first time


def test_a_day_is_recorded_done_and_a_crashed_run_resumes(app, ctx, monkeypatch):
    when = day("2026-05-01")
    ids = [disbursed_loan().id for _ in range(3)]  # all three late on 1 May
    calls = []
    from app.loans import job

    real = job._work_loan

    def crash_on_second(loan, *args):
        calls.append(loan.id)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(loan, *args)

    monkeypatch.setattr(job, "_work_loan", crash_on_second)
    with pytest.raises(RuntimeError):
        run_daily(when, batch_size=1, loan_ids=ids)
    run = db.session.scalar(select(JobRun).where(JobRun.run_date == when,
                                                 JobRun.job.like("daily:%")))
    assert run.state == "failed" and run.last_key == calls[0]
    monkeypatch.setattr(job, "_work_loan", real)
    resumed = []
    monkeypatch.setattr(job, "_work_loan", lambda loan, *a: (resumed.append(loan.id),
                                                               real(loan, *a)))
    stats = run_daily(when, batch_size=200, loan_ids=ids)
    assert resumed == ids[1:]  # nothing before the crash point again
    db.session.expire_all()
    run = db.session.scalar(select(JobRun).where(JobRun.run_date == when,
                                                 JobRun.job.like("daily:%")))
    assert run.state == "done" and json.loads(run.stats) == stats
    again = []
    monkeypatch.setattr(job, "_work_loan", lambda loan, *a: again.append(loan.id))
    run_daily(when, loan_ids=ids)
    assert again == []  # the day is done


def test_reminders_before_due_and_on_overdue_milestones(ctx):
    loan = disbursed_loan()
    queue_reminders(day("2026-02-12"), loan_ids=[loan.id])  # 3 days before #1
    queue_reminders(day("2026-02-12"), loan_ids=[loan.id])  # again: nothing more
    before = db.session.scalars(select(Reminder).where(Reminder.loan_id == loan.id)).all()
    assert [(r.kind, r.milestone) for r in before] == [("before_due", -3)]
    assert "1,060.00" in before[0].message and loan.number in before[0].message
    run_daily(day("2026-02-22"), loan_ids=[loan.id])  # 7 days late; 1 and 3 were missed
    overdue = db.session.scalars(select(Reminder).where(
        Reminder.loan_id == loan.id, Reminder.kind == "overdue")).all()
    assert [r.milestone for r in overdue] == [7]  # caught up once, no burst of stale ones
    assert "7" in overdue[0].message


def test_sending_respects_quiet_hours_retries_with_backoff_and_records_attempts(ctx):
    loan = disbursed_loan()
    queue_reminders(day("2026-02-14"), loan_ids=[loan.id])
    reminder = db.session.scalars(select(Reminder).where(Reminder.loan_id == loan.id)).one()

    class Failing:
        name = "test"

        def send(self, r):
            from app.loans.reminders import SendError
            raise SendError("gateway down")

    class Working:
        name = "test"
        sent = []

        def send(self, r):
            self.sent.append(r.id)

    night = dt.datetime(2026, 2, 14, 22, 30)
    assert quiet(night, "21:00-09:00") and quiet(dt.datetime(2026, 2, 14, 8, 59),
                                                 "21:00-09:00")
    assert not quiet(dt.datetime(2026, 2, 14, 9, 0), "21:00-09:00")
    assert send_due(night, {"sms": Working(), "email": Working()}) == {"quiet": 1}
    assert Working.sent == []
    noon = dt.datetime(2026, 2, 14, 12, 0)
    send_due(noon, {"sms": Failing(), "email": Failing()})
    db.session.refresh(reminder)
    assert reminder.state == "queued" and reminder.attempts == 1
    assert reminder.next_attempt_at is not None
    assert backoff(1) == dt.timedelta(minutes=5) and backoff(3) == dt.timedelta(minutes=20)
    assert backoff(20) == dt.timedelta(hours=6)
    reminder.next_attempt_at = None  # the backoff has passed
    db.session.commit()
    send_due(noon, {"sms": Working(), "email": Working()})
    db.session.refresh(reminder)
    assert reminder.state == "sent" and reminder.id in Working.sent
    attempts = db.session.scalars(select(ReminderAttempt).where(
        ReminderAttempt.reminder_id == reminder.id).order_by(ReminderAttempt.id)).all()
    assert [(a.ok, a.error) for a in attempts] == [(False, "gateway down"), (True, None)]


def test_a_paid_installment_s_reminder_is_cancelled(ctx):
    loan = disbursed_loan()
    queue_reminders(day("2026-02-14"), loan_ids=[loan.id])
    pay(loan, "1060.00", "2026-02-15")
    queue_reminders(day("2026-02-15"), loan_ids=[loan.id])
    states = db.session.scalars(select(Reminder.state).where(Reminder.loan_id == loan.id))
    assert set(states) == {"cancelled"}


def test_fee_received_makes_commissions_payable_and_refund_claws_back(ctx):
    channel = new_channel("0.02", "disbursed", settle_days=7)
    loan = disbursed_loan(channel=channel, fee="240.00")  # the commission made, pending
    fee = db.session.scalar(select(ServiceFee).where(ServiceFee.loan_id == loan.id))
    income.receive_fee(fee, {"received_on": "2026-01-20"}, today=day("2026-01-20"))
    commission = db.session.scalar(select(Commission).where(
        Commission.loan_id == loan.id, Commission.channel_id == channel.id))
    # 2% of the 12,000.00 disbursed; payable T+7 after the fee came in
    assert (commission.state, commission.amount, commission.payable_on) == (
        "payable", D("240.00"), day("2026-01-27"))
    with pytest.raises(LoanRefused) as refused:
        income.refund_fee(fee, {"refund_amount": "999999", "refunded_on": "2026-01-21",
                                 "refund_reason": "x"}, today=day("2026-01-21"))
    assert "refund_amount" in refused.value.errors
    income.refund_fee(fee, {"refund_amount": "240.00", "refunded_on": "2026-01-21",
                             "refund_reason": "loan cancelled"}, today=day("2026-01-21"))
    db.session.refresh(commission)
    assert commission.state == "clawed_back" and "loan cancelled" in commission.clawback_reason


def test_commissions_made_at_disbursement_follow_the_rules(ctx):
    loan = disbursed_loan(channel=new_channel("0.10", "fee", settle_days=3))
    fee = ServiceFee(application=loan.application, loan=loan, basis="percent_disbursed",
                     rate=D("0.01"), amount=D("120.00"), due_on_event="disbursement",
                     state="received", received_on=day("2026-01-15"))
    db.session.add(fee)
    made = income.create_commissions(loan, fee)
    # 10% of the 120.00 fee, payable T+3 after it came in
    assert (made[0].channel, made[0].base_amount, made[0].amount, made[0].payable_on) == (
        loan.channel, D("120.00"), D("12.00"), day("2026-01-18"))
    db.session.rollback()


def test_payout_batch_gathers_payable_commissions_and_is_confirmed(ctx):
    from app.models import CommissionBatch

    channel = new_channel("0.10", "fee", settle_days=7)
    loan = disbursed_loan(channel=channel, fee="240.00")
    fee = db.session.scalar(select(ServiceFee).where(ServiceFee.loan_id == loan.id))
    income.receive_fee(fee, {"received_on": "2026-01-20"}, today=day("2026-01-20"))
    ours = db.session.scalar(select(Commission).where(Commission.channel_id == channel.id))
    assert (ours.state, ours.amount, ours.payable_on) == ("payable", D("24.00"),
                                                          day("2026-01-27"))
    payable_total = db.session.scalar(select(func.sum(Commission.amount)).where(
        Commission.state == "payable", Commission.payable_on <= day("2026-11-29"),
        Commission.batch_id.is_(None)))
    batch = income.create_batch("2026-11-29", today=day("2026-11-29"))
    assert ours in batch.commissions  # with whatever else is payable by then
    assert batch.total == payable_total == sum(c.amount for c in batch.commissions)
    assert batch.state == "draft"
    income.confirm_batch(batch, "2026-11-29", today=day("2026-11-29"))
    batch = db.session.get(CommissionBatch, batch.id)
    assert batch.state == "confirmed"
    assert {c.state for c in batch.commissions} == {"paid"}
    assert db.session.get(Commission, ours.id).paid_on == day("2026-11-29")
    with pytest.raises(LoanRefused):
        income.confirm_batch(batch, "2026-11-29", today=day("2026-11-29"))

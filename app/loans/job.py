"""The daily job (``flask loandesk daily``): overdue states, penalty interest, delinquency,
credits falling due, first-installment-default clawbacks and reminders, for one business day.

* Idempotent: every figure is computed afresh for the day from the stored history, so a
  second run changes nothing; a finished day is recorded in ``job_run`` and skipped (``force``
  recomputes anyway, with the same result).
* Resumable: loans are worked in id order in batches, each committed with the last loan id
  in ``job_run.last_key``; a run that crashed continues after that id when started again.
* Only loans with something to do are loaded: an installment past due and unpaid, a loan
  marked overdue, or a customer credit waiting.  Current loans are not touched.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from app.domain.allocation import capped_penalty_rate
from app.extensions import db
from app.firm.settings import firm_setting_int
from app.models import Commission, Installment, JobRun, Loan, RepaymentAllocation
from app.models.base import utcnow
from app.models.enums import AllocationPart, CommissionState, InstallmentState, JobState, LoanState
from app.reports.snapshots import take_snapshot

from . import business_today
from .income import clawback_first_default
from .ledger import Ledger, cap_on, credit_total, live_repayments
from .reminders import queue_reminders
from .service import LOAN_WRITE, _sync_application

log = logging.getLogger("loandesk.daily")
JOB = "daily"
OPEN_STATES = (InstallmentState.DUE, InstallmentState.PARTIAL, InstallmentState.OVERDUE)


def _needs_work(day: dt.date):
    late = exists().where(Installment.loan_id == Loan.id, Installment.due_date < day,
                          Installment.state.in_(OPEN_STATES))
    return select(Loan.id).where(Loan.state.in_((LoanState.ACTIVE, LoanState.OVERDUE)), or_(
        late, Loan.state == LoanState.OVERDUE, Loan.customer_credit > 0))


def _history(loan_ids: list[int]) -> dict[int, dict[int, list]]:
    """Principal payments per loan and installment number, for penalty interest."""
    out: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    rows = db.session.execute(
        select(Installment.loan_id, Installment.n, RepaymentAllocation.applied_on,
               RepaymentAllocation.amount)
        .join(RepaymentAllocation, RepaymentAllocation.installment_id == Installment.id)
        .where(Installment.loan_id.in_(loan_ids),
               RepaymentAllocation.part == AllocationPart.PRINCIPAL,
               Installment.state.in_(OPEN_STATES)))
    for loan_id, n, applied_on, amount in rows:
        if applied_on is not None:
            out[loan_id][n].append((applied_on, Decimal(amount)))
    return out


def _work_loan(loan: Loan, day: dt.date, rate: Decimal, history: dict, fpd_days: int,
               stats: dict, with_commission: set[int]) -> None:
    before = (loan.state, loan.days_past_due)
    ledger = Ledger(loan, penalty_rate=rate, history=history)
    if loan.customer_credit and loan.customer_credit > 0:
        live = live_repayments(loan)
        ledger.apply_credit(live, day)
        db.session.flush()
        loan.customer_credit = credit_total(loan)
        stats["credits_applied"] += 1
    ledger.refresh(day)
    _sync_application(loan, LOAN_WRITE)  # the firm's job: outside a request, every right
    if (loan.state, loan.days_past_due) != before:
        stats["loans_changed"] += 1
    first = ledger.rows.get(1)
    defaulted = first is not None and first.state == InstallmentState.OVERDUE and \
        first.days_past_due >= fpd_days
    if defaulted and loan.id in with_commission:
        clawback_first_default(loan, day, first.days_past_due)
        stats["clawbacks"] += 1
    stats["loans_worked"] += 1


def run_daily(day: dt.date | None = None, *, force: bool = False, batch_size: int = 500,
              loan_ids: list[int] | None = None) -> dict:
    """Run the daily job for ``day`` (today on the firm's clock by default)."""
    day = day or business_today()
    # A run over some loans only (a repair, a test) is recorded under its own name.
    name = JOB if loan_ids is None else f"{JOB}:{min(loan_ids, default=0)}-" \
        f"{max(loan_ids, default=0)}"[:32]
    run = db.session.scalar(select(JobRun).where(JobRun.job == name, JobRun.run_date == day))
    if run is not None and run.state == JobState.DONE and not force:
        log.info("daily %s: already done at %s; nothing to do", day, run.finished_at)
        return json.loads(run.stats or "{}")
    if run is None:
        run = JobRun(job=name, run_date=day, state="running", last_key=0)
        db.session.add(run)
    elif run.state != JobState.RUNNING or force:
        if force:
            run.last_key = 0
        run.state = "running"
    db.session.commit()
    if run.last_key:
        log.info("daily %s: resuming after loan id %s", day, run.last_key)
    stats = defaultdict(int)
    fpd_days = firm_setting_int("commission.first_default_days", 30, minimum=0)
    rates: dict[dt.date, Decimal | None] = {}
    last = run.last_key
    try:
        while True:
            query = _needs_work(day).where(Loan.id > last).order_by(Loan.id).limit(batch_size)
            if loan_ids is not None:
                query = query.where(Loan.id.in_(loan_ids))
            ids = list(db.session.scalars(query))
            if not ids:
                break
            loans = db.session.scalars(select(Loan).where(Loan.id.in_(ids))
                                       .options(selectinload(Loan.installments),
                                                selectinload(Loan.application))
                                       .order_by(Loan.id)).all()
            history = _history(ids)
            with_commission = set(db.session.scalars(select(Commission.loan_id).where(
                Commission.loan_id.in_(ids), Commission.state != CommissionState.CLAWED_BACK)))
            # One write per batch: no flush before each query of the per-loan work.
            with db.session.no_autoflush:
                for loan in loans:
                    if loan.start_date not in rates:
                        rates[loan.start_date] = cap_on(loan.start_date)
                    rate = capped_penalty_rate(loan.overdue_rate, loan.annual_rate,
                                               rates[loan.start_date])
                    _work_loan(loan, day, rate, history.get(loan.id, {}), fpd_days, stats,
                               with_commission)
            last = ids[-1]
            run.last_key = last
            db.session.commit()  # objects are expired and, unreferenced, freed
            log.info("daily %s: %s loans worked (up to id %s)", day,
                     stats["loans_worked"], last)
        queued = queue_reminders(day, loan_ids=loan_ids)
        stats.update(queued)
        if loan_ids is None:  # the month's picture of the book, for the trends
            stats["snapshot_rows"] = take_snapshot(day)
        run.state, run.finished_at = "done", utcnow()
        run.stats = json.dumps(dict(stats))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        failed = db.session.get(JobRun, run.id)
        if failed is not None:
            failed.state = "failed"
            db.session.commit()
        log.exception("daily %s: failed after loan id %s; run it again to resume", day, last)
        raise
    log.info("daily %s: done %s", day, json.dumps(dict(stats), sort_keys=True))
    return dict(stats)


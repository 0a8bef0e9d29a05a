"""Repayment reminders: queued by the daily job into an outbox (``reminder``), sent by
``flask loandesk send-reminders`` through a sender per channel.

* Queued N days before a due date and on each overdue milestone (firm settings
  ``reminder.before_days`` and ``reminder.overdue_days``).  A reminder is unique per
  installment, kind and milestone, so queuing twice adds nothing; a day the job missed is
  caught up by the nearest milestone, never by a burst of stale ones.
* The message is written when queued, in the firm's language, with the amount formatted.
* Nothing is sent in quiet hours (``reminder.quiet_hours``, 21:00-09:00 by default, firm
  time).  A failure is retried with exponential backoff up to ``reminder.max_attempts``;
  every attempt is recorded in ``reminder_attempt``.  A reminder whose installment was paid
  meanwhile is cancelled, not sent.
* Senders: SMTP e-mail (``SMTP_HOST`` …) and an SMS-gateway adapter (``SMS_GATEWAY_URL``);
  either one only logs what it would send while it is not configured.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import urllib.request
from collections import defaultdict
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import exists, insert, select, tuple_, update

from app.extensions import db
from app.firm.settings import firm_setting
from app.i18n import firm_default_locale, format_day, format_money
from app.models import Customer, Installment, Loan, Reminder, ReminderAttempt
from app.models.base import utcnow
from app.models.enums import InstallmentState, LoanState, ReminderKind, ReminderState

from . import business_now

log = logging.getLogger("loandesk.reminders")
OPEN = (InstallmentState.DUE, InstallmentState.PARTIAL, InstallmentState.OVERDUE)


def _days(key: str, default: str) -> list[int]:
    try:
        return sorted({int(x) for x in firm_setting(key, default).split(",") if x.strip()})
    except ValueError:
        return sorted(int(x) for x in default.split(","))


def _owed(row) -> object:
    return (row.principal + row.interest + row.fee + row.penalty - row.paid_principal
            - row.paid_interest - row.paid_fee - row.paid_penalty)


def message(row, kind: str, firm: str) -> str:
    """The reminder text; ``row`` has n, due_date, days_past_due, the amounts, ``name`` (the
    customer's) and ``number`` (the loan's)."""
    if kind == ReminderKind.BEFORE_DUE:
        return gettext(
            "[%(firm)s] Dear %(name)s, installment %(n)s of your loan %(loan)s, %(amount)s, "
            "is due on %(date)s. Please make sure your account can be debited.",
            firm=firm, name=row.name, n=row.n, loan=row.number,
            amount=format_money(_owed(row)), date=format_day(row.due_date))
    return gettext(
        "[%(firm)s] Dear %(name)s, installment %(n)s of your loan %(loan)s is %(days)s days "
        "overdue; %(amount)s is owed, penalty interest included. Please repay as soon as "
        "possible.", firm=firm, name=row.name, n=row.n, loan=row.number,
        days=row.days_past_due, amount=format_money(_owed(row)))


CHUNK = 1000


def queue_reminders(day: dt.date, loan_ids: list[int] | None = None) -> dict:
    """Queue the reminders due on ``day``.  Plain rows, not ORM objects: a busy day queues
    tens of thousands; they are inserted and committed a thousand at a time."""
    before = _days("reminder.before_days", "3,1")
    overdue = _days("reminder.overdue_days", "1,3,7,15,30,60,90")
    firm = firm_setting("firm.name", "")
    stats = {"reminders_queued": 0, "reminders_cancelled": 0}
    wanted = [(row, kind, milestone)
              for row, kind, milestone in _candidates(day, before, overdue, loan_ids)]
    with force_locale(firm_default_locale(current_app)):
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start:start + CHUNK]
            existing = set(db.session.execute(
                select(Reminder.installment_id, Reminder.kind, Reminder.milestone)
                .where(tuple_(Reminder.installment_id, Reminder.kind, Reminder.milestone)
                       .in_([(r.id, k, m) for r, k, m in chunk]))).all())
            rows = [{"installment_id": r.id, "loan_id": r.loan_id,
                     "customer_id": r.customer_id, "channel": "sms" if r.has_phone else "email",
                     "kind": k, "milestone": m, "scheduled_on": day,
                     "message": message(r, k, firm), "state": "queued", "attempts": 0,
                     "created_at": utcnow()}
                    for r, k, m in chunk if (r.id, k, m) not in existing]
            if rows:
                db.session.execute(insert(Reminder), rows)
                stats["reminders_queued"] += len(rows)
            db.session.commit()
    # A reminder still waiting for an installment now paid is not sent (the cost follows the
    # queued reminders, not the history of paid installments).
    closed = exists().where(Installment.id == Reminder.installment_id,
                            Installment.state.not_in(OPEN))
    result = db.session.execute(update(Reminder)
                                .where(Reminder.state == ReminderState.QUEUED, closed)
                                .values(state="cancelled", last_error="paid before sending"),
                                execution_options={"synchronize_session": False})
    stats["reminders_cancelled"] = result.rowcount or 0
    db.session.commit()
    return stats


def _candidates(day, before, overdue, loan_ids):
    """(row, kind, milestone) for each reminder due on ``day`` (rows, not objects)."""
    columns = (Installment.id, Installment.loan_id, Installment.n, Installment.due_date,
               Installment.days_past_due, Installment.principal, Installment.interest,
               Installment.fee, Installment.penalty, Installment.paid_principal,
               Installment.paid_interest, Installment.paid_fee, Installment.paid_penalty,
               Loan.number, Loan.customer_id, Customer.name,
               Customer.phone.is_not(None).label("has_phone"))
    base = (select(*columns).join(Loan, Loan.id == Installment.loan_id)
            .join(Customer, Customer.id == Loan.customer_id)
            .where(Installment.state.in_(OPEN),
                   Loan.state.in_((LoanState.ACTIVE, LoanState.OVERDUE))))
    if loan_ids is not None:
        base = base.where(Installment.loan_id.in_(loan_ids))
    if before:
        for row in db.session.execute(base.where(
                Installment.due_date >= day,
                Installment.due_date <= day + dt.timedelta(days=max(before)))):
            until = (row.due_date - day).days
            yield row, "before_due", -min(n for n in before if n >= until)
    if overdue:
        for row in db.session.execute(base.where(Installment.state == InstallmentState.OVERDUE,
                                                 Installment.days_past_due >= min(overdue))):
            yield row, "overdue", max(n for n in overdue if n <= row.days_past_due)


# -- sending ---------------------------------------------------------------------------------
class SendError(Exception):
    pass


class LogSender:
    """Stands in for a channel not configured: logs the message, sends nothing."""

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, reminder: Reminder) -> None:
        log.info("%s (not configured, logged only) to customer %s: %s", self.name,
                 reminder.customer_id, reminder.message)


class SmtpSender:
    name = "smtp"

    def __init__(self, config) -> None:
        self.config = config

    def send(self, reminder: Reminder) -> None:
        to = reminder.customer.email
        if not to:
            raise SendError("the customer has no e-mail address")
        mail = EmailMessage()
        mail["From"] = self.config["SMTP_FROM"]
        mail["To"] = to
        mail["Subject"] = gettext("Repayment reminder")
        mail.set_content(reminder.message)
        try:
            with smtplib.SMTP(self.config["SMTP_HOST"], int(self.config["SMTP_PORT"]),
                              timeout=15) as smtp:
                if self.config.get("SMTP_TLS"):
                    smtp.starttls()
                if self.config.get("SMTP_USER"):
                    smtp.login(self.config["SMTP_USER"], self.config["SMTP_PASSWORD"])
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"smtp: {error}") from error


class SmsGatewaySender:
    """Posts ``{"phone", "text", "reference"}`` as JSON to the firm's SMS gateway."""

    name = "sms_gateway"

    def __init__(self, config) -> None:
        self.url = config["SMS_GATEWAY_URL"]
        self.token = config.get("SMS_GATEWAY_TOKEN") or ""

    def send(self, reminder: Reminder) -> None:
        body = json.dumps({"phone": reminder.customer.phone, "text": reminder.message,
                           "reference": f"reminder-{reminder.id}"}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                if response.status >= 300:
                    raise SendError(f"sms gateway: HTTP {response.status}")
        except OSError as error:
            raise SendError(f"sms gateway: {error}") from error


def senders(config) -> dict:
    return {
        "email": SmtpSender(config) if config.get("SMTP_HOST") else LogSender("email"),
        "sms": SmsGatewaySender(config) if config.get("SMS_GATEWAY_URL") else LogSender("sms"),
    }


def quiet(now: dt.datetime, hours: str) -> bool:
    """Inside the quiet hours "HH:MM-HH:MM" (which may span midnight)?"""
    try:
        start, end = (dt.time.fromisoformat(t.strip()) for t in hours.split("-"))
    except ValueError:
        start, end = dt.time(21), dt.time(9)
    t = now.time()
    return (start <= t or t < end) if start > end else (start <= t < end)


def backoff(attempts: int) -> dt.timedelta:
    """5 min, 10, 20, 40 … at most 6 hours."""
    return min(dt.timedelta(minutes=5 * 2 ** max(attempts - 1, 0)), dt.timedelta(hours=6))


def send_due(now: dt.datetime | None = None, channels: dict | None = None,
             limit: int = 500) -> dict:
    """Send the reminders that are due, unless it is quiet hours.  ``now`` is firm time."""
    now = now or business_now()
    stats = defaultdict(int)
    if quiet(now, firm_setting("reminder.quiet_hours", "21:00-09:00")):
        log.info("quiet hours (%s): no reminder sent", now.strftime("%H:%M"))
        stats["quiet"] = 1
        return dict(stats)
    channels = channels or senders(current_app.config)
    most = int(firm_setting("reminder.max_attempts", "5"))
    clock = utcnow()
    due = db.session.scalars(
        select(Reminder).where(Reminder.state == ReminderState.QUEUED,
                               Reminder.scheduled_on <= now.date(),
                               (Reminder.next_attempt_at.is_(None))
                               | (Reminder.next_attempt_at <= clock))
        .order_by(Reminder.id).limit(limit)).all()
    with force_locale(firm_default_locale(current_app)):
        for reminder in due:
            sender = channels[reminder.channel]
            reminder.attempts = (reminder.attempts or 0) + 1
            try:
                sender.send(reminder)
            except SendError as error:
                reminder.last_error = str(error)[:500]
                db.session.add(ReminderAttempt(reminder=reminder, sender=sender.name,
                                               ok=False, error=str(error)[:500], at=clock))
                if reminder.attempts >= most:
                    reminder.state = "failed"
                    stats["failed"] += 1
                else:
                    reminder.next_attempt_at = clock + backoff(reminder.attempts)
                    stats["retry"] += 1
            else:
                reminder.state, reminder.sent_at = "sent", clock
                db.session.add(ReminderAttempt(reminder=reminder, sender=sender.name, ok=True,
                                               at=clock))
                stats["sent"] += 1
            db.session.commit()  # each attempt is kept, whatever happens to the next
    return dict(stats)

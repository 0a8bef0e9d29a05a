"""The public pool (公海): customers nobody has followed up for N days go back to the pool of
their branch; salespeople claim from it, up to a daily limit (both are firm settings)."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext
from sqlalchemy import and_, func, or_, select

from app.audit import record
from app.domain.states import IN_PROGRESS
from app.errors import Refused
from app.extensions import db
from app.firm.settings import firm_setting_int
from app.models import Application, AuditLog, Customer, Loan
from app.models.base import utcnow
from app.models.enums import CustomerStatus, LoanState

CLAIM = "claimed from the public pool"


def release_idle(now: dt.datetime | None = None) -> int:
    """Return idle leads (no follow-up for ``pool.idle_days``, nothing in progress, no loan
    on book) to their branch's pool; returns how many.  Safe to run twice a day."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=firm_setting_int("pool.idle_days", 30))
    busy = select(Application.customer_id).where(Application.state.in_(IN_PROGRESS))
    borrowing = select(Loan.customer_id).where(Loan.state.in_((LoanState.PENDING, LoanState.ACTIVE,
                                                               LoanState.OVERDUE)))
    idle = db.session.scalars(select(Customer).where(
        Customer.owner_id.is_not(None), Customer.status == CustomerStatus.LEAD,
        Customer.id.not_in(borrowing),
        or_(Customer.last_followup_at < cutoff,
            and_(Customer.last_followup_at.is_(None), Customer.created_at < cutoff)),
        Customer.id.not_in(busy))).all()
    for customer in idle:
        record("update", "customer", customer.id,
               {"owner_id": [str(customer.owner_id), None]}, purpose="returned to the pool")
        customer.owner_id = None
        customer.team_id = None
    db.session.commit()
    return len(idle)


def claims_today(user_id: int) -> int:
    start = dt.datetime.combine(utcnow().date(), dt.time())
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.user_id == user_id, AuditLog.purpose == CLAIM, AuditLog.at >= start)) or 0


def claim(customer: Customer, staff, user_id: int) -> None:
    """Give a pool customer to ``staff``; raises Refused with the reason when refused."""
    if customer.owner_id is not None:
        raise Refused(gettext("Someone has already claimed this customer."))
    limit = firm_setting_int("pool.daily_claim_limit", 10)
    if claims_today(user_id) >= limit:
        raise Refused(gettext("You have claimed %(n)s customers today, the daily limit.",
                                 n=limit))
    customer.owner_id, customer.team_id, customer.branch_id = (
        staff.id, staff.team_id, staff.branch_id)
    customer.last_followup_at = utcnow()
    record("update", "customer", customer.id, {"owner_id": [None, str(staff.id)]},
           purpose=CLAIM)
    db.session.commit()

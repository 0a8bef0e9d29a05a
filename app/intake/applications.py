"""Rules for creating and editing an application (进件) outside its life-cycle moves."""

from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import gettext
from sqlalchemy import select

from app.domain.states import IN_PROGRESS
from app.extensions import db
from app.models import Application
from app.permissions import refuse


def new_number() -> str:
    """AP + date + 6 random hex digits; the unique key settles the (rare) collision."""
    return f"AP{dt.date.today():%Y%m%d}{secrets.token_hex(3).upper()}"


def intake_refusal(application: Application, creating: bool, may_reassign: bool) -> str | None:
    customer = application.customer
    if creating:
        if customer is not None and customer.status == "blacklisted":
            return gettext("The customer is blacklisted: %(reason)s",
                           reason=customer.blacklist_reason or "")
        if customer is not None:
            existing = db.session.scalar(select(Application.number).where(
                Application.customer_id == customer.id, Application.state.in_(IN_PROGRESS)))
            if existing:
                return gettext("This customer already has application %(number)s in "
                               "progress.", number=existing)
        return None
    state = db.inspect(application)
    if state.attrs["reviewer"].history.has_changes() and not may_reassign:
        return gettext("Only a manager can reassign an application to another reviewer.")
    if application.state not in ("draft",) and any(
            state.attrs[a].history.has_changes()
            for a in ("amount", "months", "method", "product", "customer")):
        return gettext("The terms can only be changed while the application is a draft.")
    return None


def prepare(application: Application, creating: bool, may_reassign: bool) -> None:
    """Number a new application; refuse what intake forbids (raises OwnershipRefused)."""
    if creating and not application.number:
        application.number = new_number()
    if creating:
        application.state = "draft"
    reason = intake_refusal(application, creating, may_reassign)
    if reason is not None:
        refuse(application, creating=creating, reason=reason)

"""Rules for creating and editing an application (进件) outside its life-cycle moves."""

from __future__ import annotations

import secrets

from flask_babel import gettext
from sqlalchemy import select

from app.domain.states import IN_PROGRESS
from app.extensions import db
from app.loans import business_today
from app.models import Application
from app.models.enums import CustomerStatus
from app.permissions import refuse


def new_number() -> str:
    """AP + date + 6 random hex digits; the unique key settles the (rare) collision."""
    return f"AP{business_today():%Y%m%d}{secrets.token_hex(3).upper()}"


def intake_refusal(application: Application, creating: bool) -> str | None:
    """Why a new application may not be taken in, or None.  What an existing one may
    become is the edit rule's to say (app/domain/editing.py)."""
    customer = application.customer
    if not creating:
        return None
    if customer is not None and customer.status == CustomerStatus.BLACKLISTED:
        return gettext("The customer is blacklisted: %(reason)s",
                       reason=customer.blacklist_reason or "")
    if customer is not None:
        existing = db.session.scalar(select(Application.number).where(
            Application.customer_id == customer.id, Application.state.in_(IN_PROGRESS)))
        if existing:
            return gettext("This customer already has application %(number)s in progress.",
                           number=existing)
    return None


def prepare(application: Application, creating: bool) -> None:
    """Number a new application; refuse what intake forbids (raises OwnershipRefused)."""
    if creating and not application.number:
        application.number = new_number()
    if creating:
        application.state = "draft"
    reason = intake_refusal(application, creating)
    if reason is not None:
        refuse(application, creating=creating, reason=reason)

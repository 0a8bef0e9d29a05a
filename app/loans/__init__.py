"""Loans after approval: booking, disbursement, repayments, fees and commissions, the daily
job and reminders.  ``ledger`` holds the arithmetic on stored installments; ``service`` the
business actions (each checks, changes, audits and commits as one)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app


def business_now() -> dt.datetime:
    """Now on the firm's clock (LOANDESK_TIMEZONE, Asia/Shanghai by default)."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai"
    return dt.datetime.now(ZoneInfo(zone))


def business_today() -> dt.date:
    return business_now().date()

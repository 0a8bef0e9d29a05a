"""Firm settings (the ``firm_setting`` table) read by key, with a default when unset, and
the firm's own details (``firm_profile``): what contracts, reports and the dashboard print,
and whether they have been set up at all (a new install starts without them: /setup/)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import select

from app.domain.validators import credit_code_error
from app.extensions import db
from app.models import FirmSetting

# Every setting with its default and what it is for: seed/reference.py writes the rows, the
# setup page (app/org/users.py) describes a row it has to create.  The firm's own details start
# empty: the first admin login asks them (/setup/) and contracts say 公司信息未设置 until
# then, never a made-up company.  The demo sets its own.
DEFAULT_SETTINGS = {
    "firm.name": ("", "Firm name shown on contracts"),
    "firm.credit_code": ("", "Firm's unified social credit code"),
    "firm.address": ("", "Firm address"),
    "firm.phone": ("", "Firm phone"),
    "firm.city": ("", "Where the firm signs its contracts"),
    "firm.dispute_court": ("", "The court named in contracts' dispute clause"),
    "firm.extra_clauses": ("", "Extra confidentiality / personal-information text for contracts"),
    "firm.seal_image": ("", ("Path of the seal image (PNG/JPEG) printed on contracts; empty = "
                             "a drawn seal")),
    "policy.rate_cap_override": ("", ("Own annual rate cap for licensed lenders, e.g. 0.24; "
                                      "empty = 4 × one-year LPR")),
    "ui.default_locale": ("zh_CN", "The firm's default language: zh_CN or en"),
    "intake.required_documents.person": ("id_card", (
        "Document kinds a person's application needs before it can be submitted, "
        "comma-separated")),
    "intake.required_documents.enterprise": ("business_licence", (
        "Document kinds an enterprise's application needs before it can be submitted, "
        "comma-separated")),
    "pool.idle_days": ("30", "Days without follow-up before a customer returns to the pool"),
    "pool.daily_claim_limit": ("10", "Customers a salesperson may claim from the pool a day"),
    "reminder.before_days": ("3,1", "Days before a due date on which a reminder is queued"),
    "reminder.overdue_days": ("1,3,7,15,30,60,90",
                              "Days past due on which an overdue reminder is queued"),
    "reminder.quiet_hours": ("21:00-09:00", "No reminder is sent in these hours (firm time)"),
    "reminder.max_attempts": ("5", "Tries before a reminder is marked failed"),
    "commission.staff_settle_days": ("30", ("Staff commissions are payable T+N days after the "
                                           "fee is received")),
    "commission.staff_clawback_days": ("90", ("Early settlement within N days of disbursement "
                                             "claws back staff commission")),
    "commission.first_default_days": ("30", ("First installment unpaid N days after due claws "
                                            "back every commission on the loan")),
}

# The firm's details the setup page asks for, by their setting key.
FIRM_KEYS = ("firm.name", "firm.credit_code", "firm.address", "firm.phone",
             "firm.dispute_court", "firm.city")
# Printed where the firm's name and code go until they are set up.  Contracts are Chinese
# legal documents in either interface language: this text is never translated.
NOT_SET_UP_ZH = "公司信息未设置"


def firm_setting(key: str, default: str = "") -> str:
    value = db.session.scalar(select(FirmSetting.value).where(FirmSetting.key == key))
    return value.strip() if value and value.strip() else default


def firm_setting_int(key: str, default: int, minimum: int | None = None) -> int:
    """An integer setting; the default when unset or not a number."""
    try:
        value = int(firm_setting(key, str(default)))
    except ValueError:
        return default
    return value if minimum is None else max(minimum, value)


@dataclass(frozen=True)
class FirmProfile:
    """The firm's details as the settings hold them (empty strings when unset)."""

    name: str = ""
    credit_code: str = ""
    address: str = ""
    phone: str = ""
    dispute_court: str = ""
    city: str = ""

    @property
    def set_up(self) -> bool:
        """A contract needs the firm's name and a valid unified social credit code."""
        return bool(self.name) and credit_code_error(self.credit_code) is None

    @property
    def display_name(self) -> str:
        """The firm's name, or the translated "not set up" note for screens and reports."""
        return self.name if self.set_up else gettext("Firm details not set up")


def firm_profile() -> FirmProfile:
    """The one place every page, report and contract reads the firm's details from."""
    rows = db.session.execute(select(FirmSetting.key, FirmSetting.value)
                              .where(FirmSetting.key.in_(FIRM_KEYS))).all()
    values = {key.removeprefix("firm."): (value or "").strip() for key, value in rows}
    return FirmProfile(**values)

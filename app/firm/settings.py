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

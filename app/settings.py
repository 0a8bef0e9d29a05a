"""Firm settings (the ``firm_setting`` table) read by key, with a default when unset."""

from __future__ import annotations

from sqlalchemy import select

from .extensions import db
from .models import FirmSetting


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

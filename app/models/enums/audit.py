"""Codes of the audit log: what was done to a record."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .base import LabelledEnum


class AuditAction(LabelledEnum):
    CREATE = ("create", _l("Created"))
    UPDATE = ("update", _l("Updated"))
    DELETE = ("delete", _l("Deleted"))
    LOGIN = ("login", _l("Logged in"))
    LOGIN_FAILED = ("login_failed", _l("Failed login"))
    UNMASK = ("unmask", _l("Viewed sensitive data"))
    EXPORT = ("export", _l("Exported"))
    TRANSITION = ("transition", _l("State change"))
    PERMISSION = ("permission", _l("Permission change"))

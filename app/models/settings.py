"""Firm-wide configuration kept as data: the LPR history, firm settings, the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, Rate, VersionedMixin, coded, utcnow
from .enums import AuditAction, DocumentKind


class LprRate(VersionedMixin, Model):
    """The one-year Loan Prime Rate in force from ``effective_date`` (legal cap = 4 × LPR)."""

    __tablename__ = "lpr_rate"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (
        CheckConstraint("one_year_rate > 0 AND one_year_rate < 1", name="one_year_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_date: Mapped[dt.date] = mapped_column(Date, unique=True,
                                                    info={"label": _l("Effective date")})
    one_year_rate: Mapped[Decimal] = mapped_column(Rate, info={"label": _l("1-year LPR")})
    five_year_rate: Mapped[Decimal | None] = mapped_column(Rate, info={"label": _l("5-year LPR")})

    def __repr__(self) -> str:
        return f"{self.effective_date} {self.one_year_rate}"


class FirmSetting(VersionedMixin, Model):
    """A named firm setting (firm name, address, credit code, policy limits…)."""

    __tablename__ = "firm_setting"
    __small__ = True  # a short list: related fields may offer every row

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True, info={"label": _l("Setting")})
    value: Mapped[str | None] = mapped_column(Text, info={"label": _l("Value")})
    description: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return self.key

    # What the screens show of this property, as columns are labelled (app/models/labels.py).
    __labels__ = {"value_text": _l("Value")}

    @property
    def value_text(self) -> str:
        """The value as a person reads it: the document kinds a checklist asks for by their
        names (the setting stores their codes)."""
        if self.key.startswith("intake.required_documents.") and self.value:
            labels = DocumentKind.labels()
            return "、".join(str(labels.get(code.strip(), code.strip()))
                            for code in self.value.split(",") if code.strip())
        return self.value or ""


class AuditLog(Model):
    """Append-only trail: who did what to which record, when, and why."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity_record", "entity", "record_id"),
        Index("ix_audit_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, info={"label": _l("Time")})
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = coded(AuditAction, "action", index=True, label=_l("Action"))
    entity: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Record type")})
    record_id: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Record ID")})
    changes: Mapped[dict | None] = mapped_column(JSON, info={"label": _l("Changes")})
    purpose: Mapped[str | None] = mapped_column(String(255), info={"label": _l("Purpose")})
    ip: Mapped[str | None] = mapped_column(String(45), info={"label": _l("IP address")})

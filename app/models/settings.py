"""Firm-wide configuration kept as data: the LPR history, firm settings, the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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
from .enums import AuditAction


class LprRate(VersionedMixin, Model):
    """The one-year Loan Prime Rate in force from ``effective_date`` (legal cap = 4 × LPR)."""

    __tablename__ = "lpr_rate"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (
        CheckConstraint("one_year_rate > 0 AND one_year_rate < 1", name="one_year_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    one_year_rate: Mapped[Decimal] = mapped_column(Rate)
    five_year_rate: Mapped[Decimal | None] = mapped_column(Rate)

    def __repr__(self) -> str:
        return f"{self.effective_date} {self.one_year_rate}"


class FirmSetting(VersionedMixin, Model):
    """A named firm setting (firm name, address, credit code, policy limits…)."""

    __tablename__ = "firm_setting"
    __small__ = True  # a short list: related fields may offer every row

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    value: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return self.key

    @property
    def value_text(self) -> str:
        """The value as a person reads it: the document kinds a checklist asks for by their
        names (the setting stores their codes)."""
        if self.key.startswith("intake.required_documents.") and self.value:
            from .enums import DocumentKind

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
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = coded(AuditAction, "action", index=True)
    entity: Mapped[str | None] = mapped_column(String(64))
    record_id: Mapped[str | None] = mapped_column(String(64))
    changes: Mapped[dict | None] = mapped_column(JSON)
    purpose: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(45))

    @property
    def changes_text(self) -> str:
        """The changes in words, for the trail's screen (app/audit.py)."""
        from app.audit import readable_changes

        return readable_changes(self)

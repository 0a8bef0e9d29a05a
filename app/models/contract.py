"""Contracts (loan, intermediary service, credit-query authorisation) and reminders."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OwnedMixin, TimestampMixin, VersionedMixin, coded, utcnow
from .enums import (
    ContractKind,
    ContractState,
    JobState,
    ReminderChannel,
    ReminderKind,
    ReminderState,
)


class Contract(OwnedMixin, TimestampMixin, Model):
    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("kind", "year", "seq", "version"),  # versions share the number
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_contract_state_created", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = coded(ContractKind, "kind")
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": _l("Number")})
    year: Mapped[int] = mapped_column(Integer, info={"label": _l("Year")})
    seq: Mapped[int] = mapped_column(Integer, info={"label": _l("Sequence")})
    version: Mapped[int] = mapped_column(Integer, default=1, info={"label": _l("Version")})
    state: Mapped[str] = coded(ContractState, "state", default="draft", label=_l("State"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id"))
    pdf_stored_name: Mapped[str | None] = mapped_column(String(80))
    sha256: Mapped[str | None] = mapped_column(String(64), info={"label": _l("SHA-256")})
    issued_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info={"label": _l("Issued")})
    signed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info={"label": _l("Signed")})
    signed_document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    void_reason: Mapped[str | None] = mapped_column(Text, info={"label": _l("Void reason")})

    customer = relationship("Customer", info={"label": _l("Customer")})
    loan = relationship("Loan", info={"label": _l("Loan")})
    application = relationship("Application", info={"label": _l("Application")})
    supersedes = relationship("Contract", remote_side=[id], info={"label": _l("Supersedes")})
    signed_document = relationship("Document", info={"label": _l("Signed copy")})

    def __repr__(self) -> str:
        return self.number


class ContractCounter(Model):
    """Gap-free numbering: one row per kind and year, incremented under a row lock."""

    __tablename__ = "contract_counter"

    __table_args__ = (UniqueConstraint("kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = coded(ContractKind, "kind")
    year: Mapped[int] = mapped_column(Integer, info={"label": _l("Year")})
    last_seq: Mapped[int] = mapped_column(Integer, default=0, info={"label": _l("Last number")})


class Reminder(Model):
    __tablename__ = "reminder"
    __scope_parent__ = "loan"  # scoped through its loan
    __table_args__ = (
        UniqueConstraint("installment_id", "kind", "milestone"),
        Index("ix_reminder_state_scheduled", "state", "scheduled_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    installment_id: Mapped[int] = mapped_column(ForeignKey("installment.id"))
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[str] = coded(ReminderChannel, "channel", default="sms", label=_l("Channel"))
    kind: Mapped[str] = coded(ReminderKind, "kind")
    milestone: Mapped[int] = mapped_column(Integer, default=0,  # days before (−) / after due
                                           info={"label": _l("Milestone (days)")})
    scheduled_on: Mapped[dt.date] = mapped_column(Date, info={"label": _l("Scheduled on")})
    message: Mapped[str] = mapped_column(Text, info={"label": _l("Message")})
    state: Mapped[str] = coded(ReminderState, "state", default="queued", label=_l("State"))
    attempts: Mapped[int] = mapped_column(Integer, default=0, info={"label": _l("Attempts")})
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime,
                                                                info={"label": _l("Next attempt")})
    last_error: Mapped[str | None] = mapped_column(Text, info={"label": _l("Last error")})
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, info={"label": _l("Sent")})
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    installment = relationship("Installment", info={"label": _l("Installment")})
    loan = relationship("Loan", info={"label": _l("Loan")})
    customer = relationship("Customer", info={"label": _l("Customer")})
    attempt_log = relationship("ReminderAttempt", back_populates="reminder",
                               order_by="ReminderAttempt.id")


class ReminderAttempt(Model):
    """One try at sending a reminder, kept whatever came of it."""

    __tablename__ = "reminder_attempt"
    __scope_parent__ = "reminder"  # scoped through its reminder

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_id: Mapped[int] = mapped_column(ForeignKey("reminder.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, info={"label": _l("Time")})
    sender: Mapped[str] = mapped_column(String(32))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)

    reminder = relationship("Reminder", back_populates="attempt_log")


class JobRun(Model):
    """One run of a scheduled job for one business day; ``last_key`` lets a crashed run
    resume where it stopped, ``(job, run_date)`` unique makes a second run a no-op."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "run_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(32))
    run_date: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = coded(JobState, "state", default="running", label=_l("State"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_key: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[str | None] = mapped_column(Text)  # JSON counts, for the log and the screen

    def __repr__(self) -> str:
        return f"{self.job} {self.run_date}"


class ContractTemplate(TimestampMixin, VersionedMixin, Model):
    """A firm's own clause skeleton for a contract kind, uploaded by an admin.  It is used
    only after it renders and shows every required field (see app/contracts/templates.py)."""

    __tablename__ = "contract_template"
    __small__ = True
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = coded(ContractKind, "kind")
    version: Mapped[int] = mapped_column(Integer, info={"label": _l("Version")})
    body: Mapped[str] = mapped_column(Text, info={"label": _l("Template text")})
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    note: Mapped[str | None] = mapped_column(String(255))

    uploaded_by = relationship("Staff", info={"label": _l("Uploaded by")})

    def __repr__(self) -> str:
        return f"{self.kind} v{self.version}"

"""The firm's own income: service fees (居间服务费) and the commissions paid out of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Money, Rate, TimestampMixin, coded, non_negative, utcnow
from .enums import (
    BatchState,
    CommissionBasis,
    CommissionState,
    FeeBasis,
    FeeEvent,
    ServiceFeeState,
)


class ServiceFee(TimestampMixin, Model):
    __tablename__ = "service_fee"
    __scope_parent__ = "application"  # scoped through its application
    __table_args__ = (
        non_negative("amount"),
        CheckConstraint("rate IS NULL OR rate >= 0", name="rate"),
        Index("ix_service_fee_state_due", "state", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    loan_id: Mapped[int | None] = mapped_column(ForeignKey("loan.id"), index=True)
    basis: Mapped[str] = coded(FeeBasis, "basis")
    rate: Mapped[Decimal | None] = mapped_column(Rate)
    amount: Mapped[Decimal] = mapped_column(Money)
    due_on_event: Mapped[str] = coded(FeeEvent, "due_on_event", default="disbursement")
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[str] = coded(ServiceFeeState, "state", default="charged")
    received_on: Mapped[dt.date | None] = mapped_column(Date)
    refunded_on: Mapped[dt.date | None] = mapped_column(Date)
    refund_rule: Mapped[str | None] = mapped_column(Text)
    refund_amount: Mapped[Decimal | None] = mapped_column(Money)
    refund_reason: Mapped[str | None] = mapped_column(String(255))

    application = relationship("Application")
    loan = relationship("Loan")

    def __repr__(self) -> str:
        return f"#{self.id} ¥{self.amount}"


class Commission(TimestampMixin, Model):
    __tablename__ = "commission"
    __scope_parent__ = "loan"  # scoped through its loan
    __table_args__ = (
        non_negative("amount"),
        non_negative("base_amount"),
        CheckConstraint("channel_id IS NOT NULL OR staff_id IS NOT NULL", name="payee"),
        Index("ix_commission_state_payable", "state", "payable_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"), index=True)
    service_fee_id: Mapped[int | None] = mapped_column(ForeignKey("service_fee.id"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    basis: Mapped[str] = coded(CommissionBasis, "basis")
    rate: Mapped[Decimal] = mapped_column(Rate)
    base_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    amount: Mapped[Decimal] = mapped_column(Money)  # = base_amount × rate, half-up
    state: Mapped[str] = coded(CommissionState, "state", default="pending")
    settle_days: Mapped[int] = mapped_column(default=0, server_default="0")  # T+N
    payable_on: Mapped[dt.date | None] = mapped_column(Date)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("commission_batch.id"), index=True)
    clawed_back_on: Mapped[dt.date | None] = mapped_column(Date)
    clawback_reason: Mapped[str | None] = mapped_column(String(255))

    loan = relationship("Loan")
    service_fee = relationship("ServiceFee")
    channel = relationship("Channel")
    staff = relationship("Staff")
    batch = relationship("CommissionBatch", back_populates="commissions")

    def __repr__(self) -> str:
        return f"#{self.id} ¥{self.amount}"


class CommissionBatch(Model):
    """A payout run: finance gathers payable commissions, checks the list, confirms it paid."""

    __tablename__ = "commission_batch"
    __table_args__ = (non_negative("total"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = coded(BatchState, "state", default="draft")
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    payable_until: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)

    commissions = relationship("Commission", back_populates="batch")
    created_by = relationship("Staff", foreign_keys=[created_by_id])
    confirmed_by = relationship("Staff", foreign_keys=[confirmed_by_id])

    def __repr__(self) -> str:
        return self.number

"""The firm's own income: service fees (居间服务费) and the commissions paid out of them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
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
    basis: Mapped[str] = coded(FeeBasis, "basis", label=_l("Basis"))
    rate: Mapped[Decimal | None] = mapped_column(Rate, info={"label": _l("Rate")})
    amount: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Amount")})
    due_on_event: Mapped[str] = coded(FeeEvent, "due_on_event", default="disbursement",
                                      label=_l("Due on"))
    due_date: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Due date")})
    state: Mapped[str] = coded(ServiceFeeState, "state", default="charged", label=_l("State"))
    received_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Received on")})
    refunded_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Refunded on")})
    refund_rule: Mapped[str | None] = mapped_column(Text, info={"label": _l("Refund rule")})
    refund_amount: Mapped[Decimal | None] = mapped_column(Money,
                                                          info={"label": _l("Refund amount")})
    refund_reason: Mapped[str | None] = mapped_column(String(255),
                                                      info={"label": _l("Refund reason")})

    application = relationship("Application", info={"label": _l("Application")})
    loan = relationship("Loan", info={"label": _l("Loan")})

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
    basis: Mapped[str] = coded(CommissionBasis, "basis", label=_l("Basis"))
    rate: Mapped[Decimal] = mapped_column(Rate, info={"label": _l("Rate")})
    base_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0",
                                                 info={"label": _l("Base amount")})
    amount: Mapped[Decimal] = mapped_column(Money,  # = base_amount × rate, half-up
                                            info={"label": _l("Amount")})
    state: Mapped[str] = coded(CommissionState, "state", default="pending", label=_l("State"))
    settle_days: Mapped[int] = mapped_column(default=0, server_default="0",  # T+N
                                             info={"label": _l("Settlement days")})
    payable_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Payable on")})
    paid_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Paid on")})
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("commission_batch.id"), index=True)
    clawed_back_on: Mapped[dt.date | None] = mapped_column(Date,
                                                           info={"label": _l("Clawed back on")})
    clawback_reason: Mapped[str | None] = mapped_column(String(255),
                                                        info={"label": _l("Clawback reason")})

    loan = relationship("Loan", info={"label": _l("Loan")})
    service_fee = relationship("ServiceFee", info={"label": _l("Service fee")})
    channel = relationship("Channel", info={"label": _l("Channel")})
    staff = relationship("Staff", info={"label": _l("Staff")})
    batch = relationship("CommissionBatch", back_populates="commissions",
                         info={"label": _l("Payout batch")})

    def __repr__(self) -> str:
        return f"#{self.id} ¥{self.amount}"


class CommissionBatch(Model):
    """A payout run: finance gathers payable commissions, checks the list, confirms it paid."""

    __tablename__ = "commission_batch"
    __table_args__ = (non_negative("total"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": _l("Number")})
    state: Mapped[str] = coded(BatchState, "state", default="draft", label=_l("State"))
    total: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), info={"label": _l("Total")})
    payable_until: Mapped[dt.date] = mapped_column(Date, info={"label": _l("Payable by")})
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime,
                                                             info={"label": _l("Confirmed at")})
    paid_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Paid on")})

    commissions = relationship("Commission", back_populates="batch")
    created_by = relationship("Staff", foreign_keys=[created_by_id])
    confirmed_by = relationship("Staff", foreign_keys=[confirmed_by_id],
                                info={"label": _l("Confirmed by")})

    def __repr__(self) -> str:
        return self.number

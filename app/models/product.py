"""Funders (资金方), their loan products, and the channels leads come from."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Money, Rate, TimestampMixin, VersionedMixin, coded, non_negative
from .enums import (
    AllocationStrategy,
    ChannelKind,
    CommissionBasis,
    DayCount,
    FeeEvent,
    FunderKind,
    RepaymentMethod,
    SettlementInterest,
)

DEFAULT_ALLOCATION_ORDER = "penalty,fee,interest,principal"


class Funder(TimestampMixin, VersionedMixin, Model):
    __tablename__ = "funder"
    __small__ = True  # a short list: related fields may offer every row

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = coded(FunderKind, "kind", default="bank")
    licence_no: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Licence no.")})
    credit_code: Mapped[str | None] = mapped_column(
        String(18), info={"label": _l("Unified social credit code")})
    contact_name: Mapped[str | None] = mapped_column(String(64),
                                                     info={"label": _l("Contact person")})
    phone: Mapped[str | None] = mapped_column(String(30), info={"label": _l("Phone")})
    address: Mapped[str | None] = mapped_column(String(255), info={"label": _l("Address")})
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    products = relationship("LoanProduct", back_populates="funder", info={"label": _l("Products")})

    def __repr__(self) -> str:
        return self.name


class RepaymentMethodOption(VersionedMixin, Model):
    """The four repayment methods as rows, so a product's allowed methods are a real relation."""

    __tablename__ = "repayment_method"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = coded(RepaymentMethod, "code")
    sort_order: Mapped[int] = mapped_column(Integer, default=0, info={"label": _l("Order")})

    def __repr__(self) -> str:
        return str(RepaymentMethod(self.code).label)


product_method = Table(
    "product_method",
    Model.metadata,
    Column("product_id", ForeignKey("loan_product.id", ondelete="CASCADE"), primary_key=True),
    Column("method_id", ForeignKey("repayment_method.id"), primary_key=True),
)


class LoanProduct(TimestampMixin, VersionedMixin, Model):
    __tablename__ = "loan_product"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (
        CheckConstraint("min_amount > 0 AND max_amount >= min_amount", name="amount_range"),
        CheckConstraint("min_months >= 1 AND max_months <= 360 AND max_months >= min_months",
                        name="term_range"),
        CheckConstraint("min_rate >= 0 AND max_rate >= min_rate", name="rate_range"),
        non_negative("service_fee_rate"),
        non_negative("service_fee_fixed"),
        non_negative("overdue_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funder.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    min_amount: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Minimum amount")})
    max_amount: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Maximum amount")})
    min_months: Mapped[int] = mapped_column(Integer, info={"label": _l("Minimum term (months)")})
    max_months: Mapped[int] = mapped_column(Integer, info={"label": _l("Maximum term (months)")})
    min_rate: Mapped[Decimal] = mapped_column(Rate, info={"label": _l("Minimum annual rate")})
    max_rate: Mapped[Decimal] = mapped_column(Rate, info={"label": _l("Maximum annual rate")})
    day_count: Mapped[str] = coded(DayCount, "day_count", default="30/360", label=_l("Day count"))
    min_age: Mapped[int | None] = mapped_column(Integer, info={"label": _l("Minimum age")})
    max_age: Mapped[int | None] = mapped_column(Integer, info={"label": _l("Maximum age")})
    min_grade: Mapped[str | None] = mapped_column(String(1), info={"label": _l("Minimum grade")})
    cities: Mapped[str | None] = mapped_column(String(255),  # comma-separated; empty = anywhere
                                               info={"label": _l("Cities served")})
    grace_months: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                              info={"label": _l("Grace months")})
    service_fee_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0),
                                                      server_default="0",
                                                      info={"label": _l("Service fee rate")})
    service_fee_fixed: Mapped[Decimal] = mapped_column(Money, default=Decimal(0),
                                                       server_default="0",
                                                       info={"label": _l("Fixed service fee")})
    fee_due: Mapped[str] = coded(FeeEvent, "fee_due", default="disbursement", label=_l("Fee due"))
    overdue_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0.18"),
                                                  server_default="0.18",
                                                  info={"label": _l("Overdue (penalty) rate")})
    # How a repayment is applied (Fineract-style strategies) and what an early settlement owes.
    allocation_order: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_ALLOCATION_ORDER, server_default=DEFAULT_ALLOCATION_ORDER,
        info={"label": _l("Allocation order")})
    allocation_strategy: Mapped[str] = coded(AllocationStrategy, "allocation_strategy",
                                             default="vertical", label=_l("Allocation strategy"))
    settlement_interest: Mapped[str] = coded(SettlementInterest, "settlement_interest",
                                             default="to_date",
                                             label=_l("Interest on early settlement"))
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1", index=True)

    funder = relationship("Funder", back_populates="products", info={"label": _l("Funder")})
    methods = relationship(RepaymentMethodOption, secondary=product_method,
                           info={"label": _l("Repayment methods")})

    def __repr__(self) -> str:
        return self.name


class Channel(TimestampMixin, VersionedMixin, Model):
    """A lead source or agent partner (渠道) and its commission rule."""

    __tablename__ = "channel"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (
        CheckConstraint("commission_rate >= 0 AND commission_rate <= 1", name="commission_rate"),
        CheckConstraint("settle_days >= 0", name="settle_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = coded(ChannelKind, "kind", default="lead_source")
    contact_name: Mapped[str | None] = mapped_column(String(64),
                                                     info={"label": _l("Contact person")})
    phone: Mapped[str | None] = mapped_column(String(30), info={"label": _l("Phone")})
    commission_basis: Mapped[str] = coded(CommissionBasis, "commission_basis", default="fee",
                                          label=_l("Commission basis"))
    commission_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0),
                                                     server_default="0",
                                                     info={"label": _l("Commission rate")})
    settle_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7",
                                             info={"label": _l("Settlement days")})
    clawback_days: Mapped[int] = mapped_column(Integer, default=90, server_default="90",
                                               info={"label": _l("Clawback period (days)")})
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    def __repr__(self) -> str:
        return self.name

"""Loans, their installments, repayments and how each repayment was allocated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.money import ZERO
from .base import (
    SCOPE_COLUMNS,
    Model,
    Money,
    OwnedMixin,
    Rate,
    TimestampMixin,
    coded,
    id_indexes,
    non_negative,
    positive,
    utcnow,
)
from .enums import (
    AllocationPart,
    AllocationStrategy,
    DayCount,
    InstallmentState,
    LoanState,
    PrepaymentMode,
    RepaymentMethod,
    SettlementInterest,
)
from .product import DEFAULT_ALLOCATION_ORDER

# What the dashboard and the loans report read of the loans disbursed in a period.
LOAN_DISBURSED_COVERED = ["state", "disbursed_amount", "principal", "product_id", "funder_id",
                          "channel_id", "owner_id", "team_id", "branch_id"]


DIMENSIONS = ("product_id", "funder_id", "channel_id")


class Loan(OwnedMixin, TimestampMixin, Model):
    __tablename__ = "loan"
    indexes_declared = (*SCOPE_COLUMNS, *DIMENSIONS)
    __table_args__ = (
        *id_indexes("loan", *SCOPE_COLUMNS, *DIMENSIONS),
        positive("principal"),
        non_negative("annual_rate"),
        non_negative("overdue_rate"),
        CheckConstraint("months BETWEEN 1 AND 360", name="months_range"),
        CheckConstraint("grace_months >= 0 AND grace_months < months", name="grace_months"),
        CheckConstraint("disbursed_amount IS NULL OR disbursed_amount > 0",
                        name="disbursed_amount"),
        Index("ix_loan_state_disbursed", "state", "disbursed_on"),
        Index("ix_loan_state_settled", "state", "settled_on"),
        # Disbursements by day are summed from the index alone on PostgreSQL (the
        # dashboard's 12-month trend, the loans report).
        Index("ix_loan_disbursed_on", "disbursed_on",
              postgresql_include=LOAN_DISBURSED_COVERED),
        # The open book by days past due (the dashboard's delinquency buckets), read
        # without visiting the table on PostgreSQL.
        Index("ix_loan_open_dpd", "days_past_due",
              postgresql_include=["outstanding_principal", "branch_id", "team_id", "owner_id"],
              postgresql_where=text("state IN ('active', 'overdue')"),
              sqlite_where=text("state IN ('active', 'overdue')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, info={"label": _l("Number")})
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("loan_product.id"))
    funder_id: Mapped[int] = mapped_column(ForeignKey("funder.id"))
    # The application's channel, copied at booking as owner / team / branch are: reports
    # group loans by channel without reading the applications.
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channel.id"))
    principal: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Principal")})
    annual_rate: Mapped[Decimal] = mapped_column(Rate, info={"label": _l("Annual rate")})
    apr: Mapped[Decimal | None] = mapped_column(Rate,  # annualized rate, IRR method, all fees
                                                info={"label": _l("Annualized rate (IRR)")})
    months: Mapped[int] = mapped_column(Integer, info={"label": _l("Term (months)")})
    method: Mapped[str] = coded(RepaymentMethod, "method", label=_l("Method"))
    day_count: Mapped[str] = coded(DayCount, "day_count", default="30/360", label=_l("Day count"))
    grace_months: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                              info={"label": _l("Grace months")})
    overdue_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0.18"),
                                                  info={"label": _l("Overdue (penalty) rate")})
    start_date: Mapped[dt.date] = mapped_column(Date, info={"label": _l("Start date")})
    first_due_date: Mapped[dt.date | None] = mapped_column(Date,
                                                           info={"label": _l("First due date")})
    disbursed_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Disbursed on")})
    disbursed_amount: Mapped[Decimal | None] = mapped_column(Money,
                                                             info={"label": _l("Disbursed amount")})
    funder_reference: Mapped[str | None] = mapped_column(String(64),
                                                         info={"label": _l("Funder reference")})
    state: Mapped[str] = coded(LoanState, "state", default="pending", index=True, label=_l("State"))
    outstanding_principal: Mapped[Decimal] = mapped_column(
        Money, default=ZERO, info={"label": _l("Outstanding principal")})
    customer_credit: Mapped[Decimal] = mapped_column(Money, default=ZERO, server_default="0",
                                                     info={"label": _l("Customer credit")})
    days_past_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True,
                                               info={"label": _l("Days past due")})
    settled_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Settled on")})
    # The product's rules as they were when the loan was booked (a later product edit
    # does not change a signed loan).
    allocation_order: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_ALLOCATION_ORDER, server_default=DEFAULT_ALLOCATION_ORDER,
        info={"label": _l("Allocation order")})
    allocation_strategy: Mapped[str] = coded(AllocationStrategy, "allocation_strategy",
                                             default="vertical", label=_l("Allocation strategy"))
    settlement_interest: Mapped[str] = coded(SettlementInterest, "settlement_interest",
                                             default="to_date",
                                             label=_l("Interest on early settlement"))

    application = relationship("Application", info={"label": _l("Application")})
    customer = relationship("Customer", info={"label": _l("Customer")})
    product = relationship("LoanProduct", info={"label": _l("Product")})
    funder = relationship("Funder", info={"label": _l("Funder")})
    channel = relationship("Channel", info={"label": _l("Channel")})
    installments = relationship("Installment", back_populates="loan",
                                order_by="Installment.n", cascade="all, delete-orphan",
                                info={"label": _l("Installments")})
    repayments = relationship("Repayment", back_populates="loan", info={"label": _l("Repayments")})

    def __repr__(self) -> str:
        return self.number


DUE_COVERED = ["loan_id", "state", "principal", "interest", "fee", "paid_principal",
               "paid_interest", "paid_fee", "paid_on"]


class Installment(Model):
    __tablename__ = "installment"
    __scope_parent__ = "loan"  # scoped through its loan
    __table_args__ = (
        UniqueConstraint("loan_id", "n"),
        CheckConstraint("n >= 1", name="n_positive"),
        non_negative("principal"), non_negative("interest"), non_negative("fee"),
        non_negative("penalty"), non_negative("paid_principal"), non_negative("paid_interest"),
        non_negative("paid_fee"), non_negative("paid_penalty"),
        CheckConstraint("paid_principal <= principal", name="paid_principal_le"),
        Index("ix_installment_state_due", "state", "due_date",
              postgresql_include=["loan_id"]),
        # The late installments (the vintage curves); on PostgreSQL only those ever late,
        # with what the curves read.
        Index("ix_installment_max_dpd", "max_dpd",
              postgresql_include=["loan_id", "due_date", "state"],
              postgresql_where=text("max_dpd > 0")),
        # The installments due in a period, with what the repayments report sums, read from
        # the index alone on PostgreSQL (a month's installments are spread over the whole
        # table: rows are written per loan at booking).
        Index("ix_installment_due_date", "due_date", postgresql_include=DUE_COVERED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"))
    n: Mapped[int] = mapped_column(Integer, info={"label": _l("No.")})
    due_date: Mapped[dt.date] = mapped_column(Date, info={"label": _l("Due date")})
    principal: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Principal")})
    interest: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Interest")})
    fee: Mapped[Decimal] = mapped_column(Money, default=ZERO, info={"label": _l("Fee")})
    penalty: Mapped[Decimal] = mapped_column(Money, default=ZERO,
                                             info={"label": _l("Penalty interest")})
    paid_principal: Mapped[Decimal] = mapped_column(Money, default=ZERO,
                                                    info={"label": _l("Principal paid")})
    paid_interest: Mapped[Decimal] = mapped_column(Money, default=ZERO,
                                                   info={"label": _l("Interest paid")})
    paid_fee: Mapped[Decimal] = mapped_column(Money, default=ZERO, info={"label": _l("Fee paid")})
    paid_penalty: Mapped[Decimal] = mapped_column(Money, default=ZERO,
                                                  info={"label": _l("Penalty paid")})
    state: Mapped[str] = coded(InstallmentState, "state", default="due", label=_l("State"))
    days_past_due: Mapped[int] = mapped_column(Integer, default=0, server_default="0",
                                               info={"label": _l("Days past due")})
    # The most days it has been past due: paid late → paid_on − due_date; unpaid → today's
    # days past due. Indexed: the few late installments are found without reading the rest.
    max_dpd: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    paid_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Paid on")})

    loan = relationship("Loan", back_populates="installments", info={"label": _l("Loan")})

    # What the screens show of these properties, as columns are labelled (app/models/labels.py).
    __labels__ = {"total_due": _l("Total due"), "still_owed": _l("Still owed")}

    @property
    def total_due(self) -> Decimal:
        return self.principal + self.interest + self.fee + self.penalty

    @property
    def total_paid(self) -> Decimal:
        return self.paid_principal + self.paid_interest + self.paid_fee + self.paid_penalty

    @property
    def still_owed(self) -> Decimal:
        return self.total_due - self.total_paid

    def __repr__(self) -> str:
        return f"#{self.n} {self.due_date}"


class Repayment(Model):
    """Money received. Never deleted: a mistake is undone by a reversing entry."""

    __tablename__ = "repayment"
    __scope_parent__ = "loan"  # scoped through its loan
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_nonzero"),
        UniqueConstraint("loan_id", "reference"),
        Index("ix_repayment_loan_paid_on", "loan_id", "paid_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[int] = mapped_column(ForeignKey("loan.id"))
    paid_on: Mapped[dt.date] = mapped_column(Date, index=True, info={"label": _l("Paid on")})
    amount: Mapped[Decimal] = mapped_column(Money,  # negative for a reversal
                                            info={"label": _l("Amount")})
    channel: Mapped[str | None] = mapped_column(String(32), info={"label": _l("Channel")})
    reference: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Reference")})
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True,
                                                        info={"label": _l("Idempotency key")})
    reversal_of_id: Mapped[int | None] = mapped_column(ForeignKey("repayment.id"), unique=True)
    reason: Mapped[str | None] = mapped_column(Text, info={"label": _l("Reason")})
    # A partial prepayment: what finance chose for the regenerated schedule.
    prepayment: Mapped[str | None] = coded(PrepaymentMode, "prepayment", nullable=True,
                                           label=_l("Prepayment"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    loan = relationship("Loan", back_populates="repayments", info={"label": _l("Loan")})
    reversal_of = relationship("Repayment", remote_side=[id], info={"label": _l("Reverses")})
    recorded_by = relationship("Staff", info={"label": _l("Recorded by")})
    allocations = relationship("RepaymentAllocation", back_populates="repayment",
                               cascade="all, delete-orphan", info={"label": _l("Allocations")})

    def __repr__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class RepaymentAllocation(Model):
    __tablename__ = "repayment_allocation"
    __scope_parent__ = "repayment"  # scoped through its repayment

    id: Mapped[int] = mapped_column(primary_key=True)
    repayment_id: Mapped[int] = mapped_column(ForeignKey("repayment.id"), index=True)
    installment_id: Mapped[int | None] = mapped_column(ForeignKey("installment.id"), index=True)
    part: Mapped[str] = coded(AllocationPart, "part", label=_l("Allocated to"))
    amount: Mapped[Decimal] = mapped_column(Money, info={"label": _l("Amount")})
    # The day the money was applied: the payment day, or later for a credit (an
    # overpayment) used when the next installment fell due.
    applied_on: Mapped[dt.date | None] = mapped_column(Date, info={"label": _l("Applied on")})

    repayment = relationship("Repayment", back_populates="allocations",
                             info={"label": _l("Repayment")})
    installment = relationship("Installment", info={"label": _l("Installment")})

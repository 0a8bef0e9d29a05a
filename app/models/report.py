"""Month-end pictures of the loan book, for the trends the reports and dashboard draw.

A loan's overdue state on a past date cannot be read back from the current rows cheaply, so
the daily job keeps one row per (month, owner, team, branch, product, funder) with the book
as of its latest run in that month; a past month keeps its last run (its month end).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, Money, OwnedMixin, non_negative


class PortfolioSnapshot(OwnedMixin, Model):
    __tablename__ = "portfolio_snapshot"
    __table_args__ = (
        non_negative("outstanding"), non_negative("overdue_principal"),
        Index("ix_portfolio_snapshot_month", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    as_of: Mapped[dt.date] = mapped_column(Date)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("loan_product.id"))
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funder.id"))
    loans: Mapped[int] = mapped_column(Integer)
    outstanding: Mapped[Decimal] = mapped_column(Money)
    overdue_loans: Mapped[int] = mapped_column(Integer)
    overdue_principal: Mapped[Decimal] = mapped_column(Money)
    par30_principal: Mapped[Decimal] = mapped_column(Money)

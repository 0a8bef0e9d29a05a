"""Shared column types and mixins for LoanDesk models.

FAB's ``Model`` is the declarative base, so business tables share one metadata with FAB's
security tables (``ab_user`` …) and Alembic sees them all.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    func,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .enums import LabelledEnum

# Named constraints keep Alembic migrations (and SQLite batch mode) deterministic.
Model.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Money is NUMERIC(18,2) and read back as Decimal; rates keep 6 decimal places.
Money = Numeric(18, 2, asdecimal=True)
Rate = Numeric(12, 6, asdecimal=True)

__all__ = [
    "Decimal",
    "Model",
    "Money",
    "OwnedMixin",
    "Rate",
    "TimestampMixin",
    "VersionedMixin",
    "coded",
    "non_negative",
    "positive",
    "utcnow",
]


def coded(enum: type[LabelledEnum], name: str, *, default: str | None = None,
          nullable: bool = False, index: bool = False, label: object = None):
    """A coded-value column: VARCHAR + CHECK constraint, with the enum (and the column's
    label, app/models/labels.py) kept in ``info``."""
    info = {"choices": enum} if label is None else {"label": label, "choices": enum}
    return mapped_column(
        String(32), CheckConstraint(enum.check_sql(name), name=name), default=default,
        server_default=default, nullable=nullable, index=index, info=info,
    )


def positive(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} > 0", name=f"{column}_positive")


def non_negative(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} >= 0", name=f"{column}_non_negative")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def mixin_indexes(cls, column: str) -> bool:
    """Whether a mixin indexes ``column`` itself: not when the model's ``__table_args__``
    declare that index (with covering columns on PostgreSQL), listing it in
    ``indexes_declared``."""
    return column not in getattr(cls, "indexes_declared", ())


class TimestampMixin:
    # Indexed: lists are ordered newest first by default.
    @declared_attr
    def created_at(cls) -> Mapped[dt.datetime]:
        return mapped_column(DateTime, default=utcnow, server_default=func.current_timestamp(),
                             nullable=False, index=mixin_indexes(cls, "created_at"))

    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, server_default=func.current_timestamp(),
        nullable=False,
    )


class VersionedMixin:
    """A record staff edit in forms: ``row_version`` goes up by one on every UPDATE, which
    is made ``WHERE row_version = <the version read>`` (SQLAlchemy's version counter). A save
    from a form opened before someone else's save is refused instead of overwriting it."""

    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1,
                                             server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.row_version}


SCOPE_COLUMNS = ("owner_id", "team_id", "branch_id")


def id_indexes(table: str, *columns: str) -> tuple[Index, ...]:
    """Indexes of ``columns`` carrying the row id on PostgreSQL (SQLite's carry it anyway),
    for the scope and the reports' dimensions: a join on the id filtered or grouped by one
    of them — a manager's figures over their branch's loans' installments, repayments by
    channel — reads (column, id) from the index alone.  The model lists the columns in
    ``indexes_declared``."""
    return tuple(Index(f"ix_{table}_{column}", column, postgresql_include=["id"])
                 for column in columns)


class OwnedMixin:
    """A business record belongs to a staff member, their team and their branch.

    Row-level scoping (own / team / branch / all) filters on these three columns, so each
    is indexed. Team and branch are copied from the owner when the record is created, so
    a record stays with the branch that made it even if its owner later moves.
    """

    @declared_attr
    def owner_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("staff.id"),
                             index=mixin_indexes(cls, "owner_id"), nullable=True)

    @declared_attr
    def team_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("team.id"),
                             index=mixin_indexes(cls, "team_id"), nullable=True)

    @declared_attr
    def branch_id(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("branch.id"),
                             index=mixin_indexes(cls, "branch_id"), nullable=True)

    @declared_attr
    def owner(cls):
        # active_history: a form that sets the owner (even to nothing) is compared with the
        # owner as stored, loaded first if need be, so the ownership check sees the change
        # (an unloaded owner replaced by None looked unchanged and was saved).
        return relationship("Staff", foreign_keys=f"{cls.__name__}.owner_id",
                            active_history=True, info={"label": _l("Owner")})

    @declared_attr
    def team(cls):
        return relationship("Team", foreign_keys=f"{cls.__name__}.team_id",
                            info={"label": _l("Team")})

    @declared_attr
    def branch(cls):
        return relationship("Branch", foreign_keys=f"{cls.__name__}.branch_id",
                            info={"label": _l("Branch")})

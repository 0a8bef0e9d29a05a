"""Organisation: Branch → Team → Staff (a staff profile linked to a FAB login)."""

from __future__ import annotations

from decimal import Decimal

from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Rate, TimestampMixin, VersionedMixin, coded
from .enums import CommissionBasis


class Branch(TimestampMixin, VersionedMixin, Model):
    __tablename__ = "branch"
    __small__ = True  # a short list: related fields may offer every row

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    city: Mapped[str | None] = mapped_column(String(50), info={"label": _l("City")})
    address: Mapped[str | None] = mapped_column(String(255), info={"label": _l("Address")})
    phone: Mapped[str | None] = mapped_column(String(30), info={"label": _l("Phone")})

    teams = relationship("Team", back_populates="branch", info={"label": _l("Teams")})

    def __repr__(self) -> str:
        return self.name


class Team(TimestampMixin, VersionedMixin, Model):
    __tablename__ = "team"
    __small__ = True  # a short list: related fields may offer every row
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    leader_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("staff.id", use_alter=True), nullable=True
    )

    branch = relationship("Branch", back_populates="teams", info={"label": _l("Branch")})
    leader = relationship("Staff", foreign_keys=[leader_id], post_update=True,
                          info={"label": _l("Team leader")})

    def __repr__(self) -> str:
        return self.name


class Staff(TimestampMixin, VersionedMixin, Model):
    """A staff profile; the login itself is FAB's ``ab_user``."""

    __tablename__ = "staff"
    __small__ = True  # a short list: related fields may offer every row

    __table_args__ = (
        CheckConstraint("commission_rate >= 0 AND commission_rate <= 1",
                        name="commission_rate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(64), index=True, info={"label": _l("Full name")})
    employee_no: Mapped[str | None] = mapped_column(String(32), unique=True,
                                                    info={"label": _l("Employee no.")})
    title: Mapped[str | None] = mapped_column(String(64), info={"label": _l("Job title")})
    phone: Mapped[str | None] = mapped_column(String(30), info={"label": _l("Phone")})
    email: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # The salesperson's own commission on the loans they bring in (0 = none).
    commission_basis: Mapped[str] = coded(CommissionBasis, "commission_basis", default="fee",
                                          label=_l("Commission basis"))
    commission_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal(0),
                                                     server_default="0",
                                                     info={"label": _l("Commission rate")})

    user = relationship(User, foreign_keys=[user_id])
    branch = relationship("Branch", foreign_keys=[branch_id], info={"label": _l("Branch")})
    team = relationship("Team", foreign_keys=[team_id], info={"label": _l("Team")})

    def __repr__(self) -> str:
        return self.full_name

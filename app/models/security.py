"""Login protection kept in the database, so every app server agrees on it."""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model


class LoginLockout(Model):
    """Failed logins per username (existing or not) and the lock they earned."""

    __tablename__ = "login_lockout"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(256), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSetting(Model):
    """Per-login preferences that follow the person across sessions (the UI language)."""

    __tablename__ = "user_setting"
    __small__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"),
                                         unique=True)
    locale: Mapped[str | None] = mapped_column(String(16), info={"label": _l("Language")})

"""The few SQL expressions that differ between SQLite and PostgreSQL (dates and periods).

Every report groups in the database; these helpers build the grouping keys and date
arithmetic for the dialect in use, so the same report runs on both.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, g, has_app_context
from sqlalchemy import (
    Integer,
    String,
    cast,
    create_engine,
    extract,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Session

from app.extensions import db


def reader():
    """The session the reports read with: a read replica when ``REPORTS_DATABASE_URL`` is
    set (a firm past one server), else the app's own session."""
    url = current_app.config.get("REPORTS_DATABASE_URL")
    if not url:
        session = db.session
    else:
        if "loandesk_reader" not in g:
            engines = current_app.extensions.setdefault("loandesk_reports_engine", {})
            if url not in engines:
                engines[url] = create_engine(url, pool_pre_ping=True)
            g.loandesk_reader = Session(engines[url])
        session = g.loandesk_reader
    if "loandesk_reader_tuned" not in g:
        g.loandesk_reader_tuned = True
        if session.get_bind().dialect.name == "postgresql":
            # The reports' statements take well under a second: compiling them (JIT, which
            # their cost estimates on a large book switch on) cost 50-150 ms each.
            session.execute(text("SET LOCAL jit = off"))
    return session


def close_reader(_error=None) -> None:
    if has_app_context():
        g.pop("loandesk_reader_tuned", None)
        if "loandesk_reader" in g:
            g.pop("loandesk_reader").close()


def postgres() -> bool:
    return reader().get_bind().dialect.name == "postgresql"


def utc_shift_minutes(on: dt.date) -> int:
    """The firm's offset from UTC on ``on`` (timestamps are stored in UTC)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")
    offset = dt.datetime.combine(on, dt.time(12), zone).utcoffset() or dt.timedelta()
    return int(offset.total_seconds() // 60)


def utc_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start 00:00, end+1 00:00) on the firm's clock, as naive UTC datetimes."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "Asia/Shanghai")

    def utc(day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time(0), zone)
        return local.astimezone(dt.UTC).replace(tzinfo=None)

    return utc(start), utc(end + dt.timedelta(days=1))


def local_time(column, shift: int):
    """A stored UTC timestamp moved to the firm's clock (a fixed offset: China has no DST)."""
    if postgres():
        return column + literal_column(f"INTERVAL '{int(shift)} minutes'")
    return func.datetime(column, f"{int(shift):+d} minutes")


def period(column, grain: str):
    """The period a date (or local timestamp) falls in: 2026-11-29, the week's Monday, 2026-11."""
    if postgres():
        if grain == "day":
            return func.to_char(column, "YYYY-MM-DD")
        if grain == "week":
            return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
        return func.to_char(column, "YYYY-MM")
    if grain == "day":
        return func.strftime("%Y-%m-%d", column)
    if grain == "week":  # the Sunday on or after, less six days: that week's Monday
        return func.date(column, "weekday 0", "-6 days")
    return func.strftime("%Y-%m", column)


def hours_between(start, end):
    if postgres():
        return extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def plus_days(column, days: int):
    if postgres():
        return column + int(days)
    return func.date(column, f"{int(days):+d} days")


def days_between(start, end):
    """Whole days from ``start`` to ``end`` (two dates)."""
    if postgres():
        return end - start
    return cast(func.julianday(end) - func.julianday(start), Integer)


def months_between(start, end):
    """Whole calendar months from ``start``'s month to ``end``'s (Jan 31 → Feb 1 is 1)."""
    if postgres():
        return cast((extract("year", end) - extract("year", start)) * 12
                    + extract("month", end) - extract("month", start), Integer)
    year = cast(func.strftime("%Y", end), Integer) - cast(func.strftime("%Y", start), Integer)
    month = cast(func.strftime("%m", end), Integer) - cast(func.strftime("%m", start), Integer)
    return year * 12 + month


def as_text(expression):
    return cast(expression, String)

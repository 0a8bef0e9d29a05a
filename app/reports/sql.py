"""The few SQL expressions that differ between SQLite and PostgreSQL (dates and periods).

Every report groups in the database; these helpers build the grouping keys and date
arithmetic for the dialect in use, so the same report runs on both.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Integer, String, cast, extract, func, literal_column

from app.extensions import db


def postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


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

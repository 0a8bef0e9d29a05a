"""The rule a column's values are held to, looked up in one place by the forms and the API.

A column names its rule with ``info={"rule": fn}``, ``fn`` a domain check (value -> msgid
or None, see app/domain/validators.py); a coded column (``info={"choices": Enum}``) is held
to its code list and a money column (NUMERIC(…, 2)) to the fen without saying so.  The
forms (app/views/validators.py) and the API (``body_errors`` in app/api/base.py) both ask
``column_error``, so a rule is never written twice.

A value comes as a form has it (already a Decimal or a date) or as JSON sent it (text, a
number); one this module cannot read as the column's type is left to the type check that
follows (the form field's, marshmallow's), which says "not a number" better.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlalchemy import Date, DateTime, Numeric

from ..domain.i18n import N_
from ..domain.money import fen_error


def _as_decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float | str):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            return None
    return None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def column_error(column, value: object) -> str | None:
    """The msgid of why ``value`` cannot go into ``column``, or None (also for no value)."""
    choices = column.info.get("choices")
    if choices is not None and isinstance(value, str) and value not in choices.labels():
        return N_("Choose one of the listed values.")  # "" too: no value is None
    if value is None or (value == "" and column.nullable):
        return None  # no value: a required field's own check says so
    kind = column.type
    if isinstance(kind, Numeric) and kind.scale == 2:
        amount = _as_decimal(value)
        if amount is not None and (problem := fen_error(amount)) is not None:
            return problem
    rule = column.info.get("rule")
    if rule is None:
        return None
    if isinstance(kind, DateTime):
        return None  # no rule reads a moment yet
    if isinstance(kind, Date):
        value = _as_date(value)
        return None if value is None else rule(value)
    return rule(value) if isinstance(value, str) else None


def model_column(model, name: str):
    """The mapped column ``name`` of ``model``, or None (a relation, an extra form field)."""
    columns = model.__mapper__.columns
    return columns.get(name)

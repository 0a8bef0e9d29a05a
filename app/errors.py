"""Render domain errors for people: translated per request, keyed by field."""

from __future__ import annotations

from flask_babel import gettext

from app.domain import DomainError


def translate(msgid: str, params: dict) -> str:
    # gettext does the %-substitution itself, and escapes nothing: callers render as text.
    return gettext(msgid, **params) if params else gettext(msgid)


def field_errors(error: DomainError) -> dict[str, list[str]]:
    return {field: [translate(m, p) for m, p in msgs] for field, msgs in error.errors.items()}


def save_refused() -> str:
    """What a person is told when the database refuses a save: never the error itself (it
    carries the SQL statement and every value)."""
    return gettext("The record was not saved: the database refused one of its values. "
                   "Check the values and try again.")

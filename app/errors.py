"""Refusals and domain errors, for people: translated per request, keyed by field.

``Refused`` is the one base of every refusal a service raises (a loan action, a contract
action, an application's move, an upload, a save the user may not make, a record changed
meanwhile): the reason in the user's language, the reasons per field, and the HTTP status
it is answered with.  The REST API answers every one the same way (``refusal_response`` in
app/api/base.py) and the screens flash it the same way (app/views/refusals.py); the status
table is in the README (REST API).

``DomainError`` (app/domain) is not one of them: the pure domain knows neither requests nor
languages, and its errors carry msgids with parameters.  A service turns one into a refusal
with ``Refused.from_domain`` (translated here, per field: 422).
"""

from __future__ import annotations

from flask_babel import gettext

from app.domain import DomainError

# The statuses a refusal is answered with (README, REST API): 403 the user may not do it,
# 409 the record's state (or data) does not allow it now, 422 what was sent is refused by
# field.  400 (malformed) and 404 (out of scope) are the resources' own, before any service.
NOT_ALLOWED, CONFLICT, FIELD_ERRORS = 403, 409, 422


class Refused(Exception):
    """A refused action or save: nothing of it was kept.

    ``message`` is the reason (None when the refusal is only per field, as FAB's own 422),
    ``errors`` the reasons per field ({field: [messages]}), ``field`` the one field the
    reason is about, if any.  ``status``: given, else 422 with field errors, else the
    class's (409: the record's state does not allow it).  ``answer`` is what an API
    answer's ``message`` says: the reason, or the reasons per field as they were given."""

    status = CONFLICT

    def __init__(self, message: str | None, errors: dict | None = None, *,
                 field: str | None = None, status: int | None = None) -> None:
        self.message = message
        self.errors = {name: [reasons] if isinstance(reasons, str) else list(reasons)
                       for name, reasons in (errors or {}).items()}
        self.answer = message if message is not None else dict(errors or {})
        self.field = field
        if status is not None:
            self.status = status
        elif self.errors:
            self.status = FIELD_ERRORS
        super().__init__(self.answer)

    @classmethod
    def from_domain(cls, error: DomainError, **kwargs) -> Refused:
        """The refusal of input the domain found wrong, field by field."""
        return cls(gettext("Please correct the errors below."), field_errors(error), **kwargs)

    def __str__(self) -> str:
        if self.message is not None:
            return str(self.message)
        return " ".join(m for messages in self.errors.values() for m in messages)


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

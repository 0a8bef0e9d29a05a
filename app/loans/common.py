"""What the loan actions share: the refusal they raise (a translated message per field; their
input is declared in ``inputs``), and ``step()``, the one transaction each action runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import gettext

from app.domain import DomainError, ErrorCollector
from app.domain.money import round_money
from app.errors import field_errors
from app.extensions import db


class LoanRefused(Exception):
    """A refused action: a message for the page, and per-field messages for forms/API."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


def refuse(error: DomainError) -> LoanRefused:
    return LoanRefused(gettext("Please correct the errors below."), field_errors(error))


def refuse_field(field: str, msgid: str, **params) -> LoanRefused:
    return refuse(DomainError.single(field, msgid, **params))


def check(errs: ErrorCollector) -> None:
    """Refuse (LoanRefused, per field) if the input had any error."""
    if errs.errors:
        raise refuse(DomainError(errs.errors))


@contextmanager
def step() -> Iterator[None]:
    """One business action: committed when the block ends; on any failure everything it did
    is rolled back, and a business-rule error is answered as a LoanRefused."""
    try:
        yield
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise refuse(error) from None
    except BaseException:
        db.session.rollback()
        raise


money = round_money  # half-up to the fen, under the name the loan services call it by

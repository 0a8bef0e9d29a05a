"""What the loan actions share: the refusal they raise (a translated message per field; their
input is declared in ``inputs``), and ``step()``, the one transaction each action runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from app.domain import DomainError, ErrorCollector
from app.domain.money import round_money
from app.errors import Refused
from app.extensions import db


class LoanRefused(Refused):
    """A refused action: a message for the page, and per-field messages for forms/API
    (422 with field errors, else 409: the loan's state does not allow it)."""


def refuse(error: DomainError) -> LoanRefused:
    return LoanRefused.from_domain(error)


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

"""What the loan actions share: the refusal they raise, input checks with a translated message
per field, and ``step()``, the one transaction each action runs in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.domain import DomainError, ErrorCollector
from app.domain.i18n import N_
from app.errors import Refused
from app.extensions import db
from app.quotes.parse import _decimal

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(100000000)


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


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount_field(value: Any, field: str, errs: ErrorCollector) -> Decimal | None:
    amount = _decimal(value, field, errs)
    if amount is None:
        return None
    if amount <= 0:
        errs.add(field, N_("The amount must be greater than 0."))
    elif amount > MAX_AMOUNT:  # before quantize: beyond 28 digits it raises InvalidOperation
        errs.add(field, N_("The amount is too large."))
    elif amount != amount.quantize(CENT):
        errs.add(field, N_("The amount must have at most 2 decimal places."))
    else:
        return amount
    return None


def text_field(value: Any, field: str, errs: ErrorCollector, *, limit: int,
               required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errs.add(field, N_("This field is required."))
        return None
    if not isinstance(value, str):
        errs.add(field, N_("Enter text."))
        return None
    text = value.strip()
    if len(text) > limit:
        errs.add(field, N_("At most %(n)s characters."), n=limit)
        return None
    if any(ord(c) < 32 for c in text):
        errs.add(field, N_("Control characters are not allowed."))
        return None
    return text

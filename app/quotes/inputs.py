"""Loan terms as a quote's input (JSON from the schedule API, query args from the calculator),
declared as a schema, read into ``LoanTerms``.

Only typing happens here — "is it a number, a date, a known word" — each failure reported on
its own field; the business rules (ranges, methods, dates) are the domain's ``validate_terms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import ValidationError, fields

from app.domain import DomainError
from app.domain.i18n import N_
from app.domain.schedule import DayCount, Fee, LoanTerms, Method, validate_terms
from app.inputs import Choice, Day, Flag, Input, InputField, Message, Number, Whole, load

FEE_KINDS = ("upfront", "per_installment")


class FeeInput(Input):
    """One fee; ``Fees`` words its refusals per fee ("Fee 2: …")."""

    kind = Choice(FEE_KINDS, required=True)
    amount = Number(load_default=None)
    rate = Number(load_default=None)
    deducted = Flag(Message(N_("Fee %(n)s: deducted must be true or false.")),
                    load_default=False)


FEE_FIELDS = frozenset(FeeInput._declared_fields)
# What a fee that did not load is told, the first that applies (n: its place in the list).
FEE_REFUSALS = (
    ("kind", N_("Fee %(n)s: kind must be upfront or per_installment.")),
    ("deducted", N_("Fee %(n)s: deducted must be true or false.")),
    ("amount", N_("Fee %(n)s: amount and rate must be numbers.")),
    ("rate", N_("Fee %(n)s: amount and rate must be numbers.")),
)


class Fees(InputField, fields.Field):
    """A list of fees (blank: none); each one refused on its own, the valid ones kept."""

    default_error_messages: ClassVar[dict[str, Message]] = {"invalid": Message(N_("Fees must be a list.")),
                              "null": Message(N_("Fees must be a list."))}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> tuple[Fee, ...]:
        if not isinstance(value, list):
            raise self.make_error("invalid")
        fees, refusals = [], []
        for n, raw in enumerate(value, start=1):
            refusal = None
            if not isinstance(raw, Mapping):
                refusal = Message(N_("Fee %(n)s: must be an object."), n=n)
            elif unknown := set(raw) - FEE_FIELDS:
                refusal = Message(N_("Fee %(n)s: unknown field %(field)s."), n=n,
                                  field=", ".join(sorted(unknown)))
            else:
                try:
                    fees.append(Fee(**FeeInput().load(raw)))
                except ValidationError as error:
                    msgid = next(m for f, m in FEE_REFUSALS if f in error.messages)
                    refusal = Message(msgid, n=n)
            if refusal is not None:
                refusals.append(refusal)
        if refusals:
            raise ValidationError(refusals, valid_data=tuple(fees))
        return tuple(fees)


class TermsInput(Input):
    principal = Number(required=True)
    annual_rate = Number(required=True)
    months = Whole(required=True)
    method = Choice([m.value for m in Method], enum=Method, required=True)
    start_date = Day(required=True)
    first_due_date = Day(load_default=None)
    repayment_day = Whole(load_default=None)
    grace_months = Whole(load_default=0)
    day_count = Choice([d.value for d in DayCount], enum=DayCount,
                       load_default=DayCount.THIRTY_360)
    fees = Fees(load_default=())


# What a field that did not parse stands at while the others are checked by the domain.
NOT_PARSED = {"principal": None, "annual_rate": None, "months": None, "method": None,
              "start_date": None, "first_due_date": None, "repayment_day": None,
              "grace_months": 0, "day_count": None, "fees": ()}


def parse_terms(data: Any) -> LoanTerms:
    """``LoanTerms`` from a JSON object, or DomainError naming each bad field."""
    if not isinstance(data, Mapping):
        raise DomainError.single("_schema", N_("Send a JSON object."))
    values, errs = load(TermsInput(), data)
    terms = LoanTerms(**{**NOT_PARSED, **values})
    if errs.errors:
        # Report the business-rule problems of the fields that did parse, too, so one answer
        # names every bad field.
        try:
            validate_terms(terms)
        except DomainError as error:
            for field, messages in error.errors.items():
                if not errs.has(field):
                    errs.errors[field] = messages
        errs.raise_if_any()
    return terms

"""The fields action inputs are declared with: marshmallow fields that read a form (strings,
"" for a blank input) and a JSON body (strings or numbers) alike, and answer only with the
firm's own messages.

A field's messages are ``Message``s: a msgid with its parameters, never marshmallow's
English.  ``load()`` returns the values that parsed and the refusals as an ``ErrorCollector``
(msgid and parameters per field), the shape of every other business-rule error here, so the
web layer translates them in the request's language when it shows the refusal, beside the
field.  Schemas raise on unknown keys (``Unknown field.``); form controls that are not input
(the CSRF token) are declared as ignored.  No Flask here: the services load their input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar, Self

from marshmallow import RAISE, Schema, ValidationError, fields, missing, pre_load, validate

from app.domain import ErrorCollector
from app.domain.i18n import N_
from app.domain.money import CENT

MAX_AMOUNT = Decimal(100000000)  # what one action moves at most: 100 million yuan


class Message(str):
    """A msgid and its parameters, as a marshmallow error message.  marshmallow formats a
    plain string with ``str.format``; a Message keeps its msgid (the parameters are applied
    with the translation, when the refusal is shown)."""

    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Self:
        message = super().__new__(cls, msgid)
        message.params = params
        return message

    def format(self, *args: Any, **kwargs: Any) -> Message:
        return self


REQUIRED = Message(N_("This field is required."))
NUMBER = Message(N_("Enter a number, such as 100000.00."))
CHOOSE = N_("Choose one of: %(choices)s.")


class InputField:
    """What every input field shares: a blank value (None, or "" as a form sends an empty
    input) is a missing one — required, or the field's default."""

    blank_spaces = False  # text fields: only spaces is blank too
    default_error_messages: ClassVar[dict[str, Message]] = {"required": REQUIRED, "null": REQUIRED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whatever marshmallow could still say in its own words says "invalid" in ours.
        invalid = self.error_messages.get("invalid")
        for key, message in self.error_messages.items():
            if not isinstance(message, Message):
                self.error_messages[key] = invalid if isinstance(invalid, Message) else REQUIRED

    def deserialize(self, value: Any, attr: str | None = None,
                    data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and (
                (value.strip() if self.blank_spaces else value) == "")):
            value = missing
        return super().deserialize(value, attr, data, **kwargs)


class Number(InputField, fields.Decimal):
    """A decimal number as text ("1,060.00", "1e3") or a JSON integer or decimal; never a
    float (binary: 0.1 is not 0.1), a boolean, NaN or infinity."""

    default_error_messages: ClassVar[dict[str, Message]] = {"invalid": NUMBER, "special": NUMBER, "too_large": NUMBER}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            raise self.make_error("invalid")
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise self.make_error("invalid") from None
        if not number.is_finite():
            raise self.make_error("special")
        return number


class Money(Number):
    """An amount of money: greater than 0, at most 2 decimal places (1060.005 is refused,
    never rounded), no more than MAX_AMOUNT; returned to the fen."""

    default_error_messages: ClassVar[dict[str, Message]] = {
        "not_positive": Message(N_("The amount must be greater than 0.")),
        "too_large": Message(N_("The amount is too large.")),
        "places": Message(N_("The amount must have at most 2 decimal places."))}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, rounding=ROUND_HALF_UP, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        amount = super()._deserialize(value, attr, data, **kwargs)
        if amount <= 0:
            raise self.make_error("not_positive")
        if amount > MAX_AMOUNT:  # before quantize: beyond 28 digits it raises InvalidOperation
            raise self.make_error("too_large")
        if amount != amount.quantize(CENT):
            raise self.make_error("places")
        return amount.quantize(self.places, rounding=self.rounding)


class Whole(InputField, fields.Integer):
    """A whole number: a JSON integer, or its digits as text ("12", "-3", "１２")."""

    default_error_messages: ClassVar[dict[str, Message]] = {"invalid": Message(N_("Enter a whole number.")),
                              "too_large": Message(N_("Enter a whole number."))}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, int):
            return value
        if isinstance(value, (str, Decimal)):
            text = str(value).strip()
            digits = text.removeprefix("-")
            if digits.isdigit() and len(text) < 10:
                try:
                    return int(text)
                except ValueError:  # a digit int() does not read, such as "²"
                    pass
        raise self.make_error("invalid")


class Day(InputField, fields.Date):
    """A calendar date in ISO 8601 ("2026-01-15"; a real day, so not 2026-02-30)."""

    default_error_messages: ClassVar[dict[str, Message]] = {"invalid": Message(N_("Enter a real date as YYYY-MM-DD.")),
                              "format": Message(N_("Enter a real date as YYYY-MM-DD."))}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.make_error("invalid")


class Text(InputField, fields.String):
    """One line of text, trimmed: at most ``limit`` characters, no control characters."""

    blank_spaces = True
    default_error_messages: ClassVar[dict[str, Message]] = {"invalid": Message(N_("Enter text.")),
                              "invalid_utf8": Message(N_("Enter text.")),
                              "control": Message(N_("Control characters are not allowed."))}

    def __init__(self, *, limit: int, **kwargs: Any) -> None:
        self.limit = limit
        super().__init__(error_messages={
            "too_long": Message(N_("At most %(n)s characters."), n=limit)}, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = value.strip()
        if len(text) > self.limit:
            raise self.make_error("too_long")
        if any(ord(c) < 32 for c in text):
            raise self.make_error("control")
        return text


def one_of(codes: Iterable[str]) -> validate.OneOf:
    """The validator of a closed list of codes, naming them when it refuses one."""
    codes = tuple(codes)
    return validate.OneOf(codes, error=Message(CHOOSE, choices=", ".join(codes)))


class Choice(InputField, fields.Field):
    """One of ``codes`` (an enum's values), returned as the ``enum`` member when given."""

    def __init__(self, codes: Iterable[str], *, enum: type | None = None,
                 **kwargs: Any) -> None:
        self.enum = enum
        validator = one_of(codes)
        super().__init__(validate=validator, error_messages={"invalid": validator.error},
                         **kwargs)

    def deserialize(self, value: Any, attr: str | None = None,
                    data: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        code = super().deserialize(value, attr, data, **kwargs)
        return self.enum(code) if self.enum is not None and code is not None else code


class Flag(fields.Field):
    """A JSON true or false, nothing that merely looks like one ("yes", 1, null)."""

    def __init__(self, message: Message, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages = dict.fromkeys(("required", "null", "validator_failed",
                                             "invalid"), message)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Input(Schema):
    """An action's input: unknown keys are refused by name; ``ignored`` keys (the form's
    CSRF token, checked before the action runs) are dropped."""

    ignored: frozenset[str] = frozenset({"csrf_token"})
    error_messages: ClassVar[dict[str, Message]] = {"unknown": Message(N_("Unknown field.")),
                      "type": Message(N_("Send a JSON object."))}

    class Meta:
        unknown = RAISE

    @pre_load
    def _drop_ignored(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, Mapping):
            return {key: value for key, value in data.items() if key not in self.ignored}
        return data


def load(schema: Schema, data: Any) -> tuple[dict[str, Any], ErrorCollector]:
    """(the values that parsed, the refusals per field).  A field that failed is absent from
    the values; the caller adds its business checks to the same collector."""
    errs = ErrorCollector()
    try:
        return schema.load(data), errs
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {
            "_schema": error.messages}
        for field, found in messages.items():
            for message in found if isinstance(found, list) else [found]:
                message = message if isinstance(message, Message) else _fallback(schema, field)
                errs.add(str(field), str(message), **message.params)
        values = error.valid_data if isinstance(error.valid_data, dict) else {}
        return values, errs


def _fallback(schema: Schema, field: str) -> Message:
    # A message of marshmallow's own (a field or validator this module did not declare):
    # the field's "invalid" message stands in, so no English reaches a user.
    declared = schema.fields.get(field)
    invalid = declared.error_messages.get("invalid") if declared is not None else None
    return invalid if isinstance(invalid, Message) else Message(N_("Unknown field."))

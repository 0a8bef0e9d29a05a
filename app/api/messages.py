"""marshmallow's error messages in the user's language.

FAB's model APIs validate a body with marshmallow schemas it generates from the models;
marshmallow answers in English ("Not a valid number.", "Unknown field.", "Longer than
maximum length 100.").  ``install()`` replaces those defaults, once, with lazy translations,
so every schema answers in the request's language, keyed by the field as before.

It must run before the schemas are built (FAB builds them when the APIs are registered):
a field copies its class's messages when it is created.  Messages with a placeholder only
a validator fills in ({max}…) keep it; a field's own messages are not formatted when lazy,
so theirs have none.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from marshmallow_sqlalchemy.fields import Related

FIELD_MESSAGES = {
    fields.Field: {"required": _l("Missing data for required field."),
                   "null": _l("Field may not be null."),
                   "validator_failed": _l("Invalid value.")},
    fields.String: {"invalid": _l("Not a valid string."),
                    "invalid_utf8": _l("Not a valid utf-8 string.")},
    fields.Number: {"invalid": _l("Not a valid number."),
                    "too_large": _l("Number too large.")},
    fields.Integer: {"invalid": _l("Not a valid integer.")},
    fields.Decimal: {"special": _l("Special numeric values (nan or infinity) are not "
                                   "permitted.")},
    fields.Float: {"special": _l("Special numeric values (nan or infinity) are not "
                                 "permitted.")},
    fields.Boolean: {"invalid": _l("Not a valid boolean.")},
    fields.DateTime: {"invalid": _l("Not a valid date and time."),
                      "invalid_awareness": _l("Not a valid date and time.")},
    fields.Date: {"invalid": _l("Not a valid date.")},
    fields.Time: {"invalid": _l("Not a valid time.")},
    fields.List: {"invalid": _l("Not a valid list.")},
    fields.Mapping: {"invalid": _l("Not a valid mapping type.")},
    fields.Nested: {"type": _l("Invalid type.")},
    fields.Email: {"invalid": _l("Not a valid email address.")},
    fields.Enum: {"unknown": _l("Not one of the allowed values.")},
    Related: {"invalid": _l("Not a valid related record.")},
}
SCHEMA_MESSAGES = {"type": _l("Invalid input type."), "unknown": _l("Unknown field.")}
# Validators format their message when they refuse a value: placeholders stay.
VALIDATOR_MESSAGES = {
    validate.Length: {"message_min": _l("Shorter than minimum length {min}."),
                      "message_max": _l("Longer than maximum length {max}."),
                      "message_all": _l("Length must be between {min} and {max}."),
                      "message_equal": _l("Length must be {equal}.")},
    validate.OneOf: {"default_message": _l("Must be one of: {choices}.")},
    validate.Email: {"default_message": _l("Not a valid email address.")},
    validate.Regexp: {"default_message": _l("String does not match expected pattern.")},
}


def install() -> None:
    """Translate marshmallow's defaults (idempotent; affects schemas created after it)."""
    for field_class, messages in FIELD_MESSAGES.items():
        field_class.default_error_messages = {
            **field_class.__dict__.get("default_error_messages", {}), **messages}
    Schema.error_messages = {**Schema.error_messages, **SCHEMA_MESSAGES}
    for validator_class, messages in VALIDATOR_MESSAGES.items():
        for name, message in messages.items():
            setattr(validator_class, name, message)

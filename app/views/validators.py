"""Form validators for what the database's CHECK constraints refuse.

A value the database would refuse is refused by the form first, next to its field and in
the user's language, instead of failing the save (see ``LoanDeskModelView``'s generic
database-error message for anything that still slips through).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from ..domain.validators import legal_name_error, normalize_name
from ..models.rules import column_error, model_column

MAX_MONTHS = 360
MAX_MONEY = Decimal("1e16")  # NUMERIC(18, 2): at most 16 digits before the point


class _Bounded:
    """Refuses a value outside its bounds; a missing value is left to the field's own
    required/optional validator."""

    def __init__(self, message, *, above=None, least=None, most=None, below=None):
        self.message, self.above, self.least, self.most = message, above, least, most
        self.below = below

    def __call__(self, form, field):
        value = field.data
        if value is None or value == "":
            return
        if ((self.above is not None and not value > self.above)
                or (self.least is not None and value < self.least)
                or (self.most is not None and value > self.most)
                or (self.below is not None and not value < self.below)):
            raise ValidationError(str(self.message))


def positive_amount():
    return _Bounded(_l("The amount must be greater than 0."), above=0)


def money_in_range():
    return _Bounded(_l("The amount is too large."), below=MAX_MONEY)


def non_negative():
    return _Bounded(_l("Must be 0 or more."), least=0)


def term_months():
    return _Bounded(_l("Term must be a whole number of months from 1 to %(max)s.",
                       max=MAX_MONTHS), least=1, most=MAX_MONTHS)


def with_column_rules(form_class, model):
    """The form, plus the rule each model column declares (app/models/rules.py: names,
    e-mail, date of birth, phones, amounts to the fen, code lists) as field errors — the
    same rules the API applies.  A field its own validators already refused is left alone."""

    class RuledForm(form_class):
        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            for field in self:
                column = model_column(model, field.name)
                if column is None or field.errors:
                    continue
                if column.info.get("rule") is legal_name_error and isinstance(field.data, str):
                    field.data = normalize_name(field.data)  # a name is kept without blanks
                value = getattr(field, "typed", field.data)  # a sensitive field: as typed
                if (problem := column_error(column, value)) is not None:
                    field.errors = [*field.errors, gettext(problem)]
                    ok = False
            return ok

    RuledForm.__name__ = form_class.__name__
    return RuledForm

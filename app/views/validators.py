"""Form validators for what the database's CHECK constraints refuse.

A value the database would refuse is refused by the form first, next to its field and in
the user's language, instead of failing the save (see ``LoanDeskModelView``'s generic
database-error message for anything that still slips through).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

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

"""List filters on moments read what staff type on the firm's clock.

Moments are stored in UTC and shown on the firm's clock (``format_minute``); FAB's filters
compared a typed "2026-11-29 09:00" with the stored UTC value directly, eight hours off in
China.  The HTML lists' filters convert the typed moment to UTC first.  The REST API keeps
FAB's filters: it sends and documents its moments in UTC, so it is filtered in UTC too.
"""

from __future__ import annotations

from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterGreater,
    FilterNotEqual,
    FilterSmaller,
    SQLAFilterConverter,
    set_value_to_type,
)
from flask_babel import to_utc


class FirmClockMixin:
    def apply(self, query, value):
        moment = set_value_to_type(self.datamodel, self.column_name, value)
        if moment is None:  # not a moment: FAB's own handling (matches nothing)
            return super().apply(query, value)
        return super().apply(query, to_utc(moment))


class FirmClockEqual(FirmClockMixin, FilterEqual):
    pass


class FirmClockNotEqual(FirmClockMixin, FilterNotEqual):
    pass


class FirmClockGreater(FirmClockMixin, FilterGreater):
    pass


class FirmClockSmaller(FirmClockMixin, FilterSmaller):
    pass


ON_FIRM_CLOCK = {FilterEqual: FirmClockEqual, FilterNotEqual: FirmClockNotEqual,
                 FilterGreater: FirmClockGreater, FilterSmaller: FirmClockSmaller}


class FirmClockFilterConverter(SQLAFilterConverter):
    """FAB's filters, with those on date-time columns reading the firm's clock."""

    conversion_table = tuple(
        (kind, [ON_FIRM_CLOCK.get(f, f) for f in filters]) if kind == "is_datetime"
        else (kind, filters)
        for kind, filters in SQLAFilterConverter.conversion_table)

"""The views' data interface: FAB's, loading what a list shows in few queries, refusing a
save without showing the database's error text, and reading list filters on moments on
the firm's clock.

Moments are stored in UTC and shown on the firm's clock (``format_minute``); FAB's filters
compared a typed "2026-11-29 09:00" with the stored UTC value directly, eight hours off in
China.  The HTML lists' filters convert the typed moment to UTC first.  The REST API keeps
FAB's filters: it sends and documents its moments in UTC, so it is filtered in UTC too.
"""

from __future__ import annotations

from flask import g
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.filters import (
    FilterEqual,
    FilterGreater,
    FilterNotEqual,
    FilterSmaller,
    SQLAFilterConverter,
    set_value_to_type,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import to_utc
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..errors import save_refused
from ..permissions import OwnershipRefused
from ..versioning import ChangedMeanwhile, changed_message


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


class ModelInterface(SQLAInterface):
    """FAB's data interface, loading the many-to-one relations a list shows in one query
    each (``selectinload``) instead of one query per row and relation; its list filters on
    moments read the firm's clock."""

    filter_converter_class = FirmClockFilterConverter
    eager: tuple[str, ...] = ()

    def query(self, filters=None, order_column="", order_direction="", page=None,
              page_size=None, select_columns=None, outer_default_load=False):
        if not self.eager or select_columns:
            return super().query(filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)
        count = self.query_count(self.session.query(self.obj), filters)
        query = self.session.query(self.obj).options(
            *(selectinload(getattr(self.obj, name)) for name in self.eager))
        query = self.apply_all(query, filters, order_column, order_direction, page,
                               page_size)
        return count, query.all()

    def add(self, item, commit: bool = True) -> None:
        try:
            super().add(item, commit)  # rolls back, then re-raises the driver's error
        except SQLAlchemyError as error:
            # FAB's add form flashes str(error), its API answers "Database exception
            # occurred: <error>": the SQL statement and every value.  Both show this instead.
            raise OwnershipRefused(save_refused()) from error

    def edit(self, item, commit: bool = True) -> None:
        try:
            super().edit(item, commit)
        except DatabaseException as error:
            if isinstance(error.__cause__, StaleDataError):  # saved by someone meanwhile
                g.changed_meanwhile = True
                raise ChangedMeanwhile(changed_message()) from error
            raise OwnershipRefused(save_refused()) from error.__cause__

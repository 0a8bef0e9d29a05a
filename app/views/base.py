"""The one ModelView every generated CRUD screen derives from.

It adds what FAB leaves out for a firm's data: translated column labels and titles, coded
values shown as translated labels and edited through a select, AJAX selects for relations to
large tables, money formatted as money, and a streamed CSV export of the filtered list.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from flask import abort, g
from flask_appbuilder import ModelView
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Numeric
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField
from wtforms.validators import InputRequired, Optional

from ..editing import blank_to_null, check_edit
from ..errors import save_refused
from ..extensions import db
from ..i18n import format_day, format_minute, format_money
from ..models.base import OwnedMixin
from ..models.enums import LabelledEnum
from ..models.labels import labels_of
from ..permissions import (
    MODEL_VIEW_METHODS,
    OwnershipRefused,
    check_ownership,
    owner_choices,
)
from ..scoping import ScopeFilter, current_scope, is_scoped
from ..sensitive import (
    SENSITIVE_HELP,
    SensitiveField,
    hash_columns,
    hashed_filter_class,
    masked,
)
from ..versioning import VersionField, changed_message, check_unchanged
from .csv_export import CsvExportMixin
from .datamodel import ModelInterface
from .editing import EditingMixin
from .fields import (
    NO_CHOICE,
    AjaxSelectField,
    CodedSelectField,
    LocalDateTimeField,
    blank_choices_in_words,
    dates_keep_what_was_typed,
    firm_minute_now,
    with_units,
)
from .listing import ListingMixin
from .validators import with_column_rules

# FAB routes LoanDesk never serves (see LoanDeskModelView.exclude_route_methods).
NEVER = frozenset({"download", "action", "action_post"})
READ_ONLY = NEVER | {"add", "edit", "delete"}


def _database_errors_refused(hook):
    @functools.wraps(hook)
    def guarded(item) -> None:
        try:
            hook(item)
        except SQLAlchemyError as error:
            db.session.rollback()
            raise OwnershipRefused(save_refused()) from error

    return guarded


def is_large(model: type) -> bool:
    """Every LoanDesk table may grow past what a dropdown can hold, unless it is declared
    ``__small__`` (branches, products, channels…); FAB's own tables (users) are small."""
    return model.__module__.startswith("app.") and not getattr(model, "__small__", False)



def rate_text(value: object) -> str:
    """0.123456 → 12.3456%: staff read rates as percentages."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    return format((value * 100).normalize(), "f") + "%"


def yes_no(value: object) -> str:
    return "" if value is None else str(_l("Yes") if value else _l("No"))



def scalar_default(column) -> object:
    """The column's Python-side default when it is a plain value (``default=True``);
    None for none or a callable."""
    default = column.default
    return default.arg if default is not None and default.is_scalar else None


def blank_none(value: object) -> object:
    return "" if value is None else value


RATE_HELP = _l("A fraction of one: 0.12 means 12% a year.")


class LoanDeskModelView(ListingMixin, EditingMixin, CsvExportMixin, ModelView):
    """Declare ``entity`` / ``entity_plural`` (lazy labels) plus FAB's usual attributes.

    Permissions are collapsed per entity, as an admin reads them: "can read on Customer"
    covers list, show and the API's GETs; write covers add and edit; delete; export.  The
    view-menu name is the model's class name, shared with the entity's REST API.
    """

    entity: object = None
    entity_plural: object = None
    page_size = 25
    list_template = "loandesk/list.html"
    method_permission_name = MODEL_VIEW_METHODS
    # FAB's download/<filename> serves any upload to anyone; its bulk actions skip the
    # base filters. LoanDesk uses neither: files go through the scoped document download.
    exclude_route_methods = NEVER
    extra_permissions: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "datamodel", None) is not None and "class_permission_name" not in \
                cls.__dict__:
            cls.class_permission_name = cls.datamodel.obj.__name__

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for permission in self.extra_permissions:
            if permission not in self.base_permissions:
                self.base_permissions.append(permission)
        # FAB flashes str(error) of whatever pre_add/pre_update raise; a query there can
        # autoflush the pending row into a constraint: show the generic message instead.
        self.pre_add = _database_errors_refused(self.pre_add)
        self.pre_update = _database_errors_refused(self.pre_update)

    def render_template(self, template, **kwargs):
        return super().render_template(template, view_name=self.__class__.__name__, **kwargs)

    def _init_properties(self) -> None:
        if is_scoped(self.datamodel.obj):  # one scoping rule for list, show, edit, delete…
            self.base_filters = [*(self.base_filters or []), ["id", ScopeFilter, None]]
        # Sensitive columns are searched by their keyed hash (exact value only).
        hashes = hash_columns(self.datamodel.obj)
        self.search_columns = [hashes.get(c, c) for c in (self.search_columns or [])]
        # Per-instance copies: FAB mutates these dicts, and one class serves many apps (tests).
        self.label_columns = {**labels_of(self.datamodel.obj), **(self.label_columns or {})}
        self.formatters_columns = dict(self.formatters_columns or {})
        self.description_columns = dict(self.description_columns or {})
        self.add_form_extra_fields = dict(self.add_form_extra_fields or {})
        self.edit_form_extra_fields = dict(self.edit_form_extra_fields or {})
        self.search_form_extra_fields = dict(self.search_form_extra_fields or {})
        super()._init_properties()
        mapper = self.datamodel.obj.__mapper__
        if "row_version" in mapper.columns and self.edit_columns and \
                "row_version" not in self.edit_columns:
            # The version the form was opened on travels with it (see app/versioning.py).
            self.edit_columns = [*self.edit_columns, "row_version"]
            self.edit_form_extra_fields["row_version"] = VersionField()
        if isinstance(self.datamodel, ModelInterface):
            self.datamodel.eager = tuple(
                c for c in self.list_columns if c in mapper.relationships
                and mapper.relationships[c].direction.name == "MANYTOONE")
        for column, hash_column in hashes.items():
            self.label_columns[hash_column] = self.label_columns.get(column, column)
            if hash_column in self.search_columns:
                only = [hashed_filter_class()(hash_column, self.datamodel)]
                self._filters._search_filters[hash_column] = only
                self._filters._all_filters[hash_column] = only
        self._init_coded_and_related()

    def _init_coded_and_related(self) -> None:
        mapper = self.datamodel.obj.__mapper__
        columns = set(self.add_columns) | set(self.edit_columns) | set(self.list_columns) | set(
            self.show_columns) | set(self.search_columns or ())
        for name in columns:
            if name in mapper.columns:
                col = mapper.columns[name]
                enum = col.info.get("choices")
                mask = col.info.get("mask")
                if mask is not None:
                    self._sensitive_column(name, mask)
                elif enum is not None:
                    self._coded_column(name, enum, col.nullable)
                elif isinstance(col.type, Numeric) and col.type.scale == 2:
                    self.formatters_columns.setdefault(name, format_money)
                elif isinstance(col.type, Numeric) and col.type.scale == 6:
                    self.formatters_columns.setdefault(name, rate_text)
                    self.description_columns.setdefault(name, RATE_HELP)
                elif isinstance(col.type, Boolean):
                    self.formatters_columns.setdefault(name, yes_no)
                    # FAB marks a NOT NULL boolean "required", so an unticked box (False)
                    # could never be saved. An add form starts as the model's default.
                    for extra in (self.add_form_extra_fields, self.edit_form_extra_fields):
                        extra.setdefault(name, BooleanField(self.label_columns.get(name),
                                                            default=scalar_default(col)))
                elif isinstance(col.type, DateTime):
                    self.formatters_columns.setdefault(name, format_minute)
                    self._datetime_column(name, col)
                elif isinstance(col.type, Date):
                    self.formatters_columns.setdefault(name, format_day)
                else:
                    self.formatters_columns.setdefault(name, blank_none)
            elif name in mapper.relationships:
                rel = mapper.relationships[name]
                target = rel.mapper.class_
                self.formatters_columns.setdefault(name, blank_none)  # no related record
                if name == "owner" and issubclass(self.datamodel.obj, OwnedMixin):
                    self._owner_column(name)
                if rel.direction.name == "MANYTOONE" and is_large(target):
                    nullable = all(c.nullable for c in rel.local_columns)
                    for extra, cols in ((self.add_form_extra_fields, self.add_columns),
                                        (self.edit_form_extra_fields, self.edit_columns)):
                        if name in cols and name not in extra:
                            extra[name] = AjaxSelectField(
                                self.label_columns.get(name), model=target,
                                allow_blank=nullable)

    def _owner_column(self, name: str) -> None:
        """The owner is chosen among those who can own records, within the user's reach
        (app/permissions.py owner_choices): not the reviewers, finance or another branch."""
        for extra, cols in ((self.add_form_extra_fields, self.add_columns),
                            (self.edit_form_extra_fields, self.edit_columns)):
            if name in cols and name not in extra:
                extra[name] = QuerySelectField(
                    self.label_columns.get(name), query_func=owner_choices,
                    get_pk_func=lambda staff: staff.id, allow_blank=True,
                    blank_text=NO_CHOICE, widget=Select2Widget())

    def add_defaults(self) -> dict:
        """A new owned record is the one typing it's, until a manager chooses another."""
        if issubclass(self.datamodel.obj, OwnedMixin):
            return {"owner": current_scope().staff}
        return {}

    def _datetime_column(self, name: str, col) -> None:
        """A moment is typed and shown on the firm's clock, to the minute, and stored as
        UTC (``LocalDateTimeField``); one defaulting to now starts at now."""
        validators = [Optional() if col.nullable else InputRequired(),
                      *self.validators_columns.get(name, [])]
        default = firm_minute_now if col.default is not None and col.default.is_callable \
            else None
        for extra, cols in ((self.add_form_extra_fields, self.add_columns),
                            (self.edit_form_extra_fields, self.edit_columns)):
            if name in cols and name not in extra:
                extra[name] = LocalDateTimeField(
                    self.label_columns.get(name), validators=list(validators),
                    default=default, description=self.description_columns.get(name, ""))

    def _sensitive_column(self, name: str, mask) -> None:
        self.formatters_columns[name] = lambda v, _mask=mask: masked(_mask, v)
        self.add_form_extra_fields.setdefault(
            name, SensitiveField(self.label_columns.get(name), mask=mask))
        self.edit_form_extra_fields.setdefault(
            name, SensitiveField(self.label_columns.get(name), mask=mask,
                                 description=SENSITIVE_HELP))

    def _coded_column(self, name: str, enum: type[LabelledEnum], nullable: bool) -> None:
        labels = enum.labels()
        self.formatters_columns.setdefault(
            name, lambda v, _labels=labels: "" if v is None else _labels.get(v, v))
        for extra in (self.add_form_extra_fields, self.edit_form_extra_fields,
                      self.search_form_extra_fields):
            if name not in extra:
                extra[name] = CodedSelectField(self.label_columns.get(name), enum=enum,
                                               allow_blank=nullable or extra is
                                               self.search_form_extra_fields)

    def _init_forms(self) -> None:
        super()._init_forms()  # every column's declared rule, as on the API (models/rules.py)
        for form in (self.add_form, self.edit_form, self.search_form):
            blank_choices_in_words(form)
        self.add_form = with_column_rules(self.add_form, self.datamodel.obj)
        self.edit_form = with_column_rules(self.edit_form, self.datamodel.obj)
        for form in (self.add_form, self.edit_form):
            dates_keep_what_was_typed(form, self.datamodel.obj)
            with_units(form, self.datamodel.obj)  # 元, 月 beside the field

    def _init_titles(self) -> None:
        if self.entity_plural is not None:
            self.list_title = self.list_title or self.entity_plural
        if self.entity is not None:
            self.show_title = self.show_title or _l("%(entity)s details", entity=self.entity)
            self.add_title = self.add_title or _l("New %(entity)s", entity=self.entity)
            self.edit_title = self.edit_title or _l("Edit %(entity)s", entity=self.entity)
        super()._init_titles()

    def scoped_item(self, pk):
        """The record, if the user may reach it; 404 otherwise (never 403: that would
        confirm it exists)."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            abort(404)
        return item

    # -- Ownership and scope of what a form saves -----------------------------------------
    # The checks run with autoflush off: a query they make (the permission check, the
    # row version) must not write the form's changes before they are judged — a flush
    # resets the changes' history, and an owner cleared by the form then looked unchanged
    # and was saved (the record left its owner's scope).
    def pre_add(self, item) -> None:
        with db.session.no_autoflush:
            blank_to_null(item)
            self.prepare_item(item, creating=True)
            self._check_ownership(item, creating=True)

    def pre_update(self, item) -> None:
        with db.session.no_autoflush:
            check_edit(item)  # what the person typed, before any normalising
            blank_to_null(item)
            self.prepare_item(item, creating=False)
            check_unchanged(item)
            self._check_ownership(item, creating=False)

    def prepare_item(self, item, creating: bool) -> None:
        """A view's own preparation of what a form saves (normalising, its rules), run
        first, under the same no-autoflush as the checks."""

    @property
    def database_error_message(self):
        """FAB's one message for a failed save; a save overtaken by another says so."""
        if g.get("changed_meanwhile"):
            return changed_message()
        return super().database_error_message

    def _check_ownership(self, item, creating: bool) -> None:
        check_ownership(item, creating=creating, may_reassign=self.appbuilder.sm.has_access(
            "can_reassign", self.class_permission_name))

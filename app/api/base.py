"""The one REST resource every entity API derives from: the entity's permissions and row
scoping shared with its screens, sensitive fields masked, row versions, and bad input or a
refused save answered 4xx with a translated message — never the database's own words.

Every refusal a service raises (app/errors.py's ``Refused``) is answered by
``refusal_response``, with the status it carries (the README's table): by the CRUD routes
here, and by the action routes through ``@answers_refusals``, on any resource."""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation

from flask import current_app, json, request
from flask_appbuilder.api import ModelRestApi
from flask_appbuilder.const import API_RESULT_RES_KEY
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_babel import gettext
from sqlalchemy import BigInteger, CheckConstraint, Integer, Numeric
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from ..editing import EditLocked, blank_to_null, check_edit, delete_refusal, edit_lock
from ..errors import Refused, save_refused
from ..extensions import db
from ..models.labels import label_of
from ..models.rules import column_error
from ..permissions import MODEL_API_METHODS, check_ownership
from ..scoping import ScopeFilter, is_scoped
from ..sensitive import masked, sensitive_columns
from ..versioning import ChangedMeanwhile, changed_message, same_version
from ..views.datamodel import ModelInterface


def refusal_response(api, refused: Refused):
    """The answer to a refusal, from any resource: its status, ``message`` (the reason; the
    reasons per field when it has no other, as FAB's own 422), ``errors`` per field, and
    ``field`` when it names one.  Nothing of the refused action is kept."""
    db.session.rollback()
    body = {"message": refused.answer, "errors": refused.errors}
    if refused.field:
        body["field"] = refused.field
    return api.response(refused.status, **body)


def answers_refusals(endpoint):
    """An action route's refusals answered by ``refusal_response``; it goes under FAB's
    ``@safe``, which would answer them 500."""

    @functools.wraps(endpoint)
    def answering(self, *args, **kwargs):
        try:
            return endpoint(self, *args, **kwargs)
        except Refused as refused:
            return refusal_response(self, refused)

    return answering


class SQLAInterface(ModelInterface):
    """The API's data interface: its filters on moments take UTC, as the API sends them."""

    filter_converter_class = SQLAFilterConverter


INTEGER_MAX = {Integer: 2**31 - 1, BigInteger: 2**63 - 1}  # PostgreSQL's integer, bigint


def _related_id(value) -> int | None:
    """A related record is given by its id (a number, or digits): anything else is None."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def body_errors(model, body: dict) -> dict[str, list[str]]:
    """What the database would refuse with an unreadable error, refused by field first: a
    related record given as an object (marshmallow-sqlalchemy would create it) or by an id
    that does not exist, and an integer beyond its column."""
    mapper, errors = model.__mapper__, {}
    for name, value in body.items():
        if name in mapper.relationships and value is not None:
            rel = mapper.relationships[name]
            values = value if rel.uselist and isinstance(value, list) else [value]
            ids = [_related_id(v) for v in values]
            if None in ids or any(db.session.get(rel.mapper.class_, i) is None for i in ids):
                errors[name] = [gettext("The selected %(field)s does not exist.",
                                        field=str(label_of(model, name, name)))]
        elif name in mapper.columns and isinstance(value, int) and not isinstance(value, bool):
            limit = INTEGER_MAX.get(type(mapper.columns[name].type))
            if limit is not None and not -limit <= value <= limit:
                errors[name] = [gettext("The number is too large.")]
        if name in mapper.columns and _beyond_numeric(mapper.columns[name].type, value):
            errors[name] = [gettext("The number is too large.")]
        elif name in mapper.columns and (problem := column_error(mapper.columns[name], value)):
            errors[name] = [gettext(problem)]  # the column's rule, as on the forms
    return errors


def _beyond_numeric(kind, value) -> bool:
    """A number a NUMERIC(p, s) column cannot hold (PostgreSQL: numeric field overflow;
    SQLite would store it)."""
    if not isinstance(kind, Numeric) or kind.precision is None or isinstance(value, bool) \
            or not isinstance(value, int | float | str):
        return False
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return False  # not a number: the schema says so
    return number.is_finite() and abs(number) >= Decimal(10) ** (kind.precision -
                                                                 (kind.scale or 0))


def database_error_fields(model, error: SQLAlchemyError) -> dict[str, list[str]]:
    """The fields a constraint violation is about, each with a translated message; {} when
    the error names none (SQLite and PostgreSQL name the constraint or the column)."""
    table = model.__table__
    text = str(getattr(error, "orig", error))
    diag = getattr(getattr(error, "orig", None), "diag", None)
    named = getattr(diag, "constraint_name", None)
    if getattr(diag, "column_name", None) and diag.column_name in table.c:
        return {diag.column_name: [gettext("This field is required.")]}
    columns = re.findall(rf"\b{table.name}\.(\w+)", text)
    if columns and "NOT NULL" in text:
        return {c: [gettext("This field is required.")] for c in columns if c in table.c}
    constraints = [*table.constraints, *table.indexes, *(k for c in table.c
                                                         for k in c.constraints)]
    for constraint in constraints:
        name = str(constraint.name or "")
        if name and not name.startswith(("ck_", "uq_", "ix_")):
            name = f"ck_{table.name}_{name}"  # a column's coded CHECK, before the convention
        if name and (name == named or re.search(rf"\b{re.escape(name)}\b", text)):
            if isinstance(constraint, CheckConstraint):
                sql = str(constraint.sqltext)
                columns = [c.name for c in table.c if re.search(rf"\b{c.name}\b", sql)]
                return {c: [gettext("This value is not allowed.")] for c in columns}
            columns = [c.name for c in constraint.columns]
            break
    if columns and ("UNIQUE" in text or "unique" in text or named):
        return {c: [gettext("Another record already has this value.")] for c in columns
                if c in table.c}
    return {}


class LoanDeskRestApi(ModelRestApi):
    """Shares the entity's permissions with its screens ("can read on Customer"…) and the
    same row scoping: an out-of-scope id answers 404 on GET, PUT and DELETE."""

    allow_browser_login = True
    page_size = 25
    max_page_size = 100
    method_permission_name = MODEL_API_METHODS

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if getattr(cls, "datamodel", None) is not None and "class_permission_name" not in \
                cls.__dict__:
            cls.class_permission_name = cls.datamodel.obj.__name__
        if getattr(cls, "datamodel", None) is not None and is_scoped(cls.datamodel.obj):
            cls.base_filters = [*(cls.base_filters or []), ["id", ScopeFilter, None]]

    def pre_add(self, item) -> None:
        blank_to_null(item)
        self.prepare_item(item, creating=True)
        check_ownership(item, creating=True, may_reassign=self._may_reassign())

    def prepare_item(self, item, creating: bool) -> None:
        """A resource's own preparation of what it saves (normalising, its rules), after
        the edit itself was judged."""

    def _init_properties(self) -> None:
        super()._init_properties()
        if "row_version" in self.datamodel.obj.__mapper__.columns:
            # Clients read the version; a PUT may send it back (409 when it is stale).
            for name in ("show_columns", "list_columns"):
                columns = getattr(self, name)
                if columns and "row_version" not in columns:
                    setattr(self, name, [*columns, "row_version"])
            self.edit_columns = [c for c in self.edit_columns if c != "row_version"]

    def pre_update(self, item) -> None:
        check_edit(item)  # what may change in the record's state (app/domain/editing.py)
        blank_to_null(item)
        self.prepare_item(item, creating=False)
        check_ownership(item, creating=False, may_reassign=self._may_reassign())

    def pre_delete(self, item) -> None:
        reason = delete_refusal(item)
        if reason is not None:
            raise EditLocked(reason)

    def _refused(self, refused: Refused):
        """A refused save or delete: a save the database refused by field (see
        _database_refusal), any other by its status (409 for a lock, 422 for a field)."""
        if isinstance(refused.__cause__, SQLAlchemyError):
            return self._database_refusal(refused)
        return refusal_response(self, refused)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except Refused as refused:
            return self._refused(refused)

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page,
                                       page_size=page_size)
        if not self.description_columns.get(field.name):
            info["description"] = ""  # FAB's gettext("") is the catalog's header
        return info

    # Sensitive fields leave the API masked; unmasking is its own audited call.
    def _mask(self, row: dict) -> None:
        for name, mask in sensitive_columns(self.datamodel.obj).items():
            if name in row:
                row[name] = masked(mask, row[name])

    def pre_get(self, data) -> None:
        self._mask(data[API_RESULT_RES_KEY])

    def pre_get_list(self, data) -> None:
        for row in data[API_RESULT_RES_KEY]:
            self._mask(row)

    def _may_reassign(self) -> bool:
        return self.appbuilder.sm.has_access("can_reassign", self.class_permission_name)

    def _masked_answer(self, response):
        """The saved record FAB answers a POST or PUT with, masked like a GET (unmasking
        is its own audited call)."""
        if response.status_code in (200, 201) and sensitive_columns(self.datamodel.obj):
            body = response.get_json()
            if isinstance(body.get(API_RESULT_RES_KEY), dict):
                self._mask(body[API_RESULT_RES_KEY])
                response.set_data(json.dumps(body))
        return response

    def _refused_body(self, body):
        """400 for a JSON body that is not an object, 422 for one the database would refuse
        unreadably (see body_errors); None when it may go on to FAB."""
        if not request.is_json:
            return None  # FAB's own 400
        if not isinstance(body, dict):
            return self.response_400(message=gettext("The request body must be a JSON "
                                                     "object."))
        errors = body_errors(self.datamodel.obj, body)
        return self.response_422(message=errors) if errors else None

    def _database_refusal(self, error: Exception):
        """422 for a save the database refused, by field when the error names it; never
        the error's own text (SQL and values)."""
        cause = error if isinstance(error, SQLAlchemyError) else error.__cause__
        if isinstance(error, SQLAlchemyError):
            db.session.rollback()
        fields = database_error_fields(self.datamodel.obj, cause) \
            if isinstance(cause, SQLAlchemyError) else {}
        return self.response_422(message=fields or save_refused())

    def post_headless(self):
        try:
            body = request.get_json(silent=True)  # cached: FAB reads the same dict next
        except RequestEntityTooLarge as error:  # FAB's @safe would make it a 500
            return current_app.make_response(current_app.handle_http_exception(error))
        refused = self._refused_body(body)
        if refused is not None:
            return refused
        try:
            return self._masked_answer(super().post_headless())
        except Refused as refused:
            return self._refused(refused)
        except SQLAlchemyError as error:  # a query in pre_add flushed the new row
            return self._database_refusal(error)

    def put_headless(self, pk):
        try:
            body = request.get_json(silent=True)  # cached: FAB reads the same dict next
        except RequestEntityTooLarge as error:  # the app's translated 413, not FAB's 500
            return current_app.make_response(current_app.handle_http_exception(error))
        refused = self._refused_body(body)
        if refused is not None:
            return refused
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None:
            lock = edit_lock(item)
            if not lock.can_edit:
                return refusal_response(self, EditLocked(lock.reason))
        if isinstance(body, dict) and "row_version" in body:
            sent = body.pop("row_version")
            if item is not None and "row_version" in self.datamodel.obj.__mapper__.columns \
                    and not same_version(sent, item.row_version):
                return refusal_response(self, ChangedMeanwhile(changed_message()))
        try:
            # No autoflush while the body is loaded and judged: a related record looked up
            # for one field must not write the fields set before it (check_edit reads their
            # pending history); the commit writes everything at once.
            with db.session.no_autoflush:
                answer = super().put_headless(pk)
            return self._masked_answer(answer)
        except Refused as refused:
            return self._refused(refused)
        except SQLAlchemyError as error:  # a query in pre_update flushed the change
            return self._database_refusal(error)

"""Form fields for generated CRUD that never render a whole table into the page.

FAB turns every many-to-one relation into a ``<select>`` holding every row of the related
table (200k customers → megabytes of HTML).  ``AjaxSelectField`` renders only the current
value; the browser asks ``/lookup/<model>`` for 20 matches at a time as the user types, and
the submitted id is loaded by primary key alone.
"""

from __future__ import annotations

import datetime as dt

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import DateTimeField, Field, SelectField
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from ..extensions import db
from ..models.base import utcnow
from ..scoping import scoped


class AjaxSelectWidget:
    """A ``<select>`` holding only the current value; select2 fetches the rest on demand."""

    def __call__(self, field: AjaxSelectField, **kwargs) -> Markup:
        obj = field.data
        attrs = {
            "id": field.id,
            "name": field.name,
            "class": "ld-ajax-select form-control",
            "data-url": f"/lookup/{field.model.__tablename__}",
            "data-placeholder": str(_l("Type to search…")),
            "data-allow-clear": "true" if field.allow_blank else "false",
        }
        if kwargs.get("disabled"):  # a field the user may not change (app/views/editing.py)
            attrs["disabled"] = "disabled"
        html = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        options = '<option value=""></option>'
        if obj is not None:
            pk = db.inspect(obj).identity[0]
            options += f'<option value="{escape(pk)}" selected>{escape(str(obj))}</option>'
        return Markup(f"<select {html}>{options}</select>")


class AjaxSelectField(Field):
    widget = AjaxSelectWidget()

    def __init__(self, label=None, validators=None, *, model, allow_blank=False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.allow_blank = allow_blank
        self._bad_value = False

    def process_formdata(self, valuelist):
        self._bad_value = False
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            self.data = None
            return
        try:
            pk = int(raw)
        except ValueError:
            pk = None
        if pk is None or not 0 < pk < 2**31:  # no record has such an id (nor could)
            self._bad_value = True
            self.data = None
            return
        # Only a record the user may see can be chosen, whatever id the browser sends.
        self.data = db.session.scalar(scoped(select(self.model), self.model)
                                      .where(self.model.id == pk))
        if self.data is None:
            self._bad_value = True

    def pre_validate(self, form):
        if self._bad_value:
            raise ValidationError(_l("Not a valid choice"))
        if self.data is None and not self.allow_blank:
            raise ValidationError(_l("This field is required."))

    def _value(self):
        return "" if self.data is None else str(db.inspect(self.data).identity[0])


class CodedSelectField(SelectField):
    """A select over an enum's codes, showing translated labels; blank means NULL."""

    def __init__(self, label=None, validators=None, *, enum, allow_blank=False, **kwargs):
        choices = [(m.value, m.label) for m in enum]
        if allow_blank:
            choices.insert(0, ("", "—"))
        kwargs.setdefault("widget", Select2Widget())
        super().__init__(label, validators, choices=choices, **kwargs)
        self.allow_blank = allow_blank

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.allow_blank and self.data == "":
            self.data = None

    def pre_validate(self, form):
        if self.allow_blank and self.data is None:
            return
        super().pre_validate(form)


MINUTE = "%Y-%m-%d %H:%M"


def firm_minute_now() -> dt.datetime:
    """Now, to the minute on the firm's clock, as stored: naive UTC."""
    return to_utc(to_user_timezone(utcnow()).replace(second=0, microsecond=0))


class LocalDateTimeWidget:
    """A plain text box: FAB's date picker (bound to ``.appbuilder_datetime``) is date-only
    and wipes a typed time when the box loses focus."""

    def __call__(self, field: LocalDateTimeField, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("class", "form-control")
        attrs = html_params(type="text", name=field.name, value=field._value(),
                            placeholder="YYYY-MM-DD HH:MM", autocomplete="off", **kwargs)
        return Markup(f"<input {attrs}>")


class LocalDateTimeField(DateTimeField):
    """A moment typed and shown on the firm's clock (LOANDESK_TIMEZONE), to the minute;
    ``data`` is naive UTC, as timestamps are stored and as ``format_minute`` reads them."""

    widget = LocalDateTimeWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        # Minutes as shown; seconds and the HTML datetime-local form are read too.
        kwargs.setdefault("format", [MINUTE, "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"])
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)  # the local time typed, or a refusal
        if self.data is not None:
            self.data = to_utc(self.data)  # naive: read on the firm's clock

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return to_user_timezone(self.data).strftime(MINUTE) if self.data else ""


class UnitWidget:
    """A field's own widget with its unit after it (元 for money, 月 for terms)."""

    def __init__(self, inner, unit) -> None:
        self.inner, self.unit = inner, unit

    def __call__(self, field, **kwargs) -> Markup:
        return Markup(f'<div class="input-group">{self.inner(field, **kwargs)}'
                      f'<span class="input-group-addon">{escape(str(self.unit))}</span></div>')


YUAN, MONTHS = _l("yuan"), _l("months (unit)")


def unit_of(column) -> object | None:
    """元 for a money column, 月 for a term in months; None for anything else."""
    from sqlalchemy import Integer, Numeric

    if isinstance(column.type, Numeric) and column.type.scale == 2:
        return YUAN
    if isinstance(column.type, Integer) and column.key.endswith("months"):
        return MONTHS
    return None


def with_units(form_class, model) -> None:
    """Show every money and months field of ``form_class`` with its unit."""
    columns = model.__mapper__.columns
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not hasattr(unbound, "field_class") or name not in columns:
            continue
        unit = unit_of(columns[name])
        widget = unbound.kwargs.get("widget")
        if unit is not None and widget is not None and not isinstance(widget, UnitWidget):
            unbound.kwargs["widget"] = UnitWidget(widget, unit)


NO_CHOICE = "—"  # an empty related-record select: "none", never FAB's "__None"


def blank_choices_in_words(form_class) -> None:
    """FAB's related-record selects offer their empty choice with an empty text, which
    WTForms 3 shows as its value, ``__None``: show a dash instead."""
    from flask_appbuilder.fields import QuerySelectField

    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        field_class = getattr(unbound, "field_class", None)
        if isinstance(field_class, type) and issubclass(field_class, QuerySelectField) \
                and not unbound.kwargs.get("blank_text"):
            unbound.kwargs["blank_text"] = NO_CHOICE


class LocalDateWidget:
    """FAB's date picker box, showing what was typed when a form comes back refused (FAB's
    shows ``field.data``, empty by then), and saying the format it takes."""

    template = ('<div class="input-group date appbuilder_date" data-provide="datepicker">'
                '<span class="input-group-addon"><i class="fa fa-calendar cursor-hand"></i>'
                '</span><input class="form-control" %s /></div>')

    def __call__(self, field, **kwargs) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        return Markup(self.template % html_params(
            type="text", value=field._value(), placeholder="yyyy-mm-dd", autocomplete="off",
            **kwargs))


def dates_keep_what_was_typed(form_class, model) -> None:
    """Every date field of ``form_class`` in a LocalDateWidget."""
    from sqlalchemy import Date, DateTime

    columns = model.__mapper__.columns
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if hasattr(unbound, "field_class") and name in columns and isinstance(
                columns[name].type, Date) and not isinstance(columns[name].type, DateTime) \
                and unbound.kwargs.get("widget") is not None:
            unbound.kwargs["widget"] = LocalDateWidget()


class Required:
    """Marks a form field required (the red asterisk); the business action checks it."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


def errors_beside_fields(form, errors: dict[str, list[str]]) -> None:
    """A command's refusals shown under the fields they concern (each message once)."""
    for name, messages in errors.items():
        target = form[name] if name in form else next(iter(form))
        target.errors = [*target.errors, *(m for m in messages if m not in target.errors)]

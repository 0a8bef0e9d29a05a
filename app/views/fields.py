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

"""Showing sensitive fields: masked everywhere, unmasked only for a stated purpose.

Columns declare their mask with ``info={"mask": fn}`` (and a search hash column with
``info={"hash": "<column>"}``).  Lists, show pages, forms, CSV exports and the API show the
mask; a user holding "can view_sensitive" on the entity may unmask one record at a time,
giving a purpose, and each unmasking is written to the audit trail.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import StringField
from wtforms.utils import unset_value
from wtforms.validators import Optional

from .audit import record
from .crypto import search_hash


def sensitive_columns(model) -> dict[str, object]:
    """{column: mask function} for the model's sensitive columns."""
    return {c.key: c.info["mask"] for c in model.__mapper__.columns if "mask" in c.info}


def hash_columns(model) -> dict[str, str]:
    """{column: its search-hash column}."""
    return {c.key: c.info["hash"] for c in model.__mapper__.columns if "hash" in c.info}


def masked(mask, value) -> str:
    return "" if value is None else mask(str(value))


def unmask(item, purpose: str) -> dict[str, str | None]:
    """The clear values of ``item``'s sensitive fields, audited with the purpose."""
    model = type(item)
    values = {name: getattr(item, name) for name in sensitive_columns(model)}
    record("unmask", model.__tablename__, item.id, {"fields": sorted(values)},
           purpose=purpose)
    return values


class SensitiveWidget:
    """Never renders the stored value: an empty box with the masked value as a hint."""

    def __call__(self, field, **kwargs):
        hint = field.masked_hint or ""
        disabled = ' disabled="disabled"' if kwargs.get("disabled") else ""
        return Markup(
            f'<input class="form-control" type="text" id="{escape(field.id)}" '
            f'name="{escape(field.name)}" value="{escape(field.typed or "")}" '
            f'placeholder="{escape(hint)}" autocomplete="off"{disabled}>')


class SensitiveField(StringField):
    """Typing a value replaces the stored one; leaving it empty keeps it unchanged."""

    widget = SensitiveWidget()

    def __init__(self, label=None, validators=None, *, mask, **kwargs):
        super().__init__(label, validators or [Optional()], **kwargs)
        self.mask = mask
        self.masked_hint = None
        self.typed = None

    def process(self, formdata, data=None, **kwargs):
        super().process(formdata, data, **kwargs)
        # An add form passes wtforms' unset_value marker: there is nothing stored to hint at.
        if data is not unset_value and data not in (None, ""):
            self.masked_hint = masked(self.mask, data)
        self.typed = (formdata.get(self.name) if formdata else None) or None

    def populate_obj(self, obj, name):
        if self.typed:
            setattr(obj, name, self.typed.strip())


SENSITIVE_HELP = _l("Leave empty to keep the stored value.")


def hashed_filter_class():
    """A FAB search filter matching a sensitive column by its keyed hash, exactly."""
    from flask_appbuilder.models.sqla.filters import FilterEqual

    class FilterHashedEqual(FilterEqual):
        name = _l("Equal to")

        def apply(self, query, value):
            return query.filter(getattr(self.model, self.column_name) == search_hash(value))

    return FilterHashedEqual

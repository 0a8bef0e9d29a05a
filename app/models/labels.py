"""What a record's fields are called on screens: one function every reader goes through.

A column or relationship carries its label beside its type and rules, in
``info={"label": _l(...)}`` (``coded(..., label=...)`` for a coded column); a property shown
like a column (``Installment.total_due``) is labelled in its model's ``__labels__``.  Names
that mean one thing on every table (``id``, ``name``, ``created_at``…) and the columns of
FAB's own security tables (``ab_user``…, declared by FAB, not here) are labelled once in
``SHARED_LABELS``, used when the model gives none.

The screens' column headers and form labels, the API's and the ownership check's field
errors, the audit trail in words and the submission checklist all read ``label_of``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.orm import ColumnProperty, RelationshipProperty

SHARED_LABELS = {
    # Every table's key and bookkeeping, and the names tables use in one sense.
    "id": _l("ID"), "name": _l("Name"), "code": _l("Code"), "kind": _l("Type"),
    "note": _l("Note"), "description": _l("Description"), "active": _l("Active"),
    "created_at": _l("Created"), "updated_at": _l("Updated"),
    "row_version": _l("Record version"),
    # FAB's security tables (logins, roles, groups, permissions, API keys).
    "username": _l("User"), "first_name": _l("Given name"), "last_name": _l("Surname"),
    "email": _l("E-mail"), "password": _l("Password"), "last_login": _l("Last login"),
    "login_count": _l("Logins"), "fail_login_count": _l("Failed logins"),
    "created_on": _l("Created"), "changed_on": _l("Changed"),
    "created_by": _l("Created by"), "created_by_fk": _l("Created by"),
    "changed_by_fk": _l("Changed by"), "user": _l("Login account"), "user_id": _l("User ID"),
    "users": _l("Users"), "roles": _l("Roles"), "role": _l("Role"), "groups": _l("Groups"),
    "group": _l("Group"), "label": _l("Label"), "permissions": _l("Permissions"),
    "permission": _l("Permission"), "view_menu": _l("View or menu"),
    "expires_on": _l("Expires on"), "revoked_on": _l("Revoked on"),
}


def label_of(model: type | None, key: str, default: object = None) -> object:
    """The (lazily translated) label of ``model``'s field ``key``: its column's or
    relationship's ``info["label"]``, else the model's ``__labels__``, else the shared
    label of that name, else ``default``.  ``model`` None: the shared labels only."""
    mapper = inspect(model, raiseerr=False) if model is not None else None
    if mapper is not None and key in mapper.attrs:
        prop = mapper.attrs[key]
        info = prop.columns[0].info if isinstance(prop, ColumnProperty) else \
            prop.info if isinstance(prop, RelationshipProperty) else {}
        if "label" in info:
            return info["label"]
    label = getattr(model, "__labels__", {}).get(key) if model is not None else None
    if label is not None:
        return label
    return SHARED_LABELS.get(key, default)


def labels_of(model: type) -> dict[str, object]:
    """Every field of ``model`` that has a label, by name (a screen's ``label_columns``)."""
    names = [*inspect(model).attrs.keys(), *getattr(model, "__labels__", {})]
    return {name: label for name in names if (label := label_of(model, name)) is not None}

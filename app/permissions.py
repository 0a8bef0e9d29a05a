"""Permission names and ownership rules shared by the screens and the REST API.

Superset-style: each entity has a handful of legible permissions (read, write, delete,
export, and a few business ones such as view_sensitive or reassign) instead of one per
FAB method, and the screen and the API of an entity share them.
"""

from __future__ import annotations

from flask_babel import gettext

from .extensions import db
from .models import Staff
from .models.base import OwnedMixin
from .scoping import BRANCH, current_scope, in_scope, is_scoped

MODEL_VIEW_METHODS = {"list": "read", "show": "read", "csv": "export", "add": "write",
                      "edit": "write", "delete": "delete"}
MODEL_API_METHODS = {"get": "read", "get_list": "read", "info": "read", "post": "write",
                     "put": "write", "delete": "delete"}


class OwnershipRefused(ValueError):
    """A save the user may not make; the message is translated and safe to show."""


def refuse(item, *, creating: bool, reason) -> None:
    """Drop the unsaved ``item`` (or the pending edit) and raise OwnershipRefused(reason)."""
    # A refused item must not reach the database through a relationship cascade.
    if creating and item in db.session:
        db.session.expunge(item)
    else:
        db.session.rollback()
    raise OwnershipRefused(reason)


def check_ownership(item, *, creating: bool, may_reassign: bool) -> None:
    error = ownership_error(item, creating=creating, may_reassign=may_reassign)
    if error is not None:
        refuse(item, creating=creating, reason=error)


def _related_out_of_scope(item) -> str | None:
    """The first many-to-one target of ``item`` the user may not reach, by attribute name."""
    mapper = type(item).__mapper__
    for name, rel in mapper.relationships.items():
        if rel.direction.name != "MANYTOONE" or not is_scoped(rel.mapper.class_):
            continue
        target = getattr(item, name)
        if target is not None and target.id is not None and not in_scope(
                rel.mapper.class_, target.id):
            return name
    return None


def ownership_error(item, *, creating: bool, may_reassign: bool) -> str | None:
    """Why the current user may not save ``item`` as it stands, or None.

    Related records (a contact's customer…) must be within the user's scope.  A new owned
    record belongs to its creator unless the user may reassign (managers, admins) and chose
    an owner; a manager reassigns only within their branch.  Team and branch follow the owner.
    """
    bad = _related_out_of_scope(item)
    if bad is not None:
        from .views.labels import COLUMN_LABELS  # late: the views import this module

        return gettext("The selected %(field)s does not exist.",
                       field=str(COLUMN_LABELS.get(bad, bad)))
    if not isinstance(item, OwnedMixin):
        return None
    scope = current_scope()
    staff = scope.staff
    changed = creating or db.inspect(item).attrs["owner"].history.has_changes()
    if changed and not (may_reassign and item.owner is not None):
        if not creating:
            return gettext("Only a manager can reassign a record to another staff member.")
        if staff is None:
            return gettext("Choose the staff member who owns this record.")
        item.owner = staff
    elif changed and scope.level == BRANCH and item.owner.branch_id != staff.branch_id:
        return gettext("You can only assign records to staff of your own branch.")
    _follow_owner(item)
    return None


def _follow_owner(item) -> None:
    owner: Staff | None = getattr(item, "owner", None)
    if isinstance(item, OwnedMixin) and owner is not None:
        item.team_id, item.branch_id = owner.team_id, owner.branch_id
        item.team, item.branch = owner.team, owner.branch

"""Permission names and ownership rules shared by the screens and the REST API.

Superset-style: each entity has a handful of legible permissions (read, write, delete,
export, and a few business ones such as view_sensitive or reassign) instead of one per
FAB method, and the screen and the API of an entity share them.
"""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import false, or_, select

from .errors import FIELD_ERRORS, Refused
from .extensions import db
from .models import Staff
from .models.base import OwnedMixin
from .models.labels import label_of
from .scoping import BRANCH, TEAM, current_scope, in_scope, is_scoped

MODEL_VIEW_METHODS = {"list": "read", "show": "read", "csv": "export", "add": "write",
                      "edit": "write", "delete": "delete"}
MODEL_API_METHODS = {"get": "read", "get_list": "read", "info": "read", "post": "write",
                     "put": "write", "delete": "delete"}


class OwnershipRefused(Refused):
    """A save the user may not make; the message is translated and safe to show, and
    ``field`` names the field it is about (a form shows it there).  A message given as
    {field: [messages]} is the refusal's field errors (and its API answer's message, as
    FAB's own 422)."""

    status = FIELD_ERRORS

    def __init__(self, message, field: str | None = None) -> None:
        errors = message if isinstance(message, dict) else None
        super().__init__(None if errors else message, errors, field=field)


def refuse(item, *, creating: bool, reason, field: str | None = None) -> None:
    """Drop the unsaved ``item`` (or the pending edit) and raise OwnershipRefused(reason)."""
    # A refused item must not reach the database through a relationship cascade.
    if creating and item in db.session:
        db.session.expunge(item)
    else:
        db.session.rollback()
    raise OwnershipRefused(reason, field)


def check_ownership(item, *, creating: bool, may_reassign: bool) -> None:
    error = ownership_error(item, creating=creating, may_reassign=may_reassign)
    if error is not None:
        field = _related_out_of_scope(item) or "owner"
        refuse(item, creating=creating, reason=error, field=field)


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
        return gettext("The selected %(field)s does not exist.",
                       field=str(label_of(type(item), bad, bad)))
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
    elif changed and not db.session.scalar(owner_candidates().where(
            Staff.id == item.owner.id).exists().select()):
        return gettext("%(name)s cannot own records: choose a salesperson or a manager "
                       "(an active staff member whose role owns records).",
                       name=item.owner.full_name)
    _follow_owner(item)
    return None


# Roles whose holders own no customers or applications (they review, pay out, audit or
# administer); staff without a login own what was given to them.
NEVER_OWN = ("Admin", "Auditor", "Reviewer", "Finance", "Public")


def owner_candidates():
    """SELECT of the staff who can own records: active, and either without a login or with
    a login holding a role that owns records.  (Who is offered to a user is this, within
    their reach: ``owner_choices``.)"""
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role

    owning_logins = (select(assoc_user_role.c.user_id)
                     .join(Role, Role.id == assoc_user_role.c.role_id)
                     .where(Role.name.not_in(NEVER_OWN)))
    return select(Staff).where(Staff.active.is_(True), or_(
        Staff.user_id.is_(None), Staff.user_id.in_(owning_logins)))


def owner_choices():
    """The owners a form offers: candidates within the user's reach (their branch for a
    manager; themselves for a salesperson; everyone for the firm-wide roles)."""
    scope = current_scope()
    query = owner_candidates().order_by(Staff.full_name)
    if scope.unrestricted:
        return db.session.scalars(query)
    staff = scope.staff
    if staff is None:
        return db.session.scalars(query.where(false()))
    if scope.level == BRANCH:
        return db.session.scalars(query.where(Staff.branch_id == staff.branch_id))
    if scope.level == TEAM and staff.team_id is not None:
        return db.session.scalars(query.where(Staff.team_id == staff.team_id))
    return db.session.scalars(query.where(Staff.id == staff.id))


def _follow_owner(item) -> None:
    owner: Staff | None = getattr(item, "owner", None)
    if isinstance(item, OwnedMixin) and owner is not None:
        item.team_id, item.branch_id = owner.team_id, owner.branch_id
        item.team, item.branch = owner.team, owner.branch

"""Row-level scoping: one rule for which records a user may see, used everywhere.

A business record belongs to an owner (staff), a team and a branch (``OwnedMixin``); records
without owners of their own (contacts, installments, decisions…) belong to their parent's
owner through ``__scope_parent__``.  A role grants a reach — own, team, branch or all — and
Reviewers also reach the applications assigned to them and those applications' customers.

The same clause filters lists, show/edit/delete, CSV exports, related views, AJAX lookups,
the REST API and file downloads, so an out-of-scope record is simply not there (404).
"""

from __future__ import annotations

from flask import current_app, g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false, or_, select

from .extensions import db
from .models import Application, Staff
from .models.base import OwnedMixin

OWN, TEAM, BRANCH, ALL = "own", "team", "branch", "all"
REACH_ORDER = [OWN, TEAM, BRANCH, ALL]
# How far each default role reaches into business records (seed/roles.py holds what each
# may do; a role not named here reaches no business data).
ROLE_REACH = {"Admin": ALL, "Auditor": ALL, "Manager": BRANCH, "Finance": BRANCH,
              "Sales": OWN, "Reviewer": OWN}


def acting_user():
    """The logged-in user, by session cookie or by JWT (None when anonymous)."""
    if not has_request_context():
        return None
    try:
        user = current_app.appbuilder.sm.current_user
    except RuntimeError:  # no JWT was verified on this request
        user = None
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class Scope:
    """What the current user may reach: a level, their staff profile, and reviewer rights."""

    def __init__(self, level: str | None, staff: Staff | None, reviews: bool) -> None:
        self.level = level  # None: no business data at all
        self.staff = staff
        self.reviews = reviews

    @property
    def unrestricted(self) -> bool:
        return self.level == ALL


def current_scope() -> Scope:
    if not has_request_context():
        return Scope(ALL, None, False)  # CLI and jobs act for the firm
    if "loandesk_scope" in g:
        return g.loandesk_scope
    scope = Scope(None, None, False)
    user = acting_user()
    if user is not None:
        names = [role.name for role in user.roles]
        levels = [ROLE_REACH[n] for n in names if n in ROLE_REACH]
        level = max(levels, key=REACH_ORDER.index) if levels else None
        staff = db.session.scalar(select(Staff).where(Staff.user_id == user.id))
        # Without a staff profile only firm-wide roles (Admin, Auditor) see business data.
        if staff is None and level != ALL:
            level = None
        scope = Scope(level, staff, "Reviewer" in names)
    g.loandesk_scope = scope
    return scope


def scope_clause(model, scope: Scope | None = None):
    """A WHERE clause limiting ``model`` to the scope, or None for no restriction."""
    scope = scope or current_scope()
    if scope.unrestricted:
        return None
    parent = getattr(model, "__scope_parent__", None)
    if parent is not None:
        relation = getattr(model, parent)
        inner = scope_clause(relation.property.mapper.class_, scope)
        return None if inner is None else relation.has(inner)
    if not issubclass(model, OwnedMixin):
        return None  # configuration (products, funders…) is not scoped
    if scope.level is None or scope.staff is None:
        return false()
    staff = scope.staff
    if scope.level == BRANCH:
        clauses = [model.branch_id == staff.branch_id]
    elif scope.level == TEAM and staff.team_id is not None:
        clauses = [model.team_id == staff.team_id]
    else:  # own (a team reach without a team is one's own book)
        clauses = [model.owner_id == staff.id]
    if scope.reviews:
        assigned = select(Application.id).where(Application.reviewer_id == staff.id)
        if model is Application:
            clauses.append(model.reviewer_id == staff.id)
        elif model.__tablename__ == "customer":
            clauses.append(model.id.in_(
                select(Application.customer_id).where(Application.id.in_(assigned))))
    return or_(*clauses) if len(clauses) > 1 else clauses[0]


def scoped(query, model):
    clause = scope_clause(model)
    return query if clause is None else query.filter(clause)


def in_scope(model, pk) -> bool:
    clause = scope_clause(model)
    query = select(model.id).where(model.id == pk)
    if clause is not None:
        query = query.where(clause)
    return db.session.scalar(query) is not None


def is_scoped(model) -> bool:
    return getattr(model, "__scope_parent__", None) is not None or issubclass(model, OwnedMixin)


class ScopeFilter(BaseFilter):
    """FAB base filter applying ``scope_clause`` (the column name is only a FAB formality)."""

    name = "scope"

    def apply(self, query, value):
        clause = scope_clause(self.model)
        return query if clause is None else query.filter(clause)

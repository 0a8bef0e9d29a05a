"""Edits judged by the one declaration of what may change (app/domain/editing.py).

Every path that saves what a person typed into a record asks ``check_edit`` before the
save: the generated forms (``LoanDeskModelView``), the REST API (``LoanDeskRestApi``) and
whatever imports or bulk-changes records.  ``edit_lock`` tells a screen what may be edited
at all (the edit icon, the edit form's locked fields).  Under all of them, a flush guard
refuses a change no rights could make in the record's state — a path that forgot to ask is
stopped before anything is written.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app, has_request_context
from flask_babel import gettext
from sqlalchemy import String, event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from .domain.editing import EditRule, Refusal, rule_of
from .errors import CONFLICT, translate
from .extensions import db
from .permissions import OwnershipRefused

RIGHTS = ("write", "reassign", "view_sensitive")


class EditLocked(OwnershipRefused):
    """An edit the record's state or the user's rights do not allow (answered 409, as the
    forms answer it)."""

    status = CONFLICT


def entity_of(model) -> str:
    return model.__name__


def rule_for(model) -> EditRule | None:
    return rule_of(entity_of(model))


def rights_on(entity: str) -> frozenset[str]:
    """The user's rights on ``entity`` (the CLI and jobs act for the firm: every right)."""
    if not has_request_context():
        return frozenset(RIGHTS)
    sm = current_app.appbuilder.sm
    return frozenset(r for r in RIGHTS if sm.has_access(f"can_{r}", entity))


def state_of(item, rule: EditRule) -> str | None:
    """The record's state as stored (an edit is judged on the state it started from)."""
    if rule.state_field is None:
        return None
    attr = db.inspect(item).attrs[rule.state_field]
    history = attr.history
    if history.deleted:
        return history.deleted[0]
    return attr.value


def state_label(model, state: str | None) -> str:
    choices = model.__mapper__.columns["state"].info.get("choices") \
        if "state" in model.__mapper__.columns else None
    if state is None or choices is None:
        return state or ""
    return str(choices.labels().get(state, state))


def message(model, refusal: Refusal) -> str:
    params = dict(refusal.params)
    if "state" in params:
        params["state"] = state_label(model, params["state"])
    return translate(refusal.msgid, params)


def _blank(value) -> bool:
    return value is None or value == ""


def blank_to_null(item) -> None:
    """An optional text left empty is stored as nothing (NULL), not as '': two customers
    without a credit code must not collide on its unique key, and "not given" reads one
    way everywhere."""
    for column in type(item).__mapper__.columns:
        if column.nullable and isinstance(column.type, String) and not column.primary_key \
                and getattr(item, column.key, None) == "":
            setattr(item, column.key, None)


def changed_fields(item) -> set[str]:
    """The fields of ``item`` with a pending change: columns, and many-to-one relations by
    their own name (a foreign key set directly counts as its relation).  An empty field
    saved empty, or a relation set to the record it already points to, is no change."""
    state = db.inspect(item)
    mapper = type(item).__mapper__
    relations = [rel for rel in mapper.relationships if rel.direction.name == "MANYTOONE"]
    relation_of = {column.key: rel.key for rel in relations for column in rel.local_columns}
    changed = set()
    for attr in mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if not (_blank(old) and _blank(new)):
            changed.add(relation_of.get(attr.key, attr.key))
    for rel in relations:
        history = state.attrs[rel.key].history
        if history.has_changes() and not _points_where_it_did(state, rel, history):
            changed.add(rel.key)
    return changed


def values_before_after(item, names) -> dict[str, tuple[object, object]]:
    """(stored, pending) of each changed column among ``names`` (relations by their key's
    identity: a signed copy attached counts as set)."""
    state = db.inspect(item)
    relations = type(item).__mapper__.relationships
    out = {}
    for name in names:
        history = state.attrs[name].history
        if name in relations:  # its stored key, loaded or not
            columns = [c.key for c in relations[name].local_columns]
            before = state.attrs[columns[0]].loaded_value if len(columns) == 1 else None
            before = None if before is NO_VALUE else before
        else:
            before = history.deleted[0] if history.deleted else (
                history.unchanged[0] if history.unchanged else None)
        after = history.added[0] if history.added else before
        out[name] = (before, after)
    return out


def _points_where_it_did(state, rel, history) -> bool:
    """A relation set to the record its stored foreign key already names (FAB's forms set
    every relation they show, loaded or not)."""
    new = history.added[0] if history.added else None
    for local, remote in rel.local_remote_pairs:
        old = state.attrs[state.mapper.get_property_by_column(local).key].loaded_value
        if new is None:
            if old is not None:
                return False
            continue
        if db.inspect(new).identity is None:
            return False  # a record not yet saved: a change
        if old != getattr(new, rel.mapper.get_property_by_column(remote).key):
            return False
    return True


@dataclass(frozen=True)
class Lock:
    """What the current user may edit of one record, for a screen."""

    can_edit: bool
    reason: str | None  # why nothing may be edited, when nothing may
    rule: EditRule | None
    state: str | None
    rights: frozenset[str]

    def may_change(self, name: str) -> bool:
        return self.rule is None or self.rule.may_change(name, self.state, self.rights)

    def field_reason(self, model, name: str) -> tuple[str | None, bool]:
        """Why ``name`` may not change, and whether it is the record's state (rather than
        a missing right) that locks it."""
        if self.rule is None or self.may_change(name):
            return None, False
        refusal = self.rule.refusal(self.state, self.rights, {name})
        if refusal is None:
            return None, False
        return message(model, refusal), refusal.msgid == self.rule.locked


def edit_lock(item) -> Lock:
    model = type(item)
    rule = rule_for(model)
    rights = rights_on(entity_of(model))
    if rule is None:
        return Lock("write" in rights, None, None, None, rights)
    state = state_of(item, rule)
    if rule.can_edit(state, rights):
        return Lock(True, None, rule, state, rights)
    refusal = rule.refusal(state, rights, set(rule.named()) or {"*"}) or Refusal(rule.locked)
    return Lock(False, message(model, refusal), rule, state, rights)


def check_edit(item) -> None:
    """Refuse (EditLocked, nothing kept) ``item``'s pending edit unless every changed field
    may change in the record's state with the user's rights."""
    model = type(item)
    rule = rule_for(model)
    if rule is None:
        return
    with db.session.no_autoflush:  # reading the rights must not write the edit first
        rights = rights_on(entity_of(model))
        changed = changed_fields(item)
        refusal = rule.refusal(state_of(item, rule), rights, changed) or \
            rule.value_refusal(rights, values_before_after(item, changed))
    if refusal is not None:
        text = message(model, refusal)
        db.session.rollback()  # nothing of a refused edit is kept
        raise EditLocked(text, refusal.field)


def entity_label(table: str) -> str:
    """What the screens call the records of ``table`` (客户, 贷款…); the table's name when
    no screen shows them."""
    for view in current_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if getattr(view, "entity", None) is not None and datamodel is not None and \
                getattr(datamodel.obj, "__tablename__", None) == table:
            return str(view.entity)
    return table


def delete_refusal(item, *, referrers: bool = True) -> str | None:
    """Why ``item`` may not be deleted, or None: its state protects it, or (``referrers``)
    other records still point at it — SQLite does not enforce foreign keys, and deleting a
    customer with loans would leave them pointing at nothing.  A list's delete icons ask
    about the state only (one query a page, not one per row and table)."""
    model = type(item)
    rule = rule_for(model)
    state = state_of(item, rule) if rule is not None else None
    if rule is not None and not rule.may_delete(state):
        return gettext("This record is %(state)s and can no longer be deleted.",
                       state=state_label(model, state))
    if not referrers:
        return None
    table = model.__table__
    # Children the record takes with it (contacts, follow-ups: delete-orphan cascades).
    carried = {rel.mapper.local_table for rel in model.__mapper__.relationships
               if rel.direction.name == "ONETOMANY" and rel.cascade.delete_orphan}
    for other in table.metadata.sorted_tables:
        if other is table or other in carried or other.name.startswith("ab_") or \
                other.name == "audit_log":
            continue
        for fk in other.foreign_keys:
            if fk.column.table is table and db.session.execute(
                    select(fk.parent).where(fk.parent == item.id).limit(1)).first():
                return gettext("Other records still refer to this one (%(what)s): it "
                               "cannot be deleted.", what=entity_label(other.name))
    return None


def editable_ids(model, ids: list) -> set:
    """Of ``ids``, those whose record the current user may edit (one query at most)."""
    rule = rule_for(model)
    rights = rights_on(entity_of(model))
    if rule is None:
        return set(ids) if "write" in rights else set()
    if rule.state_field is None:
        return set(ids) if rule.can_edit(None, rights) else set()
    states = db.session.execute(select(model.id, getattr(model, rule.state_field))
                                .where(model.id.in_(ids))).all() if ids else []
    return {pk for pk, state in states if rule.can_edit(state, rights)}


# -- The backstop under every path --------------------------------------------------------

UNGUARDED = "loandesk.edits_unguarded"


@contextmanager
def edits_unguarded():
    """Build history as it happened (the demo book, a test's fixture): inside, the flush
    guard lets any change through.  Never around anything a person typed."""
    session = db.session()
    before = session.info.get(UNGUARDED, False)
    session.info[UNGUARDED] = True
    try:
        yield
    finally:
        session.info[UNGUARDED] = before


def _guard(session: Session, _context, _instances) -> None:
    if session.info.get(UNGUARDED):
        return
    for item in session.dirty:
        rule = rule_for(type(item))
        if rule is None or rule.state_field is None or not session.is_modified(item):
            continue
        state = db.inspect(item)
        if state.attrs[rule.state_field].history.has_changes():
            continue  # the record moves: an action (a transition, a posting), not an edit
        current = state_of(item, rule)
        frozen = sorted(name for name in changed_fields(item) if rule.frozen(name, current))
        if frozen:
            raise EditLocked(message(type(item), Refusal(rule.locked, {"state": current},
                                                         frozen[0])), frozen[0])


def install_edit_guard() -> None:
    if not event.contains(Session, "before_flush", _guard):
        event.listen(Session, "before_flush", _guard)

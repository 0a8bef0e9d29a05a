"""Writing the audit trail: who did what to which record, when, and why.

``record`` adds the entry to the current session, so it commits (or rolls back) together
with the change it describes.
"""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime
from sqlalchemy.orm.base import NO_VALUE

from .extensions import db
from .i18n import format_minute
from .models import AuditLog, Model
from .models.base import utcnow
from .models.enums import AuditAction
from .models.labels import label_of
from .org.users import NO_EMAIL_DOMAIN, role_label
from .scoping import acting_user


def record(action: str, entity: str | None = None, record_id: object = None,
           changes: dict | None = None, purpose: str | None = None,
           acting=None) -> AuditLog:
    user = acting or acting_user()
    entry = AuditLog(
        user_id=user.id if user else None,
        username=user.username if user else None,
        action=action, entity=entity,
        record_id=None if record_id is None else str(record_id),
        changes=changes, purpose=purpose,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


# -- Every create, update and delete of a business record -----------------------------------
SKIPPED_TABLES = {"audit_log", "login_lockout", "contract_counter", "portfolio_snapshot"}
SECRET_COLUMNS = {"password"}  # FAB's user password hash: its change is noted, never copied


def _audited(obj) -> bool:
    table = getattr(obj, "__tablename__", None)
    return table is not None and table not in SKIPPED_TABLES and (
        not table.startswith("ab_") or table in ("ab_user", "ab_role"))


def _shown(obj, column: str, value):
    if value is None:
        return None
    if column in SECRET_COLUMNS:
        return "********"
    masker = obj.__mapper__.columns[column].info.get("mask") if \
        column in obj.__mapper__.columns else None
    return masker(str(value)) if masker else str(value)


GRANTS = ("roles", "permissions")  # FAB: a user's roles, a role's rights (link tables)
# What FAB writes on a login by itself at every login: not a change anyone made.
BOOKKEEPING = {"last_login", "login_count", "fail_login_count", "changed_on",
               "changed_by_fk"}


def _snapshot(obj) -> dict:
    """The record as created or deleted: its columns, and the roles of a user / the
    permissions of a role, which live in link tables."""
    values = {attr.key: _shown(obj, attr.key, getattr(obj, attr.key))
              for attr in obj.__mapper__.column_attrs if getattr(obj, attr.key) is not None}
    for key in GRANTS:
        if key in obj.__mapper__.relationships:
            values[key] = sorted(str(x) for x in getattr(obj, key) or ())
    return values


# The new value of a foreign key set through its relationship: known after the flush.
FK_PENDING = object()


def _blank(value) -> bool:
    return value is None or value == ""


def _diff(obj) -> dict:
    """{column: [old, new]} of ``obj``'s pending changes (shown as the trail shows them),
    and the roles / permissions added and removed.

    A foreign key set through its relationship (``application.owner = staff``) only moves
    inside the flush: its old value is noted here as ``[old, FK_PENDING]``, and the new one
    is read after the flush (``_resolve_foreign_keys``)."""
    changes = {}
    state = db.inspect(obj)
    for attr in obj.__mapper__.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _blank(old) and _blank(new):  # an empty field saved empty (None → '')
                continue
            changes[attr.key] = [_shown(obj, attr.key, old), _shown(obj, attr.key, new)]
    for rel in obj.__mapper__.relationships:
        if rel.direction.name == "MANYTOONE":
            history = state.attrs[rel.key].history
            if history.has_changes():
                before = history.deleted[0] if history.deleted else None
                for local, remote in rel.local_remote_pairs:
                    key = obj.__mapper__.get_property_by_column(local).key
                    if key in changes:  # the column itself was set
                        continue
                    old = state.attrs[key].loaded_value
                    if old is NO_VALUE:  # not loaded: the related record it pointed to
                        old = None if before is None else getattr(
                            before, rel.mapper.get_property_by_column(remote).key)
                    changes[key] = [_shown(obj, key, old), FK_PENDING]
            continue
        if rel.key not in GRANTS:
            continue
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            changes[rel.key] = {"added": sorted(str(x) for x in history.added),
                                "removed": sorted(str(x) for x in history.deleted)}
    return changes


def _resolve_foreign_keys(obj, changes: dict | None) -> dict | None:
    """Fill in the foreign keys the flush has just set; drop those that did not move."""
    if not changes:
        return changes
    for key, value in list(changes.items()):
        if isinstance(value, list) and value[1] is FK_PENDING:
            new = _shown(obj, key, db.inspect(obj).dict.get(key))
            if new == value[0]:
                del changes[key]
            else:
                value[1] = new
    return changes


def _before_flush(session, _context, _instances) -> None:
    if not has_request_context() or session.info.get("audit_off"):
        return
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if _audited(obj):
            pending.append(("create", obj, None))
    for obj in session.dirty:
        if _audited(obj) and session.is_modified(obj):
            changes = _diff(obj)
            if set(changes) <= BOOKKEEPING:  # a login's own counters: no one changed it
                continue
            if changes:
                action = "permission" if set(GRANTS) & set(changes) else "update"
                pending.append((action, obj, changes))
    for obj in session.deleted:
        if _audited(obj):
            pending.append(("delete", obj, _snapshot(obj)))


def _record_id(obj) -> str | None:
    """The record's id. A created record has no identity until the flush is finalised
    (after this hook), but its primary key is already assigned: read it from the columns."""
    state = db.inspect(obj)
    key = state.identity or state.mapper.primary_key_from_instance(obj)
    return None if not key or key[0] is None else str(key[0])


def _after_flush(session, _context) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    user = acting_user()
    rows = []
    for action, obj, changes in pending:
        if action == AuditAction.CREATE:
            changes = _snapshot(obj)
        elif action != AuditAction.DELETE:
            changes = _resolve_foreign_keys(obj, changes)
            if not changes:  # only a relation set to the record it already had
                continue
        rows.append({
            "at": utcnow(), "user_id": user.id if user else None,
            "username": user.username if user else None, "action": action,
            "entity": obj.__tablename__,
            "record_id": _record_id(obj),
            "changes": changes, "purpose": None,
            "ip": request.remote_addr if has_request_context() else None,
        })
    if not rows:
        return
    # Written on the flush's own connection: committed or rolled back with the change.
    session.connection().execute(AuditLog.__table__.insert(), rows)


def install_audit_trail() -> None:
    from sqlalchemy import event

    # db.session is shared by every app in the process (tests build many): listen once.
    if not event.contains(db.session, "before_flush", _before_flush):
        event.listen(db.session, "before_flush", _before_flush)
        event.listen(db.session, "after_flush", _after_flush)


# -- The trail in words, for its screen ------------------------------------------------------

def _model_of(table: str | None):
    for mapper in Model.registry.mappers:
        if getattr(mapper.class_, "__tablename__", None) == table:
            return mapper.class_
    return None


def _value_text(model, key: str, value) -> str:
    """A stored value as the screens show it: a code by its label, a related record by its
    name, a moment on the firm's clock, nothing as a dash."""
    if value is None or value == "" or (isinstance(value, str) and value.endswith(
            "@" + NO_EMAIL_DOMAIN)):
        return "—"
    if isinstance(value, list):
        texts = [role_label(str(v)) if key == "roles" else _value_text(model, key, v)
                 for v in value]
        return "、".join(texts) or "—"
    if isinstance(value, dict):
        return "；".join(f"{_label(model, k)}：{_value_text(model, k, v)}"
                        for k, v in value.items())
    column = model.__mapper__.columns.get(key) if model is not None else None
    if key in ("from", "to") and model is not None:
        column = model.__mapper__.columns.get("state")
    choices = column.info.get("choices") if column is not None else None
    if choices is not None:
        return str(choices.labels().get(str(value), value))
    if column is not None and column.foreign_keys:
        return _related_name(column, value)
    if column is not None and isinstance(column.type, DateTime):
        return _moment_text(value)
    if isinstance(value, bool) or value in ("True", "False"):
        from flask_babel import gettext

        return gettext("Yes") if value in (True, "True") else gettext("No")
    return str(value)


def _related_name(column, value) -> str:
    """The record a foreign key points to, by its name (张三, 福州总部); the id when it is
    gone."""
    target = next(iter(column.foreign_keys)).column.table
    model = _model_of(target.name)
    try:
        record = db.session.get(model, int(value)) if model is not None else None
    except (TypeError, ValueError):
        record = None
    return str(record) if record is not None else str(value)


def _moment_text(value) -> str:
    import datetime as dt

    try:
        moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(
            str(value))
    except ValueError:
        return str(value)
    return format_minute(moment)


SYSTEM_PURPOSES = {}  # filled below: the purposes the app itself writes, in words


def purpose_text(purpose: str | None) -> str:
    """A purpose as typed (an unmasking's reason), or the app's own in the reader's
    language."""
    if not purpose:
        return ""
    label = SYSTEM_PURPOSES.get(purpose)
    return str(label) if label is not None else purpose


# Keys the app writes into an entry's changes that are no field of the record: a state
# move's from and to (and an application's loan), a disbursement's amount, an unmasking's
# fields, an export's filters (a report's: by branch, team, staff…), a contract PDF.
CHANGE_LABELS = {"from": _l("From"), "to": _l("To"), "loan": _l("Loan"),
                 "amount": _l("Amount"), "fields": _l("Fields"), "filters": _l("Filters"),
                 "lang": _l("Language"), "pdf": _l("PDF"), "reversed_by": _l("Reversed by"),
                 "branch": _l("Branch"), "team": _l("Team"), "staff": _l("Staff"),
                 "product": _l("Product"), "funder": _l("Funder"), "channel": _l("Channel")}


def _known_label(model, key: str) -> object:
    label = label_of(model, key)
    return CHANGE_LABELS.get(key) if label is None else label


def _label(model, key: str) -> str:
    label = _known_label(model, key)
    if label is None and key.endswith(("_id", "_fk")):
        key = key[:-3]  # owner_id: the owner
        label = _known_label(model, key)
    return key if label is None else str(label)


def readable_changes(entry) -> str:
    """An audit entry's changes in words, a line each: "状态：草稿 → 已提交"."""
    changes = entry.changes
    if not changes:
        return ""
    if not isinstance(changes, dict):
        return str(changes)
    model = _model_of(entry.entity)
    lines = []
    for key, value in changes.items():
        label = _label(model, key)
        if isinstance(value, list) and len(value) == 2 and key not in ("fields",):
            lines.append(f"{label}：{_value_text(model, key, value[0])} → "
                         f"{_value_text(model, key, value[1])}")
        elif isinstance(value, dict) and set(value) <= {"added", "removed"}:
            added, removed = value.get("added") or [], value.get("removed") or []
            lines.append(f"{label}：" + " ".join([*(f"+{a}" for a in added),
                                                  *(f"−{r}" for r in removed)]))
        elif key == "fields":
            lines.append(f"{label}：" + "、".join(_label(model, f) for f in value))
        else:
            lines.append(f"{label}：{_value_text(model, key, value)}")
    return "\n".join(lines)


def _system_purposes() -> None:
    SYSTEM_PURPOSES.update({
        "returned to the pool": _l("returned to the public pool"),
        "claimed from the public pool": _l("claimed from the public pool"),
        "download": _l("download"), "account locked": _l("account locked"),
        "contract PDF": _l("contract PDF"),
        "contract PDF (issued, unmasked)": _l("contract PDF (issued, unmasked)"),
        "contract PDF (English rendering)": _l("contract PDF (English rendering)")})


_system_purposes()

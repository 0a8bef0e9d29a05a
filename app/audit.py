"""Writing the audit trail: who did what to which record, when, and why.

``record`` adds the entry to the current session, so it commits (or rolls back) together
with the change it describes.
"""

from __future__ import annotations

from flask import has_request_context, request

from .extensions import db
from .models import AuditLog
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


def changed_fields(item) -> dict[str, list]:
    """{field: [old, new]} for the columns changed on ``item`` in this session."""
    changes = {}
    state = db.inspect(item)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [None if old is None else str(old),
                                 None if new is None else str(new)]
    return changes

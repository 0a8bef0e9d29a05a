"""``/lookup/<table>``: the AJAX search behind related-field selects (20 rows a page)."""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import or_, select

from ..extensions import db
from ..models import (
    Application,
    Contract,
    Customer,
    Document,
    Installment,
    Loan,
    Repayment,
)
from ..models.settings import AuditLog
from ..scoping import scoped

PAGE = 20

# table → (model, columns matched by prefix); the user needs "can read" on the model.
LOOKUPS = {
    "customer": (Customer, ("name",)),
    "application": (Application, ("number",)),
    "loan": (Loan, ("number",)),
    "contract": (Contract, ("number",)),
    "document": (Document, ("original_name",)),
    "installment": (Installment, ()),
    "repayment": (Repayment, ("reference",)),
    "audit_log": (AuditLog, ("username",)),
}


class LookupView(BaseView):
    route_base = "/lookup"
    default_view = "lookup"
    class_permission_name = "Lookup"
    method_permission_name = {"lookup": "read"}

    @expose("/<table>")
    @has_access
    def lookup(self, table: str):
        if table not in LOOKUPS:
            abort(404)
        model, columns = LOOKUPS[table]
        if not self.appbuilder.sm.has_access("can_read", model.__name__):
            abort(404)
        term = (request.args.get("q") or "").strip()[:50]
        try:
            page = max(1, int(request.args.get("page", 1)))
        except ValueError:
            page = 1
        query = scoped(select(model), model)  # never offer a record the user cannot see
        if term and columns:
            query = query.where(or_(*(getattr(model, c).startswith(term, autoescape=True)
                                      for c in columns)))
        elif term.isdigit():
            query = query.where(model.id == int(term))
        query = query.order_by(model.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)
        rows = db.session.scalars(query).all()
        return jsonify(results=[{"id": r.id, "text": str(r)} for r in rows[:PAGE]],
                       more=len(rows) > PAGE)

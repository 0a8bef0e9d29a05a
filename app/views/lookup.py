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

PAGE = 20

# table → (model, columns matched by prefix, the view whose can_list the user needs)
LOOKUPS = {
    "customer": (Customer, ("name", "phone"), "CustomerView"),
    "application": (Application, ("number",), "ApplicationView"),
    "loan": (Loan, ("number",), "LoanView"),
    "contract": (Contract, ("number",), "ContractView"),
    "document": (Document, ("original_name",), "DocumentView"),
    "installment": (Installment, (), "InstallmentView"),
    "repayment": (Repayment, ("reference",), "RepaymentView"),
    "audit_log": (AuditLog, ("username",), "AuditLogView"),
}


class LookupView(BaseView):
    route_base = "/lookup"
    default_view = "lookup"

    @expose("/<table>")
    @has_access
    def lookup(self, table: str):
        if table not in LOOKUPS:
            abort(404)
        model, columns, view_name = LOOKUPS[table]
        if not self.appbuilder.sm.has_access("can_list", view_name):
            abort(404)
        term = (request.args.get("q") or "").strip()[:50]
        try:
            page = max(1, int(request.args.get("page", 1)))
        except ValueError:
            page = 1
        query = select(model)
        if term and columns:
            query = query.where(or_(*(getattr(model, c).startswith(term, autoescape=True)
                                      for c in columns)))
        elif term.isdigit():
            query = query.where(model.id == int(term))
        query = query.order_by(model.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)
        rows = db.session.scalars(query).all()
        return jsonify(results=[{"id": r.id, "text": str(r)} for r in rows[:PAGE]],
                       more=len(rows) > PAGE)

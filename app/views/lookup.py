"""``/lookup/<table>``: the AJAX search behind related-field selects (20 rows a page).

Any LoanDesk table not declared ``__small__`` can be looked up; the rows offered are those
the user may read and reach (the same scoping as everywhere else).
"""

from __future__ import annotations

from flask import abort, jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from sqlalchemy import or_, select

from ..extensions import db
from ..models import Model
from ..scoping import scoped
from .base import is_large

PAGE = 20
SEARCHED = ("number", "name", "original_name", "reference", "username")


def lookup_model(table: str):
    for mapper in Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "__tablename__", None) == table and is_large(model):
            return model
    return None


class LookupView(BaseView):
    route_base = "/lookup"
    default_view = "lookup"
    class_permission_name = "Lookup"
    method_permission_name = {"lookup": "read"}

    @expose("/<table>")
    @has_access
    def lookup(self, table: str):
        model = lookup_model(table)
        if model is None or not self.appbuilder.sm.has_access("can_read", model.__name__):
            abort(404)
        columns = getattr(model, "__lookup__", None) or [
            c for c in SEARCHED if c in model.__mapper__.columns][:1]
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

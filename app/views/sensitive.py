"""The "show sensitive data" screen of entities with masked fields (customers, contacts)."""

from __future__ import annotations

from flask import request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext

from ..extensions import db
from ..permissions import MODEL_VIEW_METHODS
from ..sensitive import unmask


class SensitiveViewMixin:
    """Adds ``/sensitive/<pk>``: state a purpose, see the clear values, leave an audit trail."""

    method_permission_name = {**MODEL_VIEW_METHODS, "sensitive": "view_sensitive"}
    show_template = "loandesk/show_sensitive.html"

    def render_template(self, template, **kwargs):
        kwargs.setdefault("permission_name", self.class_permission_name)
        return super().render_template(template, **kwargs)

    @expose("/sensitive/<pk>", methods=["GET", "POST"])
    @has_access
    def sensitive(self, pk):
        item = self.scoped_item(pk)
        values, error = None, None
        if request.method == "POST":
            purpose = (request.form.get("purpose") or "").strip()[:200]
            if len(purpose) < 2:
                error = gettext("State why you need to see this data.")
            else:
                values = unmask(item, purpose)
                db.session.commit()
        return self.render_template(
            "loandesk/unmask.html", item=item, values=values, error=error,
            labels=self.label_columns, back=url_for(f"{type(self).__name__}.show", pk=pk))

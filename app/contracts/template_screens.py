"""Admins upload a firm's own clause skeleton per contract kind; it is validated first."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, ContractTemplate, Loan
from app.models.enums import ContractKind
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope
from app.views.base import READ_ONLY, LoanDeskModelView, ModelInterface

from .render import contract_context
from .templates import save, validation_errors

MAX_TEMPLATE_BYTES = 200_000


def sample_context(kind: str) -> dict | None:
    """A real loan's data, to try an uploaded template on before it is used."""
    loan = db.session.scalar(select(Loan).where(Loan.disbursed_on.is_not(None))
                             .order_by(Loan.id).limit(1))
    if loan is None:
        return None
    sample = Contract(kind=kind, number="样例-0000-000000", version=1, state="draft",
                      loan=loan, customer=loan.customer, application=loan.application)
    try:
        return contract_context(sample, unmasked=False)
    finally:
        if sample in db.session:
            db.session.expunge(sample)


class ContractTemplateView(LoanDeskModelView):
    datamodel = ModelInterface(ContractTemplate)
    entity, entity_plural = _l("Contract template"), _l("Contract templates")
    exclude_route_methods = READ_ONLY
    method_permission_name = {**MODEL_VIEW_METHODS, "upload": "write"}
    list_columns = ["kind", "version", "active", "note", "uploaded_by", "created_at"]
    search_columns = ["kind", "active"]
    show_columns = ["kind", "version", "active", "note", "uploaded_by", "created_at", "body"]
    base_order = ("created_at", "desc")
    list_template = "loandesk/template_list.html"

    @expose("/upload", methods=["GET", "POST"])
    @has_access
    def upload(self):
        errors: list[str] = []
        if request.method == "POST":
            kind = request.form.get("kind", "")
            upload = request.files.get("file")
            raw = upload.stream.read(MAX_TEMPLATE_BYTES + 1) if upload else b""
            if kind not in {k.value for k in ContractKind}:
                errors.append(gettext("Choose the contract type."))
            elif not raw or len(raw) > MAX_TEMPLATE_BYTES:
                errors.append(gettext("Choose an HTML template file of at most 200 KB."))
            else:
                try:
                    body = raw.decode("utf-8")
                except UnicodeDecodeError:
                    body = None
                    errors.append(gettext("The template must be UTF-8 text."))
                context = sample_context(kind) if body is not None else None
                if body is not None and context is None:
                    errors.append(gettext("A disbursed loan is needed to try the template on."))
                elif body is not None:
                    errors = validation_errors(kind, body, context)
                if not errors:
                    template = save(kind, body, current_scope().staff,
                                    request.form.get("note") or None)
                    db.session.commit()
                    flash(gettext("Template %(name)s is now in use.", name=str(template)),
                          "success")
                    return redirect(url_for("ContractTemplateView.list"))
                db.session.rollback()
        return self.render_template(
            "loandesk/template_upload.html", errors=errors, title=gettext("Upload a template"),
            kinds=[(k.value, k.label) for k in ContractKind])

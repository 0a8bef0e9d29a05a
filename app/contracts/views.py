"""The contract page: HTML preview, PDF, version history and the life-cycle actions."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import select

from app.audit import record
from app.documents import UploadRefused
from app.extensions import db
from app.models import Contract, Loan
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope, scoped

from . import service


def may_see_identifiers(sm) -> bool:
    return sm.has_access("can_view_sensitive", "Customer")


def pdf_response(contract, sm, english: bool = False):
    """A contract's PDF for the current user, or None when they may not have it.
    ``english``: the English rendering for foreign funders (identifiers masked unless the
    user may see them); the Chinese one is the binding text."""
    if english:
        data = service.english_pdf(contract, unmasked=may_see_identifiers(sm))
        record("export", "contract", contract.id, {"pdf": contract.number, "lang": "en"},
               purpose="contract PDF (English rendering)")
        db.session.commit()
        return Response(data, mimetype="application/pdf", headers={
            "Content-Disposition": f"attachment; filename={contract.number}-en.pdf"})
    full = contract.pdf_stored_name is not None  # issued: the legal document, unmasked
    if full and not may_see_identifiers(sm):
        return None
    data = service.pdf(contract, unmasked=False)
    record("export", "contract", contract.id, {"pdf": contract.number},
           purpose="contract PDF" + (" (issued, unmasked)" if full else ""))
    db.session.commit()
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={contract.number}.pdf"})


class ContractActionsMixin:
    show_template = "loandesk/contract_show.html"
    method_permission_name = {**MODEL_VIEW_METHODS, "pdf": "read", "generate": "write",
                              "act": "write"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        contract = self.scoped_item(pk)
        history = db.session.scalars(scoped(select(Contract), Contract).where(
            Contract.kind == contract.kind, Contract.year == contract.year,
            Contract.seq == contract.seq).order_by(Contract.version)).all()
        preview = service.html(contract, unmasked=False)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, contract=contract, history=history,
            preview=Markup(preview.split("<body>", 1)[-1].rsplit("</body>", 1)[0]),
            can_write=self.appbuilder.sm.has_access("can_write", "Contract"),
            can_pdf=contract.pdf_stored_name is None or may_see_identifiers(
                self.appbuilder.sm))

    @expose("/pdf/<pk>")
    @has_access
    def pdf(self, pk):
        contract = self.scoped_item(pk)
        try:
            response = pdf_response(contract, self.appbuilder.sm,
                                    english=request.args.get("lang") == "en")
        except service.ContractRefused as refused:
            flash(str(refused), "danger")
            return redirect(url_for("ContractView.show", pk=contract.id))
        if response is None:
            abort(403)
        return response

    @expose("/generate/<int:loan_id>", methods=["POST"])
    @has_access
    def generate(self, loan_id: int):
        loan = db.session.scalar(scoped(select(Loan), Loan).where(Loan.id == loan_id))
        if loan is None:
            abort(404)
        try:
            contract = service.create_draft(loan, request.form.get("kind", ""))
        except service.ContractRefused as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for("LoanView.show", pk=loan_id))
        return redirect(url_for("ContractView.show", pk=contract.id))

    @expose("/act/<pk>", methods=["POST"])
    @has_access
    def act(self, pk):
        contract = self.scoped_item(pk)
        action = request.form.get("action")
        try:
            if action == "issue":
                service.issue(contract)
            elif action == "void":
                service.void(contract, request.form.get("reason", ""))
            elif action == "settle":
                service.settle(contract)
            elif action == "revise":
                contract = service.new_version(contract)
            elif action == "sign":
                upload = request.files.get("file")
                service.sign(contract, upload.stream if upload else None,
                             upload.filename if upload else None, current_scope().staff)
            else:
                abort(400)
        except (service.ContractRefused, UploadRefused) as refused:
            db.session.rollback()
            flash(str(refused), "danger")
        else:
            flash(gettext("Contract %(number)s: done.", number=contract.number), "success")
        return redirect(url_for("ContractView.show", pk=contract.id))

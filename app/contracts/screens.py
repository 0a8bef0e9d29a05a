"""Contract screens: the contract list and page (HTML preview, PDF, version history and the
life-cycle actions: issue, sign, void, new version), and the loan page's list of a loan's
contracts (``loan_contracts``, shown by templates/loandesk/_loan_contracts.html).  The
actions call app/contracts/service.py."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select

from app.audit import record
from app.errors import Refused
from app.extensions import db
from app.i18n import format_minute
from app.models import Contract, Loan
from app.models.enums import ContractKind, ContractState
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope, scoped
from app.views.base import READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import ListHelp, Tabs, contains, prefix
from app.views.refusals import flash_refusal

from . import service

# The states in which the page shows each form that has fields: a refusal of that form is
# shown beside its field only while the form is still on the page.
FORM_STATES = {"void": ("draft", "issued", "signed"), "sign": ("issued",)}
FORM_FIELD = {"void": "reason", "sign": "file"}


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


@dataclass(frozen=True)
class LoanContractRow:
    """One contract of a loan, as the loan page lists it (labels translated, moments on
    the firm's clock)."""

    id: int
    number: str
    kind: str
    version: int
    state: str
    issued: str
    signed: str
    superseded_by: tuple[int, str] | None  # (id, number) of the version that replaced it


def loan_contracts(loan) -> list[LoanContractRow] | None:
    """The loan's contracts the user may read (one query), versions of one number together
    and in order; None when the user may not read contracts at all."""
    if not current_app.appbuilder.sm.has_access("can_read", "Contract"):
        return None
    contracts = db.session.scalars(scoped(select(Contract), Contract).where(
        Contract.loan_id == loan.id).order_by(
        Contract.kind, Contract.year, Contract.seq, Contract.version)).all()
    successors = {c.supersedes_id: (c.id, c.number) for c in contracts
                  if c.supersedes_id is not None}
    return [LoanContractRow(
        id=c.id, number=c.number, kind=str(ContractKind(c.kind).label), version=c.version,
        state=str(ContractState(c.state).label), issued=format_minute(c.issued_at),
        signed=format_minute(c.signed_at), superseded_by=successors.get(c.id))
        for c in contracts]


def _linked(contract, sm) -> list[tuple[str, str, str | None]]:
    """The records the contract belongs to, as (what, which, link): a link only where the
    user may open that kind of record (its page scopes the row itself)."""
    linked = []
    loan, customer, application = contract.loan, contract.customer, contract.application
    for label, item, name, entity in (
            (gettext("Loan"), loan, loan and loan.number, "Loan"),
            (gettext("Customer"), customer, customer and customer.name, "Customer"),
            (gettext("Application"), application, application and application.number,
             "Application")):
        if item is not None:
            href = url_for(f"{entity}View.show", pk=item.id) \
                if sm.has_access("can_read", entity) else None
            linked.append((label, name, href))
    return linked


class ContractView(LoanDeskModelView):
    datamodel = ModelInterface(Contract)
    entity, entity_plural = _l("Contract"), _l("Contracts")
    # Contracts are generated from loans, and an issued one is frozen: no generic edit.
    exclude_route_methods = READ_ONLY
    list_columns = ["number", "kind", "version", "state", "customer", "loan", "issued_at"]
    search_columns = ["number", "kind", "state", "issued_at"]
    quick_search = (prefix("number"), contains("customer.name"))
    quick_search_placeholder = _l("Search the contract number or the customer's name")
    status_tabs = Tabs("state")
    list_help = ListHelp(
        _l("Contracts are generated on a loan's page: open the loan and click “%(button)s”.",
           button=_l("Generate: %(kind)s", kind=_l("Loan contract"))),
        _l("Open the loans"), "LoanView")
    show_columns = ["number", "kind", "version", "state", "customer", "loan", "application",
                    "supersedes", "sha256", "issued_at", "signed_at", "void_reason",
                    "created_at"]
    base_order = ("created_at", "desc")

    show_template = "loandesk/contract_show.html"
    method_permission_name = {**MODEL_VIEW_METHODS, "pdf": "read", "generate": "write",
                              "act": "write"}

    def _page(self, pk, errors: dict[str, list[str]] | None = None,
              typed: dict[str, str] | None = None, status: int = 200):
        widgets = self._show(pk)
        contract = self.scoped_item(pk)
        sm = self.appbuilder.sm
        history = db.session.scalars(scoped(select(Contract), Contract).where(
            Contract.kind == contract.kind, Contract.year == contract.year,
            Contract.seq == contract.seq).order_by(Contract.version)).all()
        preview = service.html(contract, unmasked=False)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, contract=contract, history=history,
            preview=Markup(preview.split("<body>", 1)[-1].rsplit("</body>", 1)[0]),
            linked=_linked(contract, sm), errors=errors or {}, typed=typed or {},
            state_label=str(ContractState(contract.state).label),
            can_write=sm.has_access("can_write", "Contract"),
            can_pdf=contract.pdf_stored_name is None or may_see_identifiers(sm)), status

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._page(pk)

    @expose("/pdf/<pk>")
    @has_access
    def pdf(self, pk):
        contract = self.scoped_item(pk)
        try:
            response = pdf_response(contract, self.appbuilder.sm,
                                    english=request.args.get("lang") == "en")
        except Refused as refused:
            flash_refusal(refused)
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
        except Refused as refused:
            db.session.rollback()
            flash_refusal(refused)
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
        except Refused as refused:  # the contract's, the upload's, or the application's move
            db.session.rollback()
            if contract.state in FORM_STATES.get(action, ()):
                # The form is still on the page: its refusal beside its field, and what
                # was typed kept (a chosen file cannot be: browsers never refill one).
                return self._page(pk, errors={FORM_FIELD[action]: [str(refused)]},
                                  typed={"reason": request.form.get("reason", "")},
                                  status=400)
            flash_refusal(refused)
        else:
            done = {"issue": gettext("Contract %(number)s is issued: its PDF is frozen.",
                                     number=contract.number),
                    "void": gettext("Contract %(number)s is void.", number=contract.number),
                    "settle": gettext("Contract %(number)s is settled.",
                                      number=contract.number),
                    "revise": gettext("Version %(version)s of contract %(number)s is a draft.",
                                      version=contract.version, number=contract.number),
                    "sign": gettext("Contract %(number)s is recorded as signed.",
                                    number=contract.number)}
            flash(done[action], "success")
        return redirect(url_for("ContractView.show", pk=contract.id))

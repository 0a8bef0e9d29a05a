"""Application screens (进件): the list and forms, and the application page's review panel
(score explanation, product matching, the moves a user may make from where the application
is: submit, withdraw, approve, reject, return; booking the loan); and the decisions made on
them.  The moves go through app/intake/transitions.py."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.customers.document_screens import DocumentView
from app.domain.schedule import Method
from app.domain.states import TRANSITIONS
from app.editing import check_edit
from app.errors import Refused
from app.extensions import db
from app.loans.service import book
from app.models import Application, Decision, Loan, LoanProduct
from app.models.enums import ApplicationState, RepaymentMethod
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope
from app.views.base import READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import ListHelp, Tabs, contains, prefix
from app.views.refusals import flash_refusal
from app.views.validators import money_in_range, positive_amount, term_months

from .applications import prepare
from .approval import decision_terms, quote_terms
from .checklist import submission_checks
from .matching import matches
from .scoring import assess, assessment_json
from .scoring_screens import CreditAssessmentView
from .transitions import REJECT_REASONS, transition


class DecisionView(LoanDeskModelView):
    datamodel = ModelInterface(Decision)
    entity, entity_plural = _l("Decision"), _l("Decisions")
    exclude_route_methods = READ_ONLY  # decisions are made through the review actions
    list_columns = ["decided_at", "application", "reviewer", "outcome", "approved_amount",
                    "approved_months", "approved_rate"]
    search_columns = ["outcome", "reviewer", "decided_at", "reason_code"]
    quick_search = (prefix("application.number"), contains("application.customer.name"))
    quick_search_placeholder = _l("Search the application number or the customer's name")
    list_help = ListHelp(
        _l("Decisions are made on an application's page: open an application under review "
           "and approve, reject or return it."),
        _l("Open the applications under review"), "ApplicationView", "under_review")
    add_columns = edit_columns = ["application", "reviewer", "outcome", "approved_amount",
                                  "approved_months", "approved_rate", "method", "conditions",
                                  "reason_code", "note"]
    show_columns = add_columns + ["decided_at"]
    base_order = ("decided_at", "desc")


class ApplicationView(LoanDeskModelView):
    datamodel = ModelInterface(Application)
    entity, entity_plural = _l("Application"), _l("Applications")
    extra_permissions = ("can_reassign", "can_review")
    list_columns = ["number", "customer", "amount", "months", "product", "state", "owner",
                    "reviewer", "created_at"]
    quick_search = (prefix("number"), contains("customer.name"))
    quick_search_placeholder = _l("Search the application number or the customer's name")
    status_tabs = Tabs("state", order=tuple(TRANSITIONS))  # in the life cycle's order
    search_columns = ["number", "state", "product", "channel", "branch", "reviewer",
                      "created_at", "submitted_at"]
    # The number is generated and the state moves only through the review actions.
    add_columns = ["customer", "amount", "months", "method", "purpose", "product", "channel",
                   "owner", "note"]
    edit_columns = add_columns + ["reviewer"]
    validators_columns = {"amount": [positive_amount(), money_in_range()],
                          "months": [term_months()]}
    show_columns = ["number", "state", *edit_columns, "team", "branch", "submitted_at",
                    "decided_at", "created_at", "updated_at"]

    def prepare_item(self, item, creating: bool) -> None:
        prepare(item, creating=creating)

    base_order = ("created_at", "desc")
    related_views = [DecisionView, CreditAssessmentView, DocumentView]

    show_template = "loandesk/application_show.html"
    method_permission_name = {**MODEL_VIEW_METHODS, "review_move": "read",
                              "rescore": "review", "choose_product": "write",
                              "book_loan": "read",  # and can write on Loan
                              "decision_quote": "review"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_show(self._deserialize_pk_if_composite(pk))

    def _render_show(self, pk, form: str | None = None, values: dict | None = None,
                     errors: dict | None = None):
        """The application's page; after a refused move, with the form that was sent open,
        its values as typed and each refusal beside its field."""
        widgets = self._show(pk)  # 404 when out of scope
        item = self.scoped_item(pk)
        sm = self.appbuilder.sm
        latest = max(item.assessments, key=lambda a: a.id, default=None)
        can_review = sm.has_access("can_review", "Application")
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, application=item,
            assessment=assessment_json(latest) if latest else None,
            products=matches(item, latest.grade if latest else None),
            can_write=sm.has_access("can_write", "Application"),
            can_review=can_review,
            can_book=sm.has_access("can_write", "Loan"),
            loan=db.session.scalar(select(Loan).where(Loan.application_id == item.id)),
            checklist=submission_checks(item) if item.state == ApplicationState.DRAFT else None,
            terms=decision_terms(item) if can_review and item.state == ApplicationState.UNDER_REVIEW
            else None,
            sent_form=form, sent=values or {}, sent_errors=errors or {},
            reject_reasons=REJECT_REASONS,
            method_labels={m.value: RepaymentMethod(m.value).label for m in Method})

    @expose("/review_move/<pk>", methods=["POST"])
    @has_access
    def review_move(self, pk):
        item = self.scoped_item(pk)
        data = {k: v for k, v in request.form.items() if k != "csrf_token"}
        typed = dict(data)
        if data.get("annual_rate_pct"):
            try:
                data["annual_rate"] = str(Decimal(data.pop("annual_rate_pct").strip()) / 100)
            except InvalidOperation:
                data["annual_rate"] = "x"
        to = data.get("to", "")
        try:
            transition(item, to, data)
        except Refused as refused:
            form = to in (ApplicationState.APPROVED, ApplicationState.REJECTED,
                          ApplicationState.DRAFT, ApplicationState.SUBMITTED)
            flash_refusal(refused, details=not form)
            if form:
                # The form keeps what was typed; the reasons stand beside their fields.
                errors = dict(refused.errors)
                if "annual_rate" in errors:
                    errors["annual_rate_pct"] = errors.pop("annual_rate")
                return self._render_show(item.id, form=to, values=typed, errors=errors)
        else:
            if to == ApplicationState.SUBMITTED and item.state == ApplicationState.REJECTED:
                # A hard rule (blacklist, invalid ID, age): a rejection, shown as one.
                decision = max(item.decisions, key=lambda d: d.id, default=None)
                flash(gettext("The application was rejected at submission: %(reason)s",
                              reason=decision.note if decision else ""), "danger")
            else:
                flash(gettext("The application is now: %(state)s.",
                              state=str(self.formatters_columns["state"](item.state))),
                      "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/decision_quote/<pk>", methods=["GET"])
    @has_access
    def decision_quote(self, pk):
        """The decision form's live annualized rate: always 200, ``apr`` null when the terms
        typed so far cannot be priced (the approval itself says why)."""
        item = self.scoped_item(pk)
        args = request.args
        return jsonify(quote_terms(item, args.get("amount", ""), args.get("months", ""),
                                   args.get("annual_rate_pct", ""), args.get("method", "")))

    @expose("/book_loan/<pk>", methods=["POST"])
    @has_access
    def book_loan(self, pk):
        """Book the loan on the approved terms (the service fee is charged by the product's
        rule); contracts and the disbursement follow on the loan's page."""
        if not self.appbuilder.sm.has_access("can_write", "Loan"):
            abort(403)
        item = self.scoped_item(pk)
        try:
            loan = book(item)
        except Refused as refused:
            flash_refusal(refused)
            return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        flash(gettext("Loan %(number)s booked.", number=loan.number), "success")
        return redirect(url_for("LoanView.show", pk=loan.id))

    @expose("/rescore/<pk>", methods=["POST"])
    @has_access
    def rescore(self, pk):
        item = self.scoped_item(pk)
        assess(item, assessed_by=current_scope().staff)
        db.session.commit()
        flash(gettext("Scored again."), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/choose_product/<pk>", methods=["POST"])
    @has_access
    def choose_product(self, pk):
        item = self.scoped_item(pk)
        product = db.session.scalar(select(LoanProduct).where(
            LoanProduct.id == request.form.get("product_id", type=int),
            LoanProduct.active.is_(True)))
        if product is None:
            abort(404)
        item.product = product
        try:
            check_edit(item)  # an edit like any other: only while the rule allows it
        except Refused as refused:
            flash_refusal(refused)
            return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        db.session.commit()
        flash(gettext("Product chosen: %(name)s.", name=product.name), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

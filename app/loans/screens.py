"""Loan screens: the loan page (balances, disbursement, repayment, write-off), its
installments and repayments (a repayment is reversed, never edited), their allocations, and
the repayment reminders.  The actions call app/loans/service.py; the arithmetic is in
app/loans/ledger.py."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.contracts.screens import loan_contracts
from app.errors import Refused
from app.extensions import db
from app.i18n import format_money
from app.models import Installment, Loan, Reminder, Repayment, RepaymentAllocation
from app.models.enums import AllocationPart, PrepaymentMode
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope
from app.views.base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import ListHelp, Tabs, contains, prefix
from app.views.refusals import flash_refusal

from . import business_today, service
from .collections_screen import bucket_label
from .inputs import PAYMENT_CHANNELS


def _form() -> dict:
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


def payment_channel_label(code: str | None) -> str:
    """How the money came in, in words (bank_transfer → 银行转账)."""
    if not code:
        return ""
    label = PAYMENT_CHANNELS.get(code)
    return gettext(label) if label else code


def allocation_order_text(order: str | None) -> str:
    """penalty,fee,interest,principal → 罚息 → 费用 → 利息 → 本金."""
    labels = AllocationPart.labels()
    return " → ".join(str(labels.get(part.strip(), part)) for part in (order or "").split(",")
                      if part.strip())


class InstallmentView(LoanDeskModelView):
    """Installments come from the schedule engine; staff read them, never type them."""

    datamodel = ModelInterface(Installment)
    entity, entity_plural = _l("Installment"), _l("Installments")
    exclude_route_methods = READ_ONLY
    list_columns = ["loan", "n", "due_date", "principal", "interest", "fee", "penalty",
                    "total_due", "still_owed", "state", "days_past_due"]
    # Properties (an installment's sum and what is left of it): money, like the columns.
    formatters_columns = {"total_due": format_money, "still_owed": format_money}
    search_columns = ["state", "due_date", "days_past_due"]
    quick_search = (prefix("loan.number"), contains("loan.customer.name"))
    quick_search_placeholder = _l("Search the loan number or the customer's name")
    status_tabs = Tabs("state")
    show_columns = ["loan", "n", "due_date", "principal", "interest", "fee", "penalty",
                    "total_due", "paid_principal", "paid_interest", "paid_fee", "paid_penalty",
                    "still_owed", "state", "days_past_due", "paid_on"]
    base_order = ("due_date", "asc")


class RepaymentAllocationView(LoanDeskModelView):
    datamodel = ModelInterface(RepaymentAllocation)
    entity, entity_plural = _l("Allocation"), _l("Allocations")
    exclude_route_methods = READ_ONLY
    list_columns = ["repayment", "installment", "part", "amount"]
    search_columns = ["part"]
    quick_search = (prefix("repayment.reference"), prefix("repayment.loan.number"))
    quick_search_placeholder = _l("Search the repayment reference or the loan number")
    show_columns = list_columns
    base_order = ("id", "asc")


class RepaymentView(LoanDeskModelView):
    datamodel = ModelInterface(Repayment)
    entity, entity_plural = _l("Repayment"), _l("Repayments")
    # Money received is posted from the loan page (allocated there), never edited or
    # deleted in place: mistakes are reversed.
    exclude_route_methods = NEVER | {"add", "edit", "delete"}
    list_columns = ["paid_on", "loan", "amount", "channel", "reference", "recorded_by"]
    search_columns = ["paid_on", "reference", "channel"]
    quick_search = (prefix("reference"), prefix("loan.number"), contains("loan.customer.name"))
    quick_search_placeholder = _l("Search the reference, the loan number or the customer's "
                                  "name")
    list_help = ListHelp(
        _l("Repayments are posted on a loan's page: open the loan and use “%(button)s”.",
           button=_l("Post repayment")),
        _l("Open the loans being repaid"), "LoanView", "active")
    show_columns = ["loan", "paid_on", "amount", "channel", "reference", "idempotency_key",
                    "prepayment", "reversal_of", "reason", "recorded_by", "created_at"]
    formatters_columns = {"channel": payment_channel_label}
    base_order = ("paid_on", "desc")
    related_views = [RepaymentAllocationView]

    method_permission_name = {**MODEL_VIEW_METHODS, "reverse": "write"}

    @expose("/reverse/<pk>", methods=["POST"])
    @has_access
    def reverse(self, pk):
        rep = self.scoped_item(pk)
        loan_id = rep.loan_id
        try:
            service.reverse(rep, request.form.get("reason"))
        except Refused as refused:
            # The loan's page again, the reversal's reason kept beside its repayment.
            loans = next(v for v in self.appbuilder.baseviews if type(v).__name__ == "LoanView")
            return loans.render_show(loan_id, f"reverse-{rep.id}", _form(), refused)
        flash(gettext("The repayment is reversed and the loan's allocation replayed."),
              "success")
        return redirect(url_for("LoanView.show", pk=loan_id))


class LoanView(LoanDeskModelView):
    datamodel = ModelInterface(Loan)
    entity, entity_plural = _l("Loan"), _l("Loans")
    list_columns = ["number", "customer", "principal", "annual_rate", "months", "method",
                    "funder", "state", "disbursed_on", "days_past_due"]
    search_columns = ["number", "state", "method", "funder", "product", "branch",
                      "disbursed_on", "days_past_due"]
    quick_search = (prefix("number"), contains("customer.name"))
    quick_search_placeholder = _l("Search the loan number or the customer's name")
    status_tabs = Tabs("state")
    list_help = ListHelp(
        _l("Loans are made from approved applications: open an approved application and "
           "click “%(button)s”.", button=_l("Book the loan on the approved terms")),
        _l("Open the approved applications"), "ApplicationView", "approved")
    # Loans are booked from approved applications and change through their actions
    # (disbursement, repayments, write-off), never by typing figures in.
    exclude_route_methods = NEVER | {"add", "delete"}
    edit_columns = ["funder_reference"]
    formatters_columns = {"allocation_order": allocation_order_text}
    show_columns = [
        "number", "application", "customer", "product", "funder", "principal", "annual_rate",
        "months", "method", "day_count", "grace_months", "overdue_rate", "start_date",
        "first_due_date", "owner", "team", "branch", "apr", "state", "disbursed_on",
        "disbursed_amount", "funder_reference", "outstanding_principal", "customer_credit",
        "days_past_due", "settled_on", "allocation_order", "allocation_strategy",
        "settlement_interest", "created_at"]
    base_order = ("created_at", "desc")
    related_views = [InstallmentView, RepaymentView]

    show_template = "loandesk/loan_show.html"
    method_permission_name = {**MODEL_VIEW_METHODS, "disburse": "write",
                              "repay": "read",  # and can write on Repayment
                              "write_off": "write"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self.render_show(self._deserialize_pk_if_composite(pk))

    def render_show(self, pk, form: str | None = None, sent: dict | None = None,
                    refused: Refused | None = None):
        """The loan's page; after a refused action, with its form as typed, the message
        above it and each reason beside its field."""
        widgets = self._show(pk)  # 404 when out of scope
        loan = self.scoped_item(pk)
        sm = self.appbuilder.sm
        repayments = db.session.scalars(select(Repayment).where(Repayment.loan_id == loan.id)
                                        .order_by(Repayment.paid_on, Repayment.id)).all()
        reversed_ids = {r.reversal_of_id for r in repayments if r.reversal_of_id}
        if refused is not None:
            flash_refusal(refused)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, loan=loan,
            balances=service.balances(loan), due=service.due_now(loan),
            today=business_today(), repayments=repayments, reversed_ids=reversed_ids,
            loan_contracts=loan_contracts(loan),
            can_loan=sm.has_access("can_write", "Loan"),
            can_repay=sm.has_access("can_write", "Repayment"),
            channels=[(code, gettext(label)) for code, label in PAYMENT_CHANNELS.items()],
            prepayments=[(m.value, m.label) for m in PrepaymentMode],
            bucket_label=bucket_label, sent_form=form, sent=sent or {},
            sent_errors=refused.errors if refused is not None else {})

    def _back(self, pk):
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/disburse/<pk>", methods=["POST"])
    @has_access
    def disburse(self, pk):
        loan = self.scoped_item(pk)
        try:
            service.disburse(loan, _form())
        except Refused as refused:
            return self.render_show(loan.id, "disburse", _form(), refused)
        flash(gettext("Disbursed: the repayment schedule is stored."), "success")
        return self._back(pk)

    @expose("/repay/<pk>", methods=["POST"])
    @has_access
    def repay(self, pk):
        if not self.appbuilder.sm.has_access("can_write", "Repayment"):
            abort(403)
        loan = self.scoped_item(pk)
        data = _form()
        data.setdefault("idempotency_key", None)
        try:
            rep, created = service.post_repayment(loan, data, current_scope().staff)
        except Refused as refused:
            return self.render_show(loan.id, "repay", _form(), refused)
        flash(gettext("Repayment of %(amount)s posted.", amount=format_money(rep.amount))
              if created else gettext("This payment was already posted; nothing was "
                                      "added."), "success" if created else "info")
        return self._back(pk)

    @expose("/write_off/<pk>", methods=["POST"])
    @has_access
    def write_off(self, pk):
        loan = self.scoped_item(pk)
        try:
            service.write_off(loan, request.form.get("reason"))
        except Refused as refused:
            return self.render_show(loan.id, "write_off", _form(), refused)
        flash(gettext("The loan is written off."), "success")
        return self._back(pk)


class ReminderView(LoanDeskModelView):
    datamodel = ModelInterface(Reminder)
    entity, entity_plural = _l("Reminder"), _l("Reminders")
    exclude_route_methods = READ_ONLY
    list_columns = ["scheduled_on", "customer", "loan", "kind", "channel", "state", "attempts"]
    search_columns = ["scheduled_on", "kind", "channel", "state"]
    quick_search = (prefix("loan.number"), contains("customer.name"))
    quick_search_placeholder = _l("Search the loan number or the customer's name")
    status_tabs = Tabs("state")
    show_columns = ["installment", "loan", "customer", "kind", "milestone", "channel",
                    "scheduled_on", "message", "state", "attempts", "last_error", "sent_at"]
    base_order = ("scheduled_on", "desc")

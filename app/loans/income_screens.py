"""The firm's income on screen: service fees (charged at booking, received and refunded by
action), commissions (made at disbursement) and their payout batches.  The actions call
app/loans/income.py."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.errors import Refused
from app.models import Commission, CommissionBatch, ServiceFee
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope
from app.views.base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import Tabs, contains, prefix
from app.views.refusals import flash_refusal

from . import business_today, income
from .screens import _form


class ServiceFeeView(LoanDeskModelView):
    """Charged when the loan is booked (product rule); received and refunded by action."""

    datamodel = ModelInterface(ServiceFee)
    entity, entity_plural = _l("Service fee"), _l("Service fees")
    exclude_route_methods = NEVER | {"add", "delete"}
    list_columns = ["application", "loan", "basis", "amount", "due_on_event", "due_date",
                    "state"]
    search_columns = ["basis", "state", "due_date", "received_on"]
    quick_search = (prefix("application.number"), prefix("loan.number"),
                    contains("application.customer.name"))
    quick_search_placeholder = _l("Search the application or loan number, or the customer's "
                                  "name")
    status_tabs = Tabs("state")
    edit_columns = ["refund_rule"]
    show_columns = ["application", "loan", "basis", "rate", "amount", "due_on_event",
                    "due_date", "state", "received_on", "refunded_on", "refund_amount",
                    "refund_reason", "refund_rule", "created_at"]
    base_order = ("created_at", "desc")

    method_permission_name = {**MODEL_VIEW_METHODS, "fee_action": "write"}
    show_template = "loandesk/fee_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_fee(self._deserialize_pk_if_composite(pk))

    def _render_fee(self, pk, sent: dict | None = None, refused: Refused | None = None):
        widgets = self._show(pk)
        fee = self.scoped_item(pk)
        if refused is not None:
            flash_refusal(refused)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, fee=fee, today=business_today(),
            can_write=self.appbuilder.sm.has_access("can_write", "ServiceFee"),
            sent=sent or {}, sent_errors=refused.errors if refused is not None else {})

    @expose("/fee_action/<pk>", methods=["POST"])
    @has_access
    def fee_action(self, pk):
        fee = self.scoped_item(pk)
        try:
            if request.form.get("action") == "receive":
                income.receive_fee(fee, _form())
            elif request.form.get("action") == "refund":
                income.refund_fee(fee, _form())
            else:
                abort(400)
        except Refused as refused:  # the form again, as typed, the reason beside it
            return self._render_fee(fee.id, _form(), refused)
        flash(gettext("Service fee updated."), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))


class CommissionView(LoanDeskModelView):
    """Made at disbursement by the channel's and the salesperson's rules; each row shows
    the loan, fee, basis, rate and base amount it came from."""

    datamodel = ModelInterface(Commission)
    entity, entity_plural = _l("Commission"), _l("Commissions")
    exclude_route_methods = READ_ONLY
    list_columns = ["loan", "channel", "staff", "basis", "rate", "amount", "state",
                    "payable_on", "paid_on"]
    search_columns = ["channel", "staff", "basis", "state", "payable_on"]
    quick_search = (prefix("loan.number"), contains("loan.customer.name"))
    quick_search_placeholder = _l("Search the loan number or the customer's name")
    status_tabs = Tabs("state")
    show_columns = ["loan", "service_fee", "channel", "staff", "basis", "rate", "base_amount",
                    "amount", "settle_days", "state", "payable_on", "paid_on", "batch",
                    "clawed_back_on", "clawback_reason", "created_at"]
    base_order = ("created_at", "desc")


class CommissionBatchView(LoanDeskModelView):
    """Payout batches: gather what is payable, check it, confirm it paid."""

    datamodel = ModelInterface(CommissionBatch)
    class_permission_name = "Commission"
    entity, entity_plural = _l("Payout batch"), _l("Payout batches")
    exclude_route_methods = READ_ONLY
    list_columns = ["number", "state", "payable_until", "total", "created_by", "confirmed_at",
                    "paid_on"]
    search_columns = ["state", "payable_until", "paid_on"]
    quick_search = (prefix("number"),)
    quick_search_placeholder = _l("Search the batch number")
    show_columns = list_columns + ["confirmed_by", "created_at"]
    base_order = ("created_at", "desc")
    related_views = [CommissionView]

    method_permission_name = {**MODEL_VIEW_METHODS, "gather": "write", "confirm": "write"}
    list_template = "loandesk/batch_list.html"
    show_template = "loandesk/batch_show.html"

    @expose("/list/")
    @has_access
    def list(self):
        widgets = self._list()
        return self.render_template(
            self.list_template, title=self.list_title, widgets=widgets,
            today=business_today(),
            can_write=self.appbuilder.sm.has_access("can_write", "Commission"))

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        batch = self.scoped_item(pk)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, batch=batch, today=business_today(),
            can_write=self.appbuilder.sm.has_access("can_write", "Commission"))

    @expose("/gather/", methods=["POST"])
    @has_access
    def gather(self):
        try:
            batch = income.create_batch(request.form.get("payable_until"),
                                         current_scope().staff)
        except Refused as refused:
            flash_refusal(refused)
            widgets = self._list()
            return self.render_template(
                self.list_template, title=self.list_title, widgets=widgets,
                today=business_today(), sent=_form(), sent_errors=refused.errors,
                can_write=self.appbuilder.sm.has_access("can_write", "Commission"))
        return redirect(url_for(f"{type(self).__name__}.show", pk=batch.id))

    @expose("/confirm/<pk>", methods=["POST"])
    @has_access
    def confirm(self, pk):
        batch = self.scoped_item(pk)
        try:
            income.confirm_batch(batch, request.form.get("paid_on"), current_scope().staff)
        except Refused as refused:
            flash_refusal(refused)
            widgets = self._show(batch.id)
            return self.render_template(
                self.show_template, pk=batch.id, title=self.show_title, widgets=widgets,
                related_views=self._related_views, batch=batch, today=business_today(),
                sent=_form(), sent_errors=refused.errors,
                can_write=self.appbuilder.sm.has_access("can_write", "Commission"))
        flash(gettext("Batch %(number)s confirmed as paid.", number=batch.number), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

"""The firm's income: service fees and commissions."""

from flask_babel import lazy_gettext as _l

from ..loans.views import CommissionBatchActionsMixin, ServiceFeeActionsMixin
from ..models import Commission, CommissionBatch, ServiceFee
from .base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface
from .listing import Tabs, contains, prefix


class ServiceFeeView(ServiceFeeActionsMixin, LoanDeskModelView):
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


class CommissionBatchView(CommissionBatchActionsMixin, LoanDeskModelView):
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

"""The firm's income: service fees and commissions."""

from flask_babel import lazy_gettext as _l

from ..models import Commission, ServiceFee
from .base import LoanDeskModelView, ModelInterface


class ServiceFeeView(LoanDeskModelView):
    datamodel = ModelInterface(ServiceFee)
    entity, entity_plural = _l("Service fee"), _l("Service fees")
    list_columns = ["application", "loan", "basis", "amount", "due_on_event", "due_date",
                    "state"]
    search_columns = ["basis", "state", "due_date", "received_on"]
    add_columns = edit_columns = ["application", "loan", "basis", "rate", "amount",
                                  "due_on_event", "due_date", "state", "received_on",
                                  "refunded_on", "refund_rule"]
    show_columns = add_columns + ["created_at"]
    base_order = ("created_at", "desc")


class CommissionView(LoanDeskModelView):
    datamodel = ModelInterface(Commission)
    entity, entity_plural = _l("Commission"), _l("Commissions")
    list_columns = ["loan", "channel", "staff", "basis", "rate", "amount", "state",
                    "payable_on", "paid_on"]
    search_columns = ["channel", "staff", "basis", "state", "payable_on", "batch"]
    add_columns = edit_columns = ["loan", "service_fee", "channel", "staff", "basis", "rate",
                                  "amount", "state", "payable_on", "paid_on", "batch"]
    show_columns = add_columns + ["created_at"]
    base_order = ("created_at", "desc")

"""Loans, their installments and repayments."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..i18n import format_money
from ..loans.service import PAYMENT_CHANNELS
from ..loans.views import LoanActionsMixin, RepaymentActionsMixin
from ..models import Installment, Loan, Repayment, RepaymentAllocation
from ..models.enums import AllocationPart
from .base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface
from .listing import ListHelp, Tabs, contains, prefix


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


class RepaymentView(RepaymentActionsMixin, LoanDeskModelView):
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


class LoanView(LoanActionsMixin, LoanDeskModelView):
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

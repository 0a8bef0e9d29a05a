"""Loans, their installments and repayments."""

from flask_babel import lazy_gettext as _l

from ..loans.views import LoanActionsMixin, RepaymentActionsMixin
from ..models import Installment, Loan, Repayment, RepaymentAllocation
from .base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface


class InstallmentView(LoanDeskModelView):
    """Installments come from the schedule engine; staff read them, never type them."""

    datamodel = ModelInterface(Installment)
    entity, entity_plural = _l("Installment"), _l("Installments")
    exclude_route_methods = READ_ONLY
    list_columns = ["loan", "n", "due_date", "principal", "interest", "fee", "penalty",
                    "state", "days_past_due"]
    search_columns = ["state", "due_date", "days_past_due"]
    show_columns = ["loan", "n", "due_date", "principal", "interest", "fee", "penalty",
                    "paid_principal", "paid_interest", "paid_fee", "paid_penalty", "state",
                    "days_past_due", "paid_on"]
    base_order = ("due_date", "asc")


class RepaymentAllocationView(LoanDeskModelView):
    datamodel = ModelInterface(RepaymentAllocation)
    entity, entity_plural = _l("Allocation"), _l("Allocations")
    exclude_route_methods = READ_ONLY
    list_columns = ["repayment", "installment", "part", "amount"]
    search_columns = ["part"]
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
    show_columns = ["loan", "paid_on", "amount", "channel", "reference", "idempotency_key",
                    "prepayment", "reversal_of", "reason", "recorded_by", "created_at"]
    base_order = ("paid_on", "desc")
    related_views = [RepaymentAllocationView]


class LoanView(LoanActionsMixin, LoanDeskModelView):
    datamodel = ModelInterface(Loan)
    entity, entity_plural = _l("Loan"), _l("Loans")
    list_columns = ["number", "customer", "principal", "annual_rate", "months", "method",
                    "funder", "state", "disbursed_on", "days_past_due"]
    search_columns = ["number", "state", "method", "funder", "product", "branch",
                      "disbursed_on", "days_past_due"]
    # Loans are booked from approved applications and change through their actions
    # (disbursement, repayments, write-off), never by typing figures in.
    exclude_route_methods = NEVER | {"add", "delete"}
    edit_columns = ["funder_reference"]
    show_columns = [
        "number", "application", "customer", "product", "funder", "principal", "annual_rate",
        "months", "method", "day_count", "grace_months", "overdue_rate", "start_date",
        "first_due_date", "owner", "team", "branch", "apr", "state", "disbursed_on",
        "disbursed_amount", "funder_reference", "outstanding_principal", "customer_credit",
        "days_past_due", "settled_on", "allocation_order", "allocation_strategy",
        "settlement_interest", "created_at"]
    base_order = ("created_at", "desc")
    related_views = [InstallmentView, RepaymentView]

"""Contracts and repayment reminders."""

from flask_babel import lazy_gettext as _l

from ..contracts.views import ContractActionsMixin
from ..models import Contract, Reminder
from .base import READ_ONLY, LoanDeskModelView, ModelInterface
from .listing import ListHelp, Tabs, contains, prefix


class ContractView(ContractActionsMixin, LoanDeskModelView):
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

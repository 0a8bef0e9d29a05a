"""The catalogue on the REST API: ``/api/v1/funders``, ``/api/v1/products`` and
``/api/v1/channels`` (generated CRUD with the forms' rules)."""

from __future__ import annotations

from app.api.base import LoanDeskRestApi, SQLAInterface
from app.models import Channel, Funder, LoanProduct


class FunderApi(LoanDeskRestApi):
    """Funders (资金方)."""

    resource_name = "funders"
    datamodel = SQLAInterface(Funder)
    list_columns = show_columns = ["id", "name", "kind", "licence_no", "contact_name", "phone",
                                   "active"]
    add_columns = edit_columns = ["name", "kind", "licence_no", "contact_name", "phone",
                                  "address", "active"]
    search_columns = ["name", "kind", "active"]
    order_columns = ["id", "name"]


class ProductApi(LoanDeskRestApi):
    """Loan products offered by funders."""

    resource_name = "products"
    datamodel = SQLAInterface(LoanProduct)
    list_columns = show_columns = [
        "id", "code", "name", "funder_id", "min_amount", "max_amount", "min_months",
        "max_months", "min_rate", "max_rate", "day_count", "service_fee_rate",
        "service_fee_fixed", "fee_due", "overdue_rate", "active"]
    add_columns = edit_columns = [
        "code", "name", "funder", "min_amount", "max_amount", "min_months", "max_months",
        "min_rate", "max_rate", "day_count", "service_fee_rate", "service_fee_fixed",
        "fee_due", "overdue_rate", "active"]
    search_columns = ["code", "name", "funder", "active"]
    order_columns = ["id", "code", "name"]


class ChannelApi(LoanDeskRestApi):
    """Channels: lead sources and agent partners."""

    resource_name = "channels"
    datamodel = SQLAInterface(Channel)
    list_columns = show_columns = ["id", "code", "name", "kind", "commission_basis",
                                   "commission_rate", "settle_days", "active"]
    add_columns = edit_columns = ["code", "name", "kind", "contact_name", "phone",
                                  "commission_basis", "commission_rate", "settle_days",
                                  "clawback_days", "active"]
    search_columns = ["code", "name", "kind", "active"]
    order_columns = ["id", "code", "name"]

"""Funders, loan products and channels."""

from flask_babel import lazy_gettext as _l

from app.models import Channel, Funder, LoanProduct
from app.views.base import LoanDeskModelView, ModelInterface
from app.views.listing import contains, prefix


class LoanProductView(LoanDeskModelView):
    datamodel = ModelInterface(LoanProduct)
    entity, entity_plural = _l("Loan product"), _l("Loan products")
    list_columns = ["code", "name", "funder", "min_amount", "max_amount", "min_months",
                    "max_months", "min_rate", "max_rate", "active"]
    search_columns = ["code", "name", "funder", "active"]
    quick_search = (contains("name"), prefix("code"))
    quick_search_placeholder = _l("Search the name or the code")
    add_columns = edit_columns = [
        "code", "name", "funder", "min_amount", "max_amount", "min_months", "max_months",
        "min_rate", "max_rate", "methods", "day_count", "grace_months", "min_age", "max_age",
        "min_grade", "cities", "service_fee_rate", "service_fee_fixed", "fee_due",
        "overdue_rate", "description", "active"]
    show_columns = add_columns + ["created_at", "updated_at"]
    base_order = ("code", "asc")


class FunderView(LoanDeskModelView):
    datamodel = ModelInterface(Funder)
    entity, entity_plural = _l("Funder"), _l("Funders")
    list_columns = ["name", "kind", "licence_no", "contact_name", "phone", "active"]
    search_columns = ["name", "kind", "active"]
    quick_search = (contains("name"), contains("contact_name"))
    quick_search_placeholder = _l("Search the name or the contact person")
    add_columns = edit_columns = ["name", "kind", "licence_no", "credit_code", "contact_name",
                                  "phone", "address", "active"]
    show_columns = add_columns + ["created_at"]
    base_order = ("name", "asc")
    related_views = [LoanProductView]


class ChannelView(LoanDeskModelView):
    datamodel = ModelInterface(Channel)
    entity, entity_plural = _l("Channel"), _l("Channels")
    list_columns = ["code", "name", "kind", "commission_basis", "commission_rate",
                    "settle_days", "active"]
    search_columns = ["code", "name", "kind", "active"]
    quick_search = (contains("name"), prefix("code"))
    quick_search_placeholder = _l("Search the name or the code")
    add_columns = edit_columns = ["code", "name", "kind", "contact_name", "phone",
                                  "commission_basis", "commission_rate", "settle_days",
                                  "clawback_days", "active"]
    show_columns = add_columns + ["created_at"]
    base_order = ("code", "asc")

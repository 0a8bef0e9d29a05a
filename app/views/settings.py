"""Configuration: the LPR table, firm settings and the (read-only) audit log."""

from flask_babel import lazy_gettext as _l

from ..editing import entity_label
from ..models import AuditLog, FirmSetting, LprRate, RepaymentMethodOption
from .base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface
from .listing import contains, prefix


class LprRateView(LoanDeskModelView):
    datamodel = ModelInterface(LprRate)
    entity, entity_plural = _l("LPR rate"), _l("LPR rates")
    list_columns = ["effective_date", "one_year_rate", "five_year_rate"]
    search_columns = ["effective_date"]
    add_columns = edit_columns = show_columns = list_columns
    base_order = ("effective_date", "desc")


class FirmSettingView(LoanDeskModelView):
    datamodel = ModelInterface(FirmSetting)
    entity, entity_plural = _l("Firm setting"), _l("Firm settings")
    exclude_route_methods = NEVER | {"add", "delete"}
    list_columns = ["key", "value_text", "description"]
    search_columns = ["key", "value"]
    quick_search = (contains("key"), contains("description"))
    quick_search_placeholder = _l("Search the setting or its description")
    edit_columns = ["value"]
    show_columns = list_columns
    base_order = ("key", "asc")
    # Every change (a firm's own rate cap replaces 4 × LPR) is in the audit trail, like
    # every other record's: see app/audit.py.


class RepaymentMethodView(LoanDeskModelView):
    datamodel = ModelInterface(RepaymentMethodOption)
    entity, entity_plural = _l("Repayment method"), _l("Repayment methods")
    exclude_route_methods = READ_ONLY
    class_permission_name = "RepaymentMethod"
    list_columns = ["code", "sort_order"]
    search_columns = ["code"]
    show_columns = list_columns
    base_order = ("sort_order", "asc")


OTHER_RECORD_TYPES = {"user": _l("User"), "ab_user": _l("User"), "ab_role": _l("Role"),
                      "Report": _l("Report")}


def record_type_text(table: str | None) -> str:
    """An audit entry's record type in words: the name its screen gives the entity."""
    if not table:
        return ""
    label = entity_label(table)
    return str(OTHER_RECORD_TYPES.get(table, label)) if label == table else label


class AuditLogView(LoanDeskModelView):
    """Append-only: nobody, Admin included, may edit or delete an entry."""

    datamodel = ModelInterface(AuditLog)
    entity, entity_plural = _l("Audit entry"), _l("Audit log")
    exclude_route_methods = READ_ONLY
    list_columns = ["at", "username", "action", "entity", "record_id", "purpose", "ip"]
    search_columns = ["at", "username", "action", "entity", "record_id"]
    quick_search = (prefix("username"),)
    quick_search_placeholder = _l("Search the user name")
    show_columns = ["at", "username", "user_id", "action", "entity", "record_id",
                    "changes_text", "purpose", "ip"]
    formatters_columns = {"entity": record_type_text}
    base_order = ("at", "desc")

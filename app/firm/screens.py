"""The firm's configuration screens: firm settings (validated on save), the LPR table and
the repayment methods offered."""

import re

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from app.models import FirmSetting, LprRate, RepaymentMethodOption
from app.models.enums import DocumentKind
from app.permissions import refuse
from app.views.base import NEVER, READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import contains


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

    def prepare_item(self, item, creating: bool) -> None:
        """A setting listing document kinds takes them by code or by name (身份证,
        ID card), stored as codes; one it does not know is refused beside the field —
        never silently dropped (a checklist requiring nothing)."""
        if not item.key.startswith("intake.required_documents."):
            return
        codes, unknown = document_kinds(item.value or "")
        if unknown:
            refuse(item, creating=False, reason={"value": [gettext(
                "Unknown document kind: %(kinds)s. Use: %(known)s.", kinds="、".join(unknown),
                known="、".join(str(label) for label in DocumentKind.labels().values()))]})
        item.value = ",".join(codes)


class RepaymentMethodView(LoanDeskModelView):
    datamodel = ModelInterface(RepaymentMethodOption)
    entity, entity_plural = _l("Repayment method"), _l("Repayment methods")
    exclude_route_methods = READ_ONLY
    class_permission_name = "RepaymentMethod"
    list_columns = ["code", "sort_order"]
    search_columns = ["code"]
    show_columns = list_columns
    base_order = ("sort_order", "asc")


def document_kinds(text: str) -> tuple[list[str], list[str]]:
    """(codes, what was not recognised) of a list of document kinds typed by code or by
    their Chinese or English names, separated by commas or 、."""
    names = {}
    for kind in DocumentKind:
        names[kind.value] = kind.value
        for locale in ("zh_CN", "en"):
            with force_locale(locale):
                names[str(kind.label).lower()] = kind.value
    codes, unknown = [], []
    for token in re.split(r"[,，、;；]+", text):
        token = token.strip()
        if not token:
            continue
        code = names.get(token.lower())
        if code is None:
            unknown.append(token)
        elif code not in codes:
            codes.append(code)
    return codes, unknown

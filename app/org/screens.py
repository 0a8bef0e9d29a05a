"""Organisation screens: branches, teams, staff profiles, and the (read-only) audit log of
what they did."""

from flask_babel import lazy_gettext as _l

from app.audit import purpose_text, readable_changes
from app.editing import entity_label
from app.models import AuditLog, Branch, Staff, Team
from app.org.users import users_without_staff
from app.views.base import READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.listing import contains, prefix


class StaffView(LoanDeskModelView):
    datamodel = ModelInterface(Staff)
    entity, entity_plural = _l("Staff member"), _l("Staff")
    list_template = "loandesk/staff_list.html"  # + logins without a profile, for admins
    formatters_columns = {"team": lambda team: "" if team is None else str(team),
                          "user": lambda user: "" if user is None else user.get_full_name()}
    list_columns = ["full_name", "employee_no", "branch", "team", "title", "phone", "active"]
    search_columns = ["full_name", "employee_no", "branch", "team", "active"]
    quick_search = (contains("full_name"), prefix("phone"), prefix("employee_no"))
    quick_search_placeholder = _l("Search the name, phone or employee number")
    add_columns = edit_columns = ["full_name", "employee_no", "user", "branch", "team", "title",
                                  "phone", "email", "active"]
    show_columns = add_columns + ["created_at", "updated_at"]
    base_order = ("full_name", "asc")

    def render_template(self, template, **kwargs):
        if template == self.list_template and self.appbuilder.sm.has_access(
                "can_add", "UserDBModelView"):
            kwargs.setdefault("missing_staff", users_without_staff())
        return super().render_template(template, **kwargs)


class TeamView(LoanDeskModelView):
    datamodel = ModelInterface(Team)
    entity, entity_plural = _l("Team"), _l("Teams")
    list_columns = ["name", "branch", "leader"]
    search_columns = ["name", "branch"]
    quick_search = (contains("name"),)
    quick_search_placeholder = _l("Search the name")
    add_columns = edit_columns = show_columns = ["name", "branch", "leader"]
    base_order = ("name", "asc")
    related_views = [StaffView]


class BranchView(LoanDeskModelView):
    datamodel = ModelInterface(Branch)
    entity, entity_plural = _l("Branch"), _l("Branches")
    list_columns = ["code", "name", "city", "phone"]
    search_columns = ["code", "name", "city"]
    quick_search = (contains("name"), prefix("code"))
    quick_search_placeholder = _l("Search the name or the code")
    add_columns = edit_columns = ["code", "name", "city", "address", "phone"]
    show_columns = add_columns + ["created_at"]
    base_order = ("code", "asc")
    related_views = [TeamView, StaffView]


OTHER_RECORD_TYPES = {"user": _l("User"), "ab_user": _l("User"), "ab_role": _l("Role"),
                      "Report": _l("Report")}


def record_type_text(table: str | None) -> str:
    """An audit entry's record type in words: the name its screen gives the entity."""
    if not table:
        return ""
    label = entity_label(table)
    return str(OTHER_RECORD_TYPES.get(table, label)) if label == table else label


class AuditTrailInterface(ModelInterface):
    """The trail's data: an entry's ``changes_text`` is its changes in words, named by the
    labels of the record's own table (app/audit.py)."""

    @staticmethod
    def _get_attr_value(item, col):
        if col == "changes_text":
            return readable_changes(item)
        return ModelInterface._get_attr_value(item, col)


class AuditLogView(LoanDeskModelView):
    """Append-only: nobody, Admin included, may edit or delete an entry."""

    datamodel = AuditTrailInterface(AuditLog)
    entity, entity_plural = _l("Audit entry"), _l("Audit log")
    exclude_route_methods = READ_ONLY
    list_columns = ["at", "username", "action", "entity", "record_id", "purpose", "ip"]
    search_columns = ["at", "username", "action", "entity", "record_id"]
    quick_search = (prefix("username"),)
    quick_search_placeholder = _l("Search the user name")
    show_columns = ["at", "username", "user_id", "action", "entity", "record_id",
                    "changes_text", "purpose", "ip"]
    label_columns = {"changes_text": _l("Changes")}
    formatters_columns = {"entity": record_type_text, "purpose": purpose_text}
    base_order = ("at", "desc")

"""Organisation screens: branches, teams, staff profiles."""

from flask_babel import lazy_gettext as _l

from ..models import Branch, Staff, Team
from .base import LoanDeskModelView, ModelInterface


class StaffView(LoanDeskModelView):
    datamodel = ModelInterface(Staff)
    entity, entity_plural = _l("Staff member"), _l("Staff")
    list_columns = ["full_name", "employee_no", "branch", "team", "title", "phone", "active"]
    search_columns = ["full_name", "employee_no", "branch", "team", "active"]
    add_columns = edit_columns = ["full_name", "employee_no", "user", "branch", "team", "title",
                                  "phone", "email", "active"]
    show_columns = add_columns + ["created_at", "updated_at"]
    base_order = ("full_name", "asc")


class TeamView(LoanDeskModelView):
    datamodel = ModelInterface(Team)
    entity, entity_plural = _l("Team"), _l("Teams")
    list_columns = ["name", "branch", "leader"]
    search_columns = ["name", "branch"]
    add_columns = edit_columns = show_columns = ["name", "branch", "leader"]
    base_order = ("name", "asc")
    related_views = [StaffView]


class BranchView(LoanDeskModelView):
    datamodel = ModelInterface(Branch)
    entity, entity_plural = _l("Branch"), _l("Branches")
    list_columns = ["code", "name", "city", "phone"]
    search_columns = ["code", "name", "city"]
    add_columns = edit_columns = ["code", "name", "city", "address", "phone"]
    show_columns = add_columns + ["created_at"]
    base_order = ("code", "asc")
    related_views = [TeamView, StaffView]

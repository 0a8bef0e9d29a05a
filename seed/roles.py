"""The default roles, as data: role → {view or API: permissions}. Synced by a command.

``flask loandesk sync-roles`` makes each role hold exactly these permissions (plus the menu
entries for the views it can list); admins can still edit roles in the Security menu, and
the next sync restores the defaults for these six roles only.
"""

from __future__ import annotations

from flask import current_app

READ = ("can_list", "can_show", "can_csv")
WRITE = READ + ("can_add", "can_edit")
FULL = WRITE + ("can_delete",)
API_READ = ("can_get", "can_info")
API_WRITE = API_READ + ("can_post", "can_put")
API_FULL = API_WRITE + ("can_delete",)

BUSINESS_VIEWS = [
    "CustomerView", "ContactView", "FollowUpView", "DocumentView", "ConsentView",
    "ApplicationView", "CreditAssessmentView", "DecisionView", "AssessmentFactorView",
    "LoanView", "InstallmentView", "RepaymentView", "RepaymentAllocationView", "ReminderView",
    "ContractView", "ChannelView", "ServiceFeeView", "CommissionView",
]
CONFIG_VIEWS = ["FunderView", "LoanProductView", "ScorecardView", "ScoreFactorView",
                "ScoreBinView", "ScoreGradeView", "LprRateView", "RepaymentMethodView",
                "FirmSettingView", "BranchView", "TeamView", "StaffView"]
APIS = ["CustomerApi", "ApplicationApi", "LoanApi", "InstallmentApi", "RepaymentApi",
        "ContractApi", "FunderApi", "ProductApi", "ChannelApi"]


# Pricing changes nothing, so every business role may use the calculator and preview API.
QUOTES = {"CalculatorView": ("can_calculator", "can_csv", "can_pdf"),
          "ScheduleApi": ("can_preview",)}


def _all(names, perms):
    return {name: perms for name in names}


ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "Manager": {
        **_all(BUSINESS_VIEWS, WRITE),
        **_all(["FunderView", "LoanProductView", "ScorecardView", "LprRateView", "StaffView",
                "TeamView", "BranchView"], READ),
        **_all(APIS, API_WRITE),
        "LookupView": ("can_lookup",),
        **QUOTES,
    },
    "Sales": {
        **_all(["CustomerView", "ContactView", "FollowUpView", "ApplicationView"], WRITE),
        **_all(["DocumentView", "ConsentView", "LoanView", "InstallmentView",
                "ContractView", "ChannelView", "FunderView", "LoanProductView"], READ),
        **_all(["CustomerApi", "ApplicationApi"], API_WRITE),
        **_all(["LoanApi", "ProductApi", "ChannelApi", "FunderApi"], API_READ),
        "LookupView": ("can_lookup",),
        **QUOTES,
    },
    "Reviewer": {
        **_all(["CustomerView", "ContactView", "FollowUpView", "DocumentView", "ConsentView",
                "CreditAssessmentView", "AssessmentFactorView", "LoanProductView",
                "FunderView", "ScorecardView", "ScoreFactorView", "ScoreBinView",
                "ScoreGradeView", "LprRateView"], READ),
        **_all(["ApplicationView"], READ + ("can_edit",)),
        **_all(["DecisionView"], WRITE),
        **_all(["CustomerApi", "ApplicationApi", "ProductApi", "FunderApi"], API_READ),
        "LookupView": ("can_lookup",),
        **QUOTES,
    },
    "Finance": {
        **_all(["LoanView", "ServiceFeeView", "CommissionView"], WRITE),
        **_all(["RepaymentView"], ("can_list", "can_show", "can_csv", "can_add")),
        **_all(["CustomerView", "ApplicationView", "InstallmentView", "RepaymentAllocationView",
                "ReminderView", "ContractView", "ChannelView", "FunderView", "LoanProductView",
                "LprRateView"], READ),
        **_all(["LoanApi"], API_WRITE),
        **_all(["CustomerApi", "ApplicationApi", "InstallmentApi", "RepaymentApi",
                "ContractApi", "FunderApi", "ProductApi", "ChannelApi"], API_READ),
        "LookupView": ("can_lookup",),
        **QUOTES,
    },
    "Auditor": {
        **_all(BUSINESS_VIEWS + CONFIG_VIEWS + ["AuditLogView"], READ),
        **_all(APIS, API_READ),
        "LookupView": ("can_lookup",),
        **QUOTES,
    },
}



def _menu_names(view_names: list[str]) -> set[str]:
    from app.views import MENU

    names: set[str] = set()
    for view, label, _icon, category in MENU:
        if label is not None and view.__name__ in view_names:
            names.add(view.__name__.removesuffix("View"))
            names.add(category)
    return names


def sync_roles() -> None:
    sm = current_app.appbuilder.sm
    admin = sm.find_role(sm.auth_role_admin)
    admin.permissions = sm.session.query(sm.permissionview_model).all()
    for role_name, grants in ROLES.items():
        role = sm.add_role(role_name)
        wanted = []
        for view_name, perms in grants.items():
            for perm in perms:
                pv = sm.find_permission_view_menu(perm, view_name)
                if pv is not None:
                    wanted.append(pv)
        for menu_name in _menu_names(list(grants)):
            pv = sm.find_permission_view_menu("menu_access", menu_name)
            if pv is not None:
                wanted.append(pv)
        role.permissions = wanted
        sm.session.merge(role)
    sm.session.commit()

"""The default roles, as data: what each may do on each entity.  How far each reaches into
business records (own, team, branch, all) is ``ROLE_REACH`` beside the scoping rule
(app/scoping.py).

Permissions are per entity and legible ("can read on Customer", "can write on Loan"); the
screen and the REST API of an entity share them.  ``flask loandesk sync-roles`` (also run by
``make run``) makes these six roles hold exactly this; admins may still edit roles in the
Security menu, and the next sync restores the defaults for these roles only.
"""

from __future__ import annotations

from flask import current_app

R = ("read",)
RX = ("read", "export")
RW = ("read", "write", "export")
RWD = RW + ("delete",)
SENSITIVE = ("view_sensitive",)

BUSINESS = ["Customer", "Contact", "FollowUp", "Document", "Consent", "Application",
            "CreditAssessment", "AssessmentFactor", "Decision", "Loan", "Installment",
            "Repayment", "RepaymentAllocation", "Reminder", "Contract", "Channel", "ServiceFee",
            "Commission"]
CONFIGURATION = ["ContractTemplate", "Funder", "LoanProduct", "Scorecard", "ScoreFactor", "ScoreBin", "ScoreGrade",
                 "LprRate", "RepaymentMethod", "FirmSetting", "Branch", "Team", "Staff"]
POOL = {"Pool": ("read", "claim")}
TOOLS = {"Calculator": R, "Lookup": R,  # pricing and related-field search change nothing
         # everyone may see their profile and change their own password
         "UserDBModelView": ("userinfo",), "ResetMyPasswordView": ("this_form_get",
                                                                   "this_form_post"),
         "UserInfoEditView": ("this_form_get", "this_form_post")}
# Reports and the dashboard: figures are scoped like the records (a branch, one's own book).
REPORTING = {"Report": RX, "Dashboard": R}
PRODUCTS = {"Funder": R, "LoanProduct": R, "Channel": R, "LprRate": R, "RepaymentMethod": R}

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "Manager": {
        "Customer": RW + ("reassign",) + SENSITIVE, "Contact": RW + SENSITIVE,
        "FollowUp": RW, "Document": RW, "Consent": RW, "Application": RW + ("reassign",),
        **POOL,
        **dict.fromkeys(["CreditAssessment", "AssessmentFactor", "Decision", "Loan",
                         "Installment", "Repayment", "RepaymentAllocation", "Reminder",
                         "Contract", "ServiceFee", "Commission"], RX),
        "Collections": ("read", "write"), **REPORTING,
        **PRODUCTS, "Scorecard": R, "Staff": R, "Team": R, "Branch": R, **TOOLS,
    },
    "Sales": {
        "Customer": RW, "Contact": RW, "FollowUp": RW, "Consent": RW, "Application": RW,
        "Document": ("read", "write"), "Loan": R, "Installment": R, "Contract": R,
        "Collections": ("read", "write"), **REPORTING,
        **POOL, **PRODUCTS, **TOOLS,
    },
    "Reviewer": {
        **dict.fromkeys(["Customer", "Contact", "FollowUp", "Document", "Consent",
                         "Application", "CreditAssessment", "AssessmentFactor", "Scorecard",
                         "ScoreFactor", "ScoreBin", "ScoreGrade"], R),
        "Customer": R + SENSITIVE, "Application": R + ("review",), "Decision": RX,
        **PRODUCTS, **TOOLS,
    },
    "Finance": {
        "Loan": RW, "Repayment": RW, "ServiceFee": RW, "Commission": RW,
        **dict.fromkeys(["Installment", "RepaymentAllocation", "Reminder"], RX),
        "Contract": RW, "Collections": ("read", "write"), **REPORTING,
        "Customer": R + SENSITIVE, "Application": R, **PRODUCTS, **TOOLS,
    },
    "Auditor": {
        **dict.fromkeys(BUSINESS + CONFIGURATION + ["AuditLog"], RX), "Collections": R,
        **REPORTING,
        **TOOLS,
    },
}


def _menu_names(entities: set[str]) -> set[str]:
    """Menu items (and their categories) of the views whose entity the role may read."""
    from app.views.menu import MENU

    names: set[str] = set()
    for view, _label, _icon, category in MENU:
        if view.class_permission_name in entities:
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
        for entity, perms in grants.items():
            for perm in perms:
                pv = sm.find_permission_view_menu(f"can_{perm}", entity)
                if pv is None:
                    raise LookupError(f"{role_name}: no permission can_{perm} on {entity}")
                wanted.append(pv)
        readable = {entity for entity, perms in grants.items() if "read" in perms}
        for menu_name in _menu_names(readable):
            pv = sm.find_permission_view_menu("menu_access", menu_name)
            if pv is not None:
                wanted.append(pv)
        role.permissions = wanted
        sm.session.merge(role)
    sm.session.commit()

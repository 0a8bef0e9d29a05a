"""The permission matrix: one table of who may do what, checked against every route.

The table below is the firm's policy written out by hand (it deliberately does not import
seed/roles.py).  Three checks: every registered route maps to an entry (a new view without
one fails), each role holds exactly these permissions, and an HTTP sweep of every route as
every role (and anonymously) gets through exactly where the table says.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import DEMO_PASSWORD

ALL = frozenset({"Admin", "Manager", "Sales", "Reviewer", "Finance", "Auditor"})
ADMIN = frozenset({"Admin"})


def roles(*names):
    return frozenset({"Admin", *names})


R_ALL = roles("Manager", "Sales", "Reviewer", "Finance", "Auditor")
PRODUCT_READ = R_ALL  # products, funders, channels, LPR: everyone prices and matches loans

MATRIX: dict[str, dict[str, frozenset]] = {
    "Customer": {"read": R_ALL, "write": roles("Manager", "Sales"),
                 "export": roles("Manager", "Sales", "Auditor"), "delete": ADMIN,
                 "view_sensitive": roles("Manager", "Reviewer", "Finance"),
                 "reassign": roles("Manager")},
    "Contact": {"read": roles("Manager", "Sales", "Reviewer", "Auditor"),
                "write": roles("Manager", "Sales"),
                "export": roles("Manager", "Sales", "Auditor"), "delete": ADMIN,
                "view_sensitive": roles("Manager")},
    "FollowUp": {"read": roles("Manager", "Sales", "Reviewer", "Auditor"),
                 "write": roles("Manager", "Sales"),
                 "export": roles("Manager", "Sales", "Auditor"), "delete": ADMIN},
    "Consent": {"read": roles("Manager", "Sales", "Reviewer", "Auditor"),
                "write": roles("Manager", "Sales"),
                "export": roles("Manager", "Sales", "Auditor"), "delete": ADMIN},
    "Document": {"read": roles("Manager", "Sales", "Reviewer", "Auditor"),
                 "write": roles("Manager", "Sales"), "export": roles("Manager", "Auditor")},
    "Application": {"read": R_ALL, "write": roles("Manager", "Sales"),
                    "export": roles("Manager", "Sales", "Auditor"), "delete": ADMIN,
                    "reassign": roles("Manager"), "review": roles("Reviewer")},
    "CreditAssessment": {"read": roles("Manager", "Reviewer", "Auditor"),
                         "export": roles("Manager", "Auditor")},
    "AssessmentFactor": {"read": roles("Manager", "Reviewer", "Auditor"),
                         "export": roles("Manager", "Auditor")},
    "Decision": {"read": roles("Manager", "Reviewer", "Auditor"),
                 "export": roles("Manager", "Reviewer", "Auditor")},
    "Loan": {"read": roles("Manager", "Sales", "Finance", "Auditor"),
             "write": roles("Finance"), "export": roles("Manager", "Finance", "Auditor"),
             "delete": ADMIN},
    "Installment": {"read": roles("Manager", "Sales", "Finance", "Auditor"),
                    "export": roles("Manager", "Finance", "Auditor")},
    "Repayment": {"read": roles("Manager", "Finance", "Auditor"), "write": roles("Finance"),
                  "export": roles("Manager", "Finance", "Auditor")},
    "RepaymentAllocation": {"read": roles("Manager", "Finance", "Auditor"),
                            "export": roles("Manager", "Finance", "Auditor")},
    "Reminder": {"read": roles("Manager", "Finance", "Auditor"),
                 "export": roles("Manager", "Finance", "Auditor")},
    "Contract": {"read": roles("Manager", "Sales", "Finance", "Auditor"),
                 "write": roles("Finance"), "export": roles("Manager", "Finance", "Auditor")},
    "ServiceFee": {"read": roles("Manager", "Finance", "Auditor"), "write": roles("Finance"),
                   "export": roles("Manager", "Finance", "Auditor"), "delete": ADMIN},
    "Commission": {"read": roles("Manager", "Finance", "Auditor"), "write": roles("Finance"),
                   "export": roles("Manager", "Finance", "Auditor"), "delete": ADMIN},
    "Channel": {"read": PRODUCT_READ, "write": ADMIN, "export": roles("Auditor"),
                "delete": ADMIN},
    "Funder": {"read": PRODUCT_READ, "write": ADMIN, "export": roles("Auditor"),
               "delete": ADMIN},
    "LoanProduct": {"read": PRODUCT_READ, "write": ADMIN, "export": roles("Auditor"),
                    "delete": ADMIN},
    "LprRate": {"read": PRODUCT_READ, "write": ADMIN, "export": roles("Auditor"),
                "delete": ADMIN},
    "RepaymentMethod": {"read": PRODUCT_READ, "export": roles("Auditor")},
    **{entity: {"read": roles("Manager", "Reviewer", "Auditor"), "write": ADMIN,
                "export": roles("Auditor"), "delete": ADMIN}
       for entity in ("Scorecard",)},
    **{entity: {"read": roles("Reviewer", "Auditor"), "write": ADMIN,
                "export": roles("Auditor"), "delete": ADMIN}
       for entity in ("ScoreFactor", "ScoreBin", "ScoreGrade")},
    **{entity: {"read": roles("Manager", "Auditor"), "write": ADMIN,
                "export": roles("Auditor"), "delete": ADMIN}
       for entity in ("Branch", "Team", "Staff")},
    "ContractTemplate": {"read": roles("Auditor"), "write": ADMIN, "export": roles("Auditor")},
    "FirmSetting": {"read": roles("Auditor"), "write": ADMIN, "export": roles("Auditor")},
    "FirmSetup": {"write": ADMIN},  # /setup/: the firm's details and first branch
    "AuditLog": {"read": roles("Auditor"), "export": roles("Auditor")},
    "Calculator": {"read": R_ALL},
    "Pool": {"read": roles("Manager", "Sales"), "claim": roles("Manager", "Sales")},
    "Collections": {"read": roles("Manager", "Sales", "Finance", "Auditor"),
                    "write": roles("Manager", "Sales", "Finance")},
    "Lookup": {"read": R_ALL},
    # Figures scoped like the records: a manager's branch, a salesperson's own book.
    "Report": {"read": roles("Manager", "Sales", "Finance", "Auditor"),
               "export": roles("Manager", "Sales", "Finance", "Auditor")},
    "Dashboard": {"read": roles("Manager", "Sales", "Finance", "Auditor")},
    # Self-service: one's own profile and password.
    "UserDBModelView": {"userinfo": R_ALL, **{p: ADMIN for p in (
        "list", "show", "add", "edit", "delete")}},
    "ResetMyPasswordView": {"this_form_get": R_ALL, "this_form_post": R_ALL},
    "UserInfoEditView": {"this_form_get": R_ALL, "this_form_post": R_ALL},
}
# FAB's security screens and APIs, the menu API and the API documentation: Admin only.
ADMIN_ONLY_ENTITIES = {"RoleModelView", "PermissionModelView", "ViewMenuModelView",
                       "PermissionViewModelView", "UserGroupModelView", "ResetPasswordView",
                       "Role", "User", "Group", "Permission", "ViewMenu", "PermissionViewMenu",
                       "MenuApi", "OpenApi", "SwaggerView"}
PUBLIC_ENDPOINTS = {"static", "appbuilder.static", "health.health", "AuthDBView.login",
                    "AuthDBView.logout", "HomeView.index", "LocaleView.index",
                    "SecurityApi.login", "SecurityApi.refresh", "UtilView.back"}
# Routes whose permission FAB checks inside (bulk actions of its security screens).
CHECKED_INSIDE = re.compile(r"\.action(_post)?$")
# Actions that need a second permission, checked inside the view: (entity, permission).
ALSO_NEEDS = {"LoanView.repay": ("Repayment", "write"),
              "LoanApi.repayments": ("Repayment", "write"),
              "ApplicationView.book_loan": ("Loan", "write")}


def expected_roles(entity: str, permission: str) -> frozenset:
    if permission == "nobody":
        return frozenset()
    if entity in ADMIN_ONLY_ENTITIES:
        return ADMIN
    return MATRIX[entity][permission]


def route_permissions(app):
    """[(rule, method, entity, permission)] for every route, from the views' own maps."""
    views = {v.blueprint.name: v for v in app.appbuilder.baseviews
             if getattr(v, "blueprint", None)}
    routes = []
    for rule in app.url_map.iter_rules():
        blueprint, _, method_name = rule.endpoint.partition(".")
        view = views.get(blueprint)
        func = getattr(view, method_name, None) if view else None
        name = getattr(func, "_permission_name", None)
        if rule.endpoint in PUBLIC_ENDPOINTS or CHECKED_INSIDE.search(rule.endpoint):
            permission = None
        else:
            assert view is not None and name is not None, f"unprotected route {rule.rule}"
            permission = (view.method_permission_name or {}).get(method_name) or name
        if permission is not None and f"can_{permission}" not in view.base_permissions:
            permission = "nobody"  # FAB serves the route but grants it to no one
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule, method, view.class_permission_name if view else None,
                           permission))
    return routes


def test_every_route_has_an_entry_in_the_matrix(app):
    missing = [f"{rule.rule} needs {entity}.{permission}"
               for rule, _m, entity, permission in route_permissions(app)
               if permission not in (None, "nobody") and entity not in ADMIN_ONLY_ENTITIES
               and permission not in MATRIX.get(entity, {})]
    assert not missing, "\n".join(missing)


def test_each_role_holds_exactly_the_matrix(app):
    with app.app_context():
        sm = app.appbuilder.sm
        for role_name in ALL - ADMIN:
            held = {(p.view_menu.name, p.permission.name.removeprefix("can_"))
                    for p in sm.find_role(role_name).permissions
                    if p.permission.name != "menu_access"}
            wanted = {(entity, perm) for entity, perms in MATRIX.items()
                      for perm, who in perms.items() if role_name in who}
            assert held == wanted, role_name


def _url(rule) -> str:
    values = {"pk": "999999999", "role_id": "999999999", "loan_id": "999999999",
              "installment_id": "999999999",
              "table": "customer",
              "locale": "zh_CN", "version": "v1", "name": "none", "group_by": "x", "fmt": "csv",
              "filename": "x", "path": "x"}
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: values[m.group(1)], rule.rule)


def _login(app, username):
    client = app.test_client()
    if username is None:
        return client, None
    client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
    token = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": DEMO_PASSWORD, "provider": "db"}
    ).get_json()["access_token"]
    return client, token


@pytest.mark.parametrize("username,role", [
    ("admin", "Admin"), ("manager", "Manager"), ("sales1", "Sales"),
    ("reviewer", "Reviewer"), ("finance", "Finance"), ("auditor", "Auditor"), (None, None)])
def test_every_route_answers_each_role_as_the_matrix_says(app, username, role):
    client, token = _login(app, username)
    api_client = app.test_client()
    wrong = []
    for rule, method, entity, permission in route_permissions(app):
        if rule.endpoint in ("AuthDBView.logout", "static", "appbuilder.static") or (
                permission is None and not CHECKED_INSIDE.search(rule.endpoint)):
            continue
        is_api = rule.rule.startswith("/api/")
        c = api_client if is_api else client
        headers = {"Authorization": f"Bearer {token}"} if is_api and token else {}
        response = c.open(_url(rule), method=method, headers=headers, json={} if
                          method in ("POST", "PUT") and is_api else None,
                          data=None if is_api else {})
        status = response.status_code
        to_login = status == 302 and "/login" in (response.location or "")
        if CHECKED_INSIDE.search(rule.endpoint):
            allowed = role == "Admin"
        else:
            allowed = role is not None and role in expected_roles(entity, permission) and (
                rule.endpoint not in ALSO_NEEDS or role in expected_roles(
                    *ALSO_NEEDS[rule.endpoint]))
        if status >= 500:
            wrong.append(f"{method} {rule.rule}: {status}")
        elif role is None:
            ok = (status == 401) if is_api else (
                to_login or (CHECKED_INSIDE.search(rule.endpoint) and status == 404))
            if not ok:
                wrong.append(f"anonymous {method} {rule.rule}: {status}")
        elif allowed and (status in (401, 403) or to_login):
            wrong.append(f"{role} refused {method} {rule.rule}: {status}")
        elif not allowed and status not in (403, 404, 405):
            wrong.append(f"{role} allowed {method} {rule.rule}: {status}")
    assert not wrong, "\n".join(wrong)

"""LoanDesk's security manager: FAB's, plus the firm's login and password policies.

* Account lockout: after LOANDESK_LOCKOUT_ATTEMPTS failed logins (5) a username is refused,
  even with the right password, for LOANDESK_LOCKOUT_MINUTES (15).  Kept in the database.
* Password policy on every path that sets a password (forms, API, CLI): at least 10
  characters from at least three of lower case, upper case, digits and symbols
  (``password_complexity`` in app/org/users.py, beside the other login rules).
* Every login, success or failure, goes to the audit trail.
* FAB's user, role and group screens as the firm reads them: app/org/user_screens.py.
"""


from __future__ import annotations

import datetime as dt

from flask import (
    abort,
    current_app,
    has_request_context,
    request,
    session,
)
from flask_appbuilder import expose
from flask_appbuilder.api import protect, safe
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.security.sqla.apis.user.api import UserApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from sqlalchemy import select

from .audit import record
from .i18n import _user_locale
from .models import LoginLockout
from .models.labels import SHARED_LABELS
from .org.user_screens import (
    ResetMyPasswordView,
    ResetPasswordView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    UserInfoEditView,
)
from .org.users import login_delete_refusal, password_complexity


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _without_download(view):
    """FAB's security screens, minus download/<filename> (it would serve any stored file),
    and with bulk-action routes only where the screen has actions (an unknown action name
    made FAB answer 500)."""
    has_actions = any(hasattr(getattr(view, n, None), "_action") for n in dir(view))
    excluded = set(view.exclude_route_methods) | {"download"}
    # FAB leaves some columns of its screens unlabelled (shown as English code names): they
    # show FAB's own tables, whose labels are the shared ones.
    body = {"exclude_route_methods": excluded,
            "label_columns": {**SHARED_LABELS, **(view.label_columns or {})}}
    if not has_actions:
        excluded |= {"action", "action_post"}
    else:
        @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
        def action(self, name, pk):
            if name not in self.actions:
                abort(404)
            return view.action(self, name, pk)
        @expose("/action_post", methods=["POST"])
        def action_post(self):
            if request.form.get("action") not in self.actions:
                abort(404)
            return view.action_post(self)
        body["action"], body["action_post"] = action, action_post
    return type(view.__name__, (view,), body)


class _UserApi(UserApi):
    """FAB's user API answered 500 to a PUT on a user that does not exist; a login with a
    staff profile is never deleted (409)."""

    @expose("/<pk>", methods=("DELETE",))
    @protect()
    @safe
    @permission_name("delete")
    def delete(self, pk):
        user = self.datamodel.get(pk, self._base_filters)
        if user is None:
            return self.response_404()
        reason = login_delete_refusal(user)
        if reason is not None:
            return self.response(409, message=reason)
        return UserApi.delete(self, pk)

    delete.__doc__ = UserApi.delete.__doc__

    @expose("/<pk>", methods=("PUT",))
    @protect()
    @safe
    @permission_name("put")
    def put(self, pk):
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        return UserApi.put(self, pk)

    put.__doc__ = UserApi.put.__doc__  # the operation's OpenAPI document is FAB's


# -- FAB's user screens -------------------------------------------------------------------
class LoanDeskSecurityManager(SecurityManager):
    user_api = _UserApi
    userdbmodelview = _without_download(UserDBModelView)
    userinfoeditview = UserInfoEditView
    resetpasswordview = ResetPasswordView
    resetmypasswordview = ResetMyPasswordView
    rolemodelview = _without_download(RoleModelView)
    groupmodelview = _without_download(UserGroupModelView)
    permissionmodelview = _without_download(SecurityManager.permissionmodelview)
    viewmenumodelview = _without_download(SecurityManager.viewmenumodelview)
    permissionviewmodelview = _without_download(SecurityManager.permissionviewmodelview)
    userstatschartview = None  # draws with Google Charts from the internet; firms are offline

    def create_db(self) -> None:
        """Schema creation is Alembic's job, never FAB's ``create_all``."""
        return

    # -- permission checks -------------------------------------------------------------
    def exist_permission_on_roles(self, view_name: str, permission_name: str,
                                  role_ids: list[int]) -> bool:
        """FAB asks this for every menu entry and link it draws (50–80 times an HTML page),
        one EXISTS query each — a third of a list page's time, found by the load test.
        Within a request the roles' permissions are read once, in one query, and every
        check answered from them; the next request reads them again, so a role edited by
        an admin counts from the next page on."""
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        key = tuple(sorted(role_ids))
        cache = request.environ.setdefault("loandesk.role_permissions", {})
        if key not in cache:
            cache[key] = self._role_permission_pairs(key)
        return (view_name, permission_name) in cache[key]

    def _role_permission_pairs(self, role_ids: tuple[int, ...]) -> frozenset[tuple[str, str]]:
        """(view name, permission name) of every permission the roles hold."""
        pv, role_pv = self.permissionview_model, assoc_permissionview_role
        rows = self.session.execute(
            select(self.viewmenu_model.name, self.permission_model.name)
            .select_from(pv)
            .join(self.viewmenu_model, self.viewmenu_model.id == pv.view_menu_id)
            .join(self.permission_model, self.permission_model.id == pv.permission_id)
            .join(role_pv, role_pv.c.permission_view_id == pv.id)
            .where(role_pv.c.role_id.in_(role_ids)))
        return frozenset((view, permission) for view, permission in rows)

    # -- passwords ---------------------------------------------------------------------
    def add_user(self, username, first_name, last_name, email, role=None, password="",
                 hashed_password="", **kwargs):
        if password:
            password_complexity(password)
        return super().add_user(username, first_name, last_name, email, role=role,
                                password=password, hashed_password=hashed_password, **kwargs)

    def reset_password(self, userid, password):
        password_complexity(password)
        return super().reset_password(userid, password)

    # -- logins ------------------------------------------------------------------------
    def auth_user_db(self, username, password):
        key = (username or "").strip()[:256]
        if not key:
            return None
        lock = self.session.scalar(select(LoginLockout).where(LoginLockout.username == key))
        now = _now()
        if lock is not None and lock.locked_until is not None and lock.locked_until > now:
            record("login_failed", "user", None, {"username": key}, purpose="account locked")
            self.session.commit()
            return None
        user = super().auth_user_db(username, password)
        if user is None:
            if lock is None:
                lock = LoginLockout(username=key, failures=0)
                self.session.add(lock)
            lock.failures = (lock.failures or 0) + 1
            lock.last_failure_at = now
            if lock.failures >= current_app.config["LOANDESK_LOCKOUT_ATTEMPTS"]:
                lock.locked_until = now + dt.timedelta(
                    minutes=current_app.config["LOANDESK_LOCKOUT_MINUTES"])
                lock.failures = 0
            record("login_failed", "user", None, {"username": key})
        else:
            if lock is not None:
                self.session.delete(lock)
            record("login", "user", user.id, None, acting=user)
            saved = _user_locale(user.id)
            if saved in current_app.config["LANGUAGES"] and has_request_context():
                session["locale"] = saved  # the user's language follows them to any browser
        self.session.commit()
        return user

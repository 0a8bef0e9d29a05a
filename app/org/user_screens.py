"""FAB's user, role and group screens as the firm reads them: names 姓 then 名, shown
姓名 without a space; roles by their translated names; the staff profile made with the
login in one form (the logic in app/org/users.py); no help text about LDAP or OpenID; a login
with a staff profile never deleted.  LoanDeskSecurityManager (app/security.py) serves
them."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_appbuilder import expose
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import (
    BS3PasswordFieldWidget,
    BS3TextFieldWidget,
    Select2ManyWidget,
    Select2Widget,
)
from flask_appbuilder.security import views
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.security.forms import DynamicForm, ResetPasswordForm, UserInfoEdit
from flask_appbuilder.security.sqla.models import User
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_appbuilder.widgets import FormWidget, ListWidget, ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from app.domain import DomainError
from app.domain.validators import email_error
from app.errors import field_errors, save_refused
from app.extensions import db
from app.i18n import format_minute
from app.models import Branch, Staff, Team
from app.views.fields import Required, errors_beside_fields

from .users import (
    NewLogin,
    assignable_roles,
    create_login,
    create_staff_profile,
    default_branch,
    login_delete_refusal,
    login_errors,
    person_name,
    placeholder_email,
    role_label,
    roles_text,
    shown_email,
    users_without_staff,
    yes_no,
)

PASSWORD_HELP = _l("At least 10 characters, mixing three of: lower-case letters, upper-case "
                   "letters, digits and symbols.")


class _OptionalEmail(StringField):
    """FAB requires an e-mail; people may have none: empty here, a placeholder in the row."""

    widget = BS3TextFieldWidget()

    def process_data(self, value) -> None:
        self.data = shown_email(value)

    def pre_validate(self, form) -> None:
        self.data = (self.data or "").strip()
        if not self.data:
            return
        if email_error(self.data):
            raise ValidationError(gettext(email_error(self.data)))
        other = db.session.scalar(select(User.id).where(
            func.lower(User.email) == self.data.lower()))
        if other is not None and other != getattr(form, "_id", None):
            raise ValidationError(gettext("Another login already uses this e-mail address."))


class _AtLeastOne(Required):
    def __call__(self, form, field) -> None:
        if not field.data:
            raise ValidationError(gettext("Choose at least one role."))


def _roles_field() -> QuerySelectMultipleField:
    return QuerySelectMultipleField(
        _l("Roles"), query_func=assignable_roles, get_pk_func=lambda role: role.id,
        get_label=lambda role: role_label(role.name), widget=Select2ManyWidget(),
        validators=[_AtLeastOne()],
        description=_l("What the person may do: each role is a set of permissions."))


def _branches():
    return db.session.scalars(select(Branch).order_by(Branch.code))


def _team_choices() -> list[SelectChoice]:
    """Every team, marked with its branch: the form offers those of the chosen branch."""
    teams = db.session.scalars(select(Team).order_by(Team.branch_id, Team.name))
    return [SelectChoice("", "")] + [
        SelectChoice(str(t.id), t.name, render_kw={"data-branch": str(t.branch_id)})
        for t in teams]


class _TeamField(SelectField):
    """Optional: a form that leaves it out means no team, not a wrong choice."""

    def pre_validate(self, form) -> None:
        if self.data not in (None, ""):
            super().pre_validate(form)


def _placement_fields() -> dict:
    """Where the staff member works: asked by the new-user form and the one-click fix."""
    return {
        "branch": QuerySelectField(
            _l("Branch"), query_func=_branches, get_pk_func=lambda b: b.id,
            get_label="name", default=default_branch,
            widget=Select2Widget(), validators=[Required()],
            description=_l("The staff member's branch: it decides which records they "
                           "reach.")),
        "team": _TeamField(_l("Team"), choices=_team_choices, widget=Select2Widget(),
                           description=_l("Optional: one of the branch's teams.")),
        "mobile": StringField(_l("Mobile"), widget=BS3TextFieldWidget(),
                              description=_l("Optional: an 11-digit mainland mobile "
                                             "number.")),
    }


def _team_of(form) -> Team | None:
    value = form.team.data or ""
    # An id beyond any integer column is no team (the database would fail on it).
    return db.session.get(Team, int(value)) if value.isdigit() and len(value) < 10 else None


StaffProfileForm = type("StaffProfileForm", (DynamicForm,), _placement_fields())


def _staff_cell(user_id: int) -> Markup:
    """The user's staff profile (a link), or the button that makes one."""
    cache = g.get("ld_staff_by_user")
    if cache is None:
        cache = g.ld_staff_by_user = {s.user_id: s for s in db.session.scalars(
            select(Staff).where(Staff.user_id.is_not(None)))}
    staff = cache.get(user_id)
    if staff is not None:
        return Markup('<a href="{}">{} · {}</a>').format(
            url_for("StaffView.show", pk=staff.id), staff.full_name, staff.branch.name)
    return Markup('<span class="label label-warning">{}</span> <a class="btn btn-xs '
                  'btn-primary" href="{}">{}</a>').format(
        gettext("No staff profile"), url_for("UserDBModelView.staff_profile", pk=user_id),
        gettext("Create staff profile"))


def _user_name(user) -> str:
    return "" if user is None else user.get_full_name()


class UserDBModelView(views.UserDBModelView):
    """FAB's user screens: the add form also makes the staff profile (app/org/users.py)."""

    def pre_delete(self, item) -> None:
        reason = login_delete_refusal(item)
        if reason is not None:
            raise ValueError(reason)  # FAB's delete flashes it and deletes nothing

    add_template = "loandesk/user_add.html"
    list_template = "loandesk/user_list.html"
    label_columns = {**views.UserDBModelView.label_columns,
                     "get_full_name": _l("Full name"), "last_name": _l("Surname"),
                     "first_name": _l("Given name"), "username": _l("Username"),
                     "active": _l("Active"), "email": _l("E-mail"), "roles": _l("Roles"),
                     "id": _l("Staff profile"), "branch": _l("Branch"), "team": _l("Team"),
                     "mobile": _l("Mobile")}
    description_columns = {
        "username": _l("What the person types to log in."),
        "active": _l("An inactive login cannot log in; its records stay."),
        "email": _l("Optional."), "password": PASSWORD_HELP,
        "conf_password": _l("Type the password again."),
    }
    list_columns = ["get_full_name", "username", "email", "roles", "active", "id"]
    order_columns = ["username", "email", "active"]
    search_columns = ["last_name", "first_name", "username", "email", "active"]
    add_columns = ["last_name", "first_name", "username", "password", "conf_password",
                   "roles", "branch", "team", "mobile", "email", "active"]
    edit_columns = ["last_name", "first_name", "username", "active", "email", "roles"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "id"]}),
        (_l("Personal Info"), {"fields": ["last_name", "first_name", "email"]}),
        (_l("Audit Info"), {"fields": ["last_login", "login_count", "fail_login_count",
                                       "created_on", "created_by", "changed_on",
                                       "changed_by"], "expanded": False}),
    ]
    user_show_fieldsets = [
        (_l("User info"), {"fields": ["username", "roles"]}),
        (_l("Personal Info"), {"fields": ["last_name", "first_name", "email"]}),
    ]
    formatters_columns = {
        "roles": roles_text, "active": yes_no, "email": shown_email, "id": _staff_cell,
        "login_count": lambda n: n or 0, "fail_login_count": lambda n: n or 0,
        "last_login": format_minute, "created_on": format_minute,
        "changed_on": format_minute, "created_by": _user_name, "changed_by": _user_name,
    }
    validators_columns: dict = {}  # FAB's asks for a role *or a group*; groups are not used
    add_form_extra_fields = {
        # FAB's own would check these alone; create_login checks them with the rest.
        "last_name": StringField(_l("Surname"), validators=[Required()],
                                 widget=BS3TextFieldWidget()),
        "first_name": StringField(_l("Given name"), validators=[Required()],
                                  widget=BS3TextFieldWidget()),
        "username": StringField(_l("Username"), validators=[Required()],
                                widget=BS3TextFieldWidget(),
                                description=_l("What the person types to log in.")),
        "password": PasswordField(_l("Password"), widget=BS3PasswordFieldWidget(),
                                  validators=[Required()], description=PASSWORD_HELP),
        "conf_password": PasswordField(
            _l("Confirm Password"), widget=BS3PasswordFieldWidget(),
            validators=[EqualTo("password", message=_l("Passwords must match"))],
            description=_l("Type the password again.")),
        "roles": _roles_field(), "email": _OptionalEmail(_l("E-mail"),
                                                         description=_l("Optional.")),
        "active": BooleanField(_l("Active"), default=True,
                               description=_l("An inactive login cannot log in; its "
                                              "records stay.")),
        **_placement_fields(),
    }
    edit_form_extra_fields = {"roles": _roles_field(),
                              "email": _OptionalEmail(_l("E-mail"),
                                                      description=_l("Optional."))}

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs.setdefault("missing_staff", users_without_staff())
        return super().render_template(template, **kwargs)

    def _add(self):
        """One form, one transaction: the login and its staff profile (``create_login``);
        a refusal keeps what was typed and says why beside the field."""
        form = self.add_form.refresh()
        if request.method == "POST":
            valid = form.validate()  # the form's own checks, then every rule at once
            new = NewLogin(
                surname=form.last_name.data or "", given_name=form.first_name.data or "",
                username=form.username.data or "", password=form.password.data or "",
                roles=list(form.roles.data or ()), branch=form.branch.data,
                team=_team_of(form), mobile=form.mobile.data or "",
                email=form.email.data or "", active=bool(form.active.data))
            try:
                user = create_login(new) if valid else login_errors(new)
            except DomainError as error:
                db.session.rollback()
                errors_beside_fields(form, field_errors(error))
            else:
                if not valid:
                    return self._get_add_widget(form=form)
                flash(gettext("Login %(username)s and the staff profile of %(name)s are "
                              "created.", username=user.username,
                              name=user.get_full_name()), "success")
                return None
        return self._get_add_widget(form=form)

    def post_add_redirect(self):
        return redirect(url_for(".list"))  # the new person, on the list, with the profile

    def pre_update(self, item) -> None:
        # A change of roles is its own "permission" entry in the trail (app/audit.py),
        # apart from the field changes: flushed first, in the same transaction.
        try:
            db.session.flush()
        except SQLAlchemyError:
            db.session.rollback()
            raise ValueError(save_refused()) from None  # FAB flashes it; never the SQL
        super().pre_update(item)
        item.email = item.email or placeholder_email(item.username)
        # The staff profile follows the login's name, unless it was named otherwise.
        state = db.inspect(item)
        old = [state.attrs[key].history.deleted for key in ("last_name", "first_name")]
        if any(old):
            before = person_name((old[0] or [item.last_name])[0],
                                 (old[1] or [item.first_name])[0])
            staff = db.session.scalar(select(Staff).where(Staff.user_id == item.id))
            if staff is not None and staff.full_name == before:
                staff.full_name = person_name(item.last_name, item.first_name)[:64]

    @expose("/staffprofile/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def staff_profile(self, pk):
        """The one-click fix for a login without a staff profile: it asks only where the
        person works (branch preselected, team and mobile optional)."""
        user = self.datamodel.get(pk)
        if user is None:
            abort(404)
        form = StaffProfileForm()
        if request.method == "POST" and form.validate():
            try:
                create_staff_profile(user, form.branch.data, _team_of(form),
                                     form.mobile.data or "")
            except DomainError as error:
                db.session.rollback()
                errors_beside_fields(form, field_errors(error))
            else:
                flash(gettext("The staff profile of %(name)s is created.",
                              name=user.get_full_name()), "success")
                return redirect(url_for(".list"))
        widget = FormWidget(route_base=self.route_base, form=form,
                            include_cols=["branch", "team", "mobile"], exclude_cols=[])
        return self.render_template("loandesk/staff_profile.html", widget=widget,
                                    person=user, title=_l("Create staff profile"))


class _OwnNameForm(UserInfoEdit):
    """One's own name, 姓 before 名, without FAB's help texts."""

    last_name = StringField(_l("Surname"), validators=[DataRequired()],
                            widget=BS3TextFieldWidget())
    first_name = StringField(_l("Given name"), validators=[DataRequired()],
                             widget=BS3TextFieldWidget())


class UserInfoEditView(views.UserInfoEditView):
    form = _OwnNameForm
    form_columns = ["last_name", "first_name"]


class _PasswordForm(ResetPasswordForm):
    """FAB's form said "this application does not check this for you"; it does."""

    password = PasswordField(_l("Password"), description=PASSWORD_HELP,
                             validators=[DataRequired(), PasswordComplexityValidator()],
                             widget=BS3PasswordFieldWidget())
    conf_password = PasswordField(  # declared again, so that it stays second
        _l("Confirm Password"), description=_l("Type the password again."),
        validators=[EqualTo("password", message=_l("Passwords must match"))],
        widget=BS3PasswordFieldWidget())


ResetPasswordView = type("ResetPasswordView", (views.ResetPasswordView,),
                         {"form": _PasswordForm})
ResetMyPasswordView = type("ResetMyPasswordView", (views.ResetMyPasswordView,),
                           {"form": _PasswordForm})


# 姓名 as the firm writes it, wherever FAB names a user (the navbar, the staff form's login
# list, "created by"): FAB joins first and last name with a space, in Western order.
User.get_full_name = lambda self: person_name(self.last_name, self.first_name)


def permissions_text(permissions) -> str:
    return gettext("%(n)s permissions", n=len(permissions or ()))


class RoleModelView(views.RoleModelView):
    """FAB's roles, named in words (a role is stored by its code: Sales → 业务员); what a
    role holds is counted here and edited on its page."""

    # FAB's role widgets print every permission by its code: the plain ones, formatted.
    list_widget = ListWidget
    show_widget = ShowWidget
    formatters_columns = {"name": role_label, "permissions": permissions_text}


class UserGroupModelView(views.UserGroupModelView):
    """FAB's groups, their roles in words."""

    formatters_columns = {"roles": roles_text}
    add_form_extra_fields = {"roles": QuerySelectMultipleField(
        _l("Roles"), query_func=assignable_roles, get_pk_func=lambda role: role.id,
        get_label=lambda role: role_label(role.name), widget=Select2ManyWidget())}
    edit_form_extra_fields = add_form_extra_fields

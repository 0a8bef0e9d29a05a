"""/setup/: the firm's details (name, credit code, court, city) and its first branch, asked
at the first admin login of a new install; saved by ``save_firm_setup`` (app/org/users.py)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_appbuilder.security.forms import DynamicForm
from flask_appbuilder.widgets import FormWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from app.domain import DomainError
from app.errors import field_errors
from app.extensions import db
from app.firm.settings import firm_profile
from app.models import Branch
from app.views.fields import Required, errors_beside_fields

from .users import BRANCH_FIELDS, FIRM_FIELDS, save_firm_setup


def _text(label, description=None, required=True) -> StringField:
    return StringField(label, validators=[Required()] if required else [],
                       description=description or "", widget=BS3TextFieldWidget())


class SetupForm(DynamicForm):
    name = _text(_l("Firm name"), _l("The registered name, as on the business licence."))
    credit_code = _text(_l("Unified social credit code"),
                        _l("18 characters, checked by the GB 32100 check character."))
    address = _text(_l("Address"))
    phone = _text(_l("Phone"))
    dispute_court = _text(_l("Court for disputes"),
                          _l("The people's court named in the contracts' dispute clause."))
    city = _text(_l("City where contracts are signed"))
    branch_code = _text(_l("Branch code"), _l("A short code, such as FZ."))
    branch_name = _text(_l("Branch name"))
    branch_city = _text(_l("Branch city"), _l("Empty: the city above."), required=False)


class SetupView(BaseView):
    """/setup/: the firm's details, asked at the first admin login of a new install."""

    route_base = "/setup"
    class_permission_name = "FirmSetup"
    method_permission_name = {"index": "write"}
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        first_branch = db.session.query(Branch.id).first() is None
        form = SetupForm()
        if not first_branch:
            for name in BRANCH_FIELDS:
                del form[name]
        if request.method == "GET":
            profile = firm_profile()
            for name in FIRM_FIELDS:
                form[name].data = getattr(profile, name)
        elif form.validate():
            try:
                save_firm_setup({n: form[n].data for n in FIRM_FIELDS},
                                {n: form[n].data for n in BRANCH_FIELDS}
                                if first_branch else None)
            except DomainError as error:
                errors_beside_fields(form, field_errors(error))
            else:
                flash(gettext("The firm's details are saved: contracts, reports and the "
                              "dashboard use them."), "success")
                return redirect(url_for("HomeView.index"))
        fieldsets = [(_l("The firm"), {"fields": list(FIRM_FIELDS)})]
        if first_branch:
            fieldsets.append((_l("The first branch"), {"fields": list(BRANCH_FIELDS)}))
        widget = FormWidget(route_base=self.route_base, form=form,
                            include_cols=[f for _n, s in fieldsets for f in s["fields"]],
                            exclude_cols=[], fieldsets=fieldsets)
        return self.render_template("loandesk/setup.html", widget=widget,
                                    title=_l("Firm details"), set_up=firm_profile().set_up)

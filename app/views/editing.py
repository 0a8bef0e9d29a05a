"""The generated add, edit and delete screens, held to what a record may become.

FAB's own ``_add`` / ``_edit`` flash a refused save and redirect, losing what was typed;
here a refusal keeps the form as typed, with the reason beside its field.  Whether a record
may be edited at all, and which of its fields, comes from the one declaration in
app/domain/editing.py (through app/editing.py): a record that may not be edited answers
409 on its edit page and shows no edit icon in lists; a field the user may not change is
shown disabled with the reason, and a change to it sent anyway is refused (409) with
nothing stored.
"""

from __future__ import annotations

from flask import abort, flash, g, make_response, request
from flask_appbuilder import expose, has_access, widgets
from flask_appbuilder.urltools import (
    get_filter_args,
)
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from ..editing import EditLocked, delete_refusal, edit_lock, editable_ids
from ..errors import Refused
from ..extensions import db
from ..scoping import scoped
from .refusals import flash_refusal

REFUSED_TEMPLATE = "loandesk/refused.html"
KEPT = ("csrf_token", "row_version")


class FormWidget(widgets.FormWidget):
    template = "loandesk/widgets/form.html"


class EditingMixin:
    """Mixed into LoanDeskModelView: the add / edit / delete routes and the list's icons."""

    list_widget_template = "loandesk/widgets/list.html"
    add_widget = edit_widget = FormWidget

    def _refused_page(self, message: str, pk=None, status: int = 409):
        back = None
        if pk is not None and "show" not in self.exclude_route_methods:
            back = f"{self.route_base}/show/{pk}"
        return make_response(self.render_template(
            REFUSED_TEMPLATE, title=self.edit_title or self.list_title, message=message,
            back=back), status)

    # -- add --------------------------------------------------------------------------------
    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        widget = self._add()
        if not widget:
            return self.post_add_redirect()
        return make_response(self.render_template(self.add_template, title=self.add_title,
                                                  widgets=widget),
                             g.pop("loandesk_form_status", 200))

    def _add(self):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        self._fill_form_exclude_cols(exclude_cols, form)
        if request.method == "GET":
            self._prefill_add(form, exclude_cols)
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                if self._save(form, item, self.pre_add, self.datamodel.add):
                    self.post_add(item)
                    flash(self.add_row_message, "success")
                    return None
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _fill_form_exclude_cols(self, exclude_cols, form):
        """A record added from its parent's page (``?_flt_0_customer=<id>``) belongs to that
        parent: the field is filled and shown as text.  Only a parent the user may reach:
        another id answers 404, never its name."""
        mapper = self.datamodel.obj.__mapper__
        for name in exclude_cols:
            if name not in mapper.relationships or not hasattr(form, name):
                continue
            target = mapper.relationships[name].mapper.class_
            raw = self._filters.get_filter_value(name)
            if isinstance(raw, list | tuple):  # FAB keeps a filter's values as a list
                raw = raw[0] if len(raw) == 1 else None
            pk = int(raw) if isinstance(raw, str) and raw.isdigit() else raw
            obj = db.session.scalar(scoped(select(target), target).where(target.id == pk)) \
                if isinstance(pk, int) and 0 < pk < 2**31 else None
            if obj is None:
                abort(404)
            getattr(form, name).data = obj

    def add_defaults(self) -> dict:
        """What a new record starts with, by field (a view's own: the logged-in staff
        member as the one who did it, today…)."""
        return {}

    def _prefill_add(self, form, exclude_cols) -> None:
        """Defaults, then what the link that opened the form says (``?scope=credit_query``
        from the submission checklist), each read as the field reads typed input."""
        for name, value in self.add_defaults().items():
            if name in form._fields and name not in exclude_cols and value is not None:
                form[name].data = value
        for name, value in request.args.items():
            if name in form._fields and name not in exclude_cols and \
                    not name.startswith("_") and name not in KEPT:
                form[name].process(MultiDict([(name, value)]))
                form[name].errors = []

    # -- edit -------------------------------------------------------------------------------
    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        item = self.scoped_item(pk)  # 404 when out of reach
        lock = edit_lock(item)
        if not lock.can_edit:
            return self._refused_page(lock.reason, pk)
        widgets = self._edit(pk)
        if not widgets:
            return self.post_edit_redirect()
        # No related lists under an edit form: their tabs (kept by FAB's ab_keep_tab.js)
        # opened on the last one chosen on the record's page, hiding the form.
        return make_response(self.render_template(
            self.edit_template, title=self.edit_title, widgets=widgets),
            g.pop("loandesk_form_status", 200))

    def _edit(self, pk):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        lock = edit_lock(item)
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            for field in form:
                # A field shown disabled is not sent: it keeps the stored value (saved
                # unchanged), never empty.
                if field.name not in KEPT and not lock.may_change(field.name) and \
                        field.name not in request.form:
                    field.process(None, data=getattr(item, field.name, None))
                    field.validators = []  # the stored value, not typed: nothing to check
            if form.validate():
                self.process_form(form, False)
                if self._save(form, item, self.pre_update, self.datamodel.edit):
                    self.post_update(item)
                    flash(self.edit_row_message, "success")
                    return None
                item = self.datamodel.get(pk, self._base_filters) or abort(404)
        else:
            form = self.edit_form.refresh(obj=item)
            self.prefill_form(form, pk)
            self.update_redirect()
        self._mark_locked(form, lock, type(item))
        return self._get_edit_widget(form=form, exclude_cols=exclude_cols)

    def _save(self, form, item, judge, store) -> bool:
        """Fill ``item`` from the form, judge it (pre_add / pre_update) and store it; False
        when refused: nothing kept, the reason shown on the form as typed.

        Judged before anything is written: a query made while filling the record in
        (loading a relation's old value) must not flush the typed changes first, or their
        history — what check_edit reads — is gone."""
        try:
            with db.session.no_autoflush:
                form.populate_obj(item)
                judge(item)
            store(item)
        except Refused as refused:  # a save the user may not make, a lock, a stale copy
            db.session.rollback()
            self._show_refusal(form, refused)
            return False
        return True

    def _mark_locked(self, form, lock, model) -> None:
        """Fields the user may not change are shown disabled.  Why: once above the form
        when the record's state locks them, beside the field when a right is missing."""
        banner, open_fields = None, []
        for field in form:
            if field.name in KEPT:
                continue
            if lock.may_change(field.name):
                open_fields.append(str(field.label.text))
                continue
            field.render_kw = {**(field.render_kw or {}), "disabled": "disabled"}
            reason, by_state = lock.field_reason(model, field.name)
            if by_state:
                banner = reason
            elif reason:
                field.description = reason
        if banner and request.method == "GET":
            if open_fields:  # the state locks most of it, not all: say what is still open
                banner = gettext("%(reason)s Only these can still be changed: %(fields)s.",
                                 reason=banner, fields="、".join(open_fields))
            flash(banner, "warning")

    def _show_refusal(self, form, refused: Refused) -> None:
        """The reason beside its field when it names one on the form, and above it; the
        reasons per field beside theirs (above the form those it lacks); the form keeps
        what was typed.  A lock refusal answers 409."""
        for name, messages in refused.errors.items():
            target = form._fields.get(name)
            if target is not None:
                target.errors = [*target.errors, *messages]
            else:
                flash(" ".join(messages), "danger")
        if refused.message is not None:
            if refused.field is not None and refused.field in form._fields:
                form[refused.field].errors = [*form[refused.field].errors, refused.message]
            flash_refusal(refused)
        if isinstance(refused, EditLocked):
            g.loandesk_form_status = 409

    # -- delete -----------------------------------------------------------------------------
    @expose("/delete/<pk>", methods=["POST"])
    @has_access
    def delete(self, pk):
        """Deletes change data, so they are POST only (FAB's own route also takes GET), and
        a record its state protects is never deleted."""
        pk = self._deserialize_pk_if_composite(pk)
        item = self.scoped_item(pk)  # out of scope: 404
        reason = delete_refusal(item)
        if reason is not None:
            return self._refused_page(reason, pk)
        self._delete(pk)
        return self.post_delete_redirect()

    # -- the record's page: its edit button -------------------------------------------------
    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        widgets = super()._get_show_widget(pk, item, widgets=widgets, actions=actions,
                                           show_fieldsets=show_fieldsets)
        widget = widgets["show"]
        widget.template = "loandesk/widgets/show.html"
        editable = "edit" not in self.exclude_route_methods and \
            self.appbuilder.sm.has_access("can_write", self.class_permission_name) and \
            edit_lock(item).can_edit
        widget.template_args["edit_url"] = f"{self.route_base}/edit/{pk}" if editable \
            else None
        return widgets

    # -- the list's icons -------------------------------------------------------------------
    def _get_list_widget(self, *args, **kwargs):
        widgets = super()._get_list_widget(*args, **kwargs)
        widget = widgets["list"]
        widget.template = self.list_widget_template
        pks = list(widget.template_args.get("pks") or [])
        model = self.datamodel.obj
        widget.template_args["editable_pks"] = editable_ids(model, pks) \
            if "edit" not in self.exclude_route_methods else set()
        records = {pk: self.datamodel.session.get(model, pk) for pk in pks}  # loaded: no query
        widget.template_args["deletable_pks"] = {
            pk for pk, record in records.items()
            if record is not None and delete_refusal(record, referrers=False) is None} \
            if "delete" not in self.exclude_route_methods else set()
        widget.template_args["row_names"] = {pk: str(r) for pk, r in records.items()}
        widget.template_args["entity_label"] = str(self.entity or "")
        return widgets

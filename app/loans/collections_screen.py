"""The collectors' work list (催收工作台): installments due soon or overdue, of the customers
the user reaches; a call's outcome is recorded as a follow-up on the customer."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.domain.allocation import bucket
from app.domain.validators import mask_phone
from app.extensions import db
from app.models import FollowUp, Installment, Loan
from app.models.enums import ContactMethod, ContactOutcome, InstallmentState, LoanState
from app.scoping import current_scope, scoped
from app.sensitive import masked

from . import business_today

BUCKET_LABELS = {"current": _l("Current"), "1-30": _l("1–30 days (M1)"),
                 "31-60": _l("31–60 days (M2)"), "61-90": _l("61–90 days (M3)"),
                 "90+": _l("Over 90 days (M3+)")}


def bucket_label(days: int) -> str:
    return str(BUCKET_LABELS[bucket(days)])


class CollectionsView(BaseView):
    """催收工作台: installments due within a week or overdue, of the customers the user
    reaches; a call's outcome is recorded as a follow-up on the customer."""

    route_base = "/collections"
    class_permission_name = "Collections"
    method_permission_name = {"index": "read", "contact": "write"}
    default_view = "index"
    PAGE = 50

    @expose("/")
    @has_access
    def index(self):
        return self._render(request.args)

    def _render(self, args, sent_for: int | None = None, sent: dict | None = None,
                errors: list | None = None):
        """The work list; after a refused contact, that row's form as typed with why."""
        today = business_today()
        days = args.get("days", "7")
        days = int(days) if days.isdigit() and int(days) <= 60 else 7
        show = args.get("show", "all")
        page = args.get("page", "0")
        page = int(page) if page.isdigit() and int(page) < 10_000 else 0
        condition = [Installment.state.in_((InstallmentState.DUE, InstallmentState.PARTIAL,
                                          InstallmentState.OVERDUE)),
                     Loan.state.in_((LoanState.ACTIVE, LoanState.OVERDUE))]
        if show == "overdue":
            condition.append(Installment.state == InstallmentState.OVERDUE)
        elif show == "soon":
            condition += [Installment.due_date >= today,
                          Installment.due_date <= today + dt.timedelta(days=days)]
        else:
            condition.append(Installment.due_date <= today + dt.timedelta(days=days))
        query = scoped(select(Installment, Loan).join(Loan, Loan.id == Installment.loan_id),
                       Loan).where(*condition)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = db.session.execute(query.options(joinedload(Loan.customer)).order_by(Installment.days_past_due.desc(),
                                                 Installment.due_date, Installment.id)
                                  .offset(page * self.PAGE).limit(self.PAGE)).all()
        ids = [i.id for i, _loan in rows]
        last = {}
        if ids:
            for f in db.session.scalars(select(FollowUp).where(
                    FollowUp.installment_id.in_(ids)).order_by(FollowUp.happened_at)):
                last[f.installment_id] = f
        return self.render_template(
            "loandesk/collections.html", rows=rows, last=last, total=total, page=page,
            pages=(total + self.PAGE - 1) // self.PAGE, days=days, show=show, today=today,
            outcomes=[(o.value, o.label) for o in ContactOutcome],
            methods=[(m.value, m.label) for m in ContactMethod],
            can_contact=self.appbuilder.sm.has_access("can_write", "Collections"),
            masked_phone=lambda c: masked(mask_phone, c.phone),
            outcome_labels={o.value: o.label for o in ContactOutcome},
            bucket_label=bucket_label, title=_l("Due soon / overdue"),
            sent_for=sent_for, sent=sent or {}, sent_errors=errors or [])

    @expose("/contact/<int:installment_id>", methods=["POST"])
    @has_access
    def contact(self, installment_id: int):
        row = db.session.execute(scoped(select(Installment, Loan).join(
            Loan, Loan.id == Installment.loan_id), Loan)
            .where(Installment.id == installment_id)).first()
        if row is None:
            abort(404)
        installment, loan = row
        outcome = request.form.get("outcome", "")
        method = request.form.get("method", "phone")
        note = (request.form.get("note") or "").strip()
        errors = []
        if outcome not in {o.value for o in ContactOutcome}:
            errors.append(gettext("Choose the outcome of the contact."))
        if method not in {m.value for m in ContactMethod}:
            errors.append(gettext("Choose how the customer was contacted."))
        if len(note) > 2000:
            errors.append(gettext("The note is too long (at most 2000 characters)."))
        next_date = None
        if request.form.get("next_date"):
            try:
                next_date = dt.date.fromisoformat(request.form["next_date"])
            except ValueError:
                errors.append(gettext("Enter a real date as YYYY-MM-DD."))
        if errors:  # the list again, this row's form as typed and the reasons under it
            return self._render(request.form, installment.id, dict(request.form), errors)
        else:
            db.session.add(FollowUp(
                customer_id=loan.customer_id, staff=current_scope().staff, method=method,
                outcome=outcome, installment_id=installment.id, next_date=next_date,
                note=note or str(ContactOutcome(outcome).label)))
            db.session.commit()
            flash(gettext("Contact recorded."), "success")
        return redirect(request.referrer if request.referrer and
                        request.referrer.startswith(request.host_url)
                        else url_for("CollectionsView.index"))

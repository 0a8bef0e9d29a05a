"""The screens' side of the loan actions: the loan page (balances, disbursement, repayment,
write-off), reversing a repayment, service fee receipt and refund, commission batches, and
the collectors' "due soon / overdue" work list."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.contracts.views import loan_contracts
from app.domain.allocation import bucket
from app.domain.validators import mask_phone
from app.extensions import db
from app.models import FollowUp, Installment, Loan, Repayment
from app.models.enums import ContactMethod, ContactOutcome, PrepaymentMode
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope, scoped
from app.sensitive import masked

from . import business_today, income, service
from .service import PAYMENT_CHANNELS, LoanRefused


def _flash_refusal(refused: LoanRefused) -> None:
    details = "; ".join(m for ms in refused.errors.values() for m in ms)
    flash(f"{refused} {details}".strip(), "danger")


def _form() -> dict:
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


class LoanActionsMixin:
    show_template = "loandesk/loan_show.html"
    method_permission_name = {**MODEL_VIEW_METHODS, "disburse": "write",
                              "repay": "read",  # and can write on Repayment
                              "write_off": "write"}

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self.render_show(self._deserialize_pk_if_composite(pk))

    def render_show(self, pk, form: str | None = None, sent: dict | None = None,
                    refused: LoanRefused | None = None):
        """The loan's page; after a refused action, with its form as typed, the message
        above it and each reason beside its field."""
        widgets = self._show(pk)  # 404 when out of scope
        loan = self.scoped_item(pk)
        sm = self.appbuilder.sm
        repayments = db.session.scalars(select(Repayment).where(Repayment.loan_id == loan.id)
                                        .order_by(Repayment.paid_on, Repayment.id)).all()
        reversed_ids = {r.reversal_of_id for r in repayments if r.reversal_of_id}
        if refused is not None:
            flash(str(refused), "danger")
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, loan=loan,
            balances=service.balances(loan), due=service.due_now(loan),
            today=business_today(), repayments=repayments, reversed_ids=reversed_ids,
            loan_contracts=loan_contracts(loan),
            can_loan=sm.has_access("can_write", "Loan"),
            can_repay=sm.has_access("can_write", "Repayment"),
            channels=[(code, gettext(label)) for code, label in PAYMENT_CHANNELS.items()],
            prepayments=[(m.value, m.label) for m in PrepaymentMode],
            bucket_label=bucket_label, sent_form=form, sent=sent or {},
            sent_errors=refused.errors if refused is not None else {})

    def _back(self, pk):
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/disburse/<pk>", methods=["POST"])
    @has_access
    def disburse(self, pk):
        loan = self.scoped_item(pk)
        try:
            service.disburse(loan, _form())
        except LoanRefused as refused:
            return self.render_show(loan.id, "disburse", _form(), refused)
        flash(gettext("Disbursed: the repayment schedule is stored."), "success")
        return self._back(pk)

    @expose("/repay/<pk>", methods=["POST"])
    @has_access
    def repay(self, pk):
        if not self.appbuilder.sm.has_access("can_write", "Repayment"):
            abort(403)
        loan = self.scoped_item(pk)
        data = _form()
        data.setdefault("idempotency_key", None)
        try:
            rep, created = service.post_repayment(loan, data, current_scope().staff)
        except LoanRefused as refused:
            return self.render_show(loan.id, "repay", _form(), refused)
        flash(gettext("Repayment of %(amount)s posted.", amount=f"¥{rep.amount:,.2f}")
              if created else gettext("This payment was already posted; nothing was "
                                      "added."), "success" if created else "info")
        return self._back(pk)

    @expose("/write_off/<pk>", methods=["POST"])
    @has_access
    def write_off(self, pk):
        loan = self.scoped_item(pk)
        try:
            service.write_off(loan, request.form.get("reason"))
        except LoanRefused as refused:
            return self.render_show(loan.id, "write_off", _form(), refused)
        flash(gettext("The loan is written off."), "success")
        return self._back(pk)


class RepaymentActionsMixin:
    method_permission_name = {**MODEL_VIEW_METHODS, "reverse": "write"}

    @expose("/reverse/<pk>", methods=["POST"])
    @has_access
    def reverse(self, pk):
        rep = self.scoped_item(pk)
        loan_id = rep.loan_id
        try:
            service.reverse(rep, request.form.get("reason"))
        except LoanRefused as refused:
            # The loan's page again, the reversal's reason kept beside its repayment.
            loans = next(v for v in self.appbuilder.baseviews if type(v).__name__ == "LoanView")
            return loans.render_show(loan_id, f"reverse-{rep.id}", _form(), refused)
        flash(gettext("The repayment is reversed and the loan's allocation replayed."),
              "success")
        return redirect(url_for("LoanView.show", pk=loan_id))


class ServiceFeeActionsMixin:
    method_permission_name = {**MODEL_VIEW_METHODS, "fee_action": "write"}
    show_template = "loandesk/fee_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_fee(self._deserialize_pk_if_composite(pk))

    def _render_fee(self, pk, sent: dict | None = None, refused: LoanRefused | None = None):
        widgets = self._show(pk)
        fee = self.scoped_item(pk)
        if refused is not None:
            flash(str(refused), "danger")
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, fee=fee, today=business_today(),
            can_write=self.appbuilder.sm.has_access("can_write", "ServiceFee"),
            sent=sent or {}, sent_errors=refused.errors if refused is not None else {})

    @expose("/fee_action/<pk>", methods=["POST"])
    @has_access
    def fee_action(self, pk):
        fee = self.scoped_item(pk)
        try:
            if request.form.get("action") == "receive":
                income.receive_fee(fee, _form())
            elif request.form.get("action") == "refund":
                income.refund_fee(fee, _form())
            else:
                abort(400)
        except LoanRefused as refused:  # the form again, as typed, the reason beside it
            return self._render_fee(fee.id, _form(), refused)
        flash(gettext("Service fee updated."), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))


class CommissionBatchActionsMixin:
    method_permission_name = {**MODEL_VIEW_METHODS, "gather": "write", "confirm": "write"}
    list_template = "loandesk/batch_list.html"
    show_template = "loandesk/batch_show.html"

    @expose("/list/")
    @has_access
    def list(self):
        widgets = self._list()
        return self.render_template(
            self.list_template, title=self.list_title, widgets=widgets,
            today=business_today(),
            can_write=self.appbuilder.sm.has_access("can_write", "Commission"))

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        widgets = self._show(pk)
        batch = self.scoped_item(pk)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, batch=batch, today=business_today(),
            can_write=self.appbuilder.sm.has_access("can_write", "Commission"))

    @expose("/gather/", methods=["POST"])
    @has_access
    def gather(self):
        try:
            batch = income.create_batch(request.form.get("payable_until"),
                                         current_scope().staff)
        except LoanRefused as refused:
            flash(str(refused), "danger")
            widgets = self._list()
            return self.render_template(
                self.list_template, title=self.list_title, widgets=widgets,
                today=business_today(), sent=_form(), sent_errors=refused.errors,
                can_write=self.appbuilder.sm.has_access("can_write", "Commission"))
        return redirect(url_for(f"{type(self).__name__}.show", pk=batch.id))

    @expose("/confirm/<pk>", methods=["POST"])
    @has_access
    def confirm(self, pk):
        batch = self.scoped_item(pk)
        try:
            income.confirm_batch(batch, request.form.get("paid_on"), current_scope().staff)
        except LoanRefused as refused:
            flash(str(refused), "danger")
            widgets = self._show(batch.id)
            return self.render_template(
                self.show_template, pk=batch.id, title=self.show_title, widgets=widgets,
                related_views=self._related_views, batch=batch, today=business_today(),
                sent=_form(), sent_errors=refused.errors,
                can_write=self.appbuilder.sm.has_access("can_write", "Commission"))
        flash(gettext("Batch %(number)s confirmed as paid.", number=batch.number), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))


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
        condition = [Installment.state.in_(("due", "partial", "overdue")),
                     Loan.state.in_(("active", "overdue"))]
        if show == "overdue":
            condition.append(Installment.state == "overdue")
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

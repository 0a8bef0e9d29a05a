"""The application page's review panel: score explanation, product matching and the moves
(submit, withdraw, approve, reject, return) a user may make from where the application is."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from sqlalchemy import select

from app.domain.schedule import Method
from app.extensions import db
from app.loans.service import LoanRefused, book
from app.models import Loan, LoanProduct
from app.models.enums import RepaymentMethod
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope

from .api import assessment_json
from .matching import matches
from .scoring import assess
from .transitions import REJECT_REASONS, TransitionRefused, transition


class ApplicationReviewMixin:
    show_template = "loandesk/application_show.html"
    method_permission_name = {**MODEL_VIEW_METHODS, "review_move": "read",
                              "rescore": "review", "choose_product": "write",
                              "book_loan": "read"}  # and can write on Loan

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)  # 404 when out of scope
        item = self.scoped_item(pk)
        sm = self.appbuilder.sm
        latest = max(item.assessments, key=lambda a: a.id, default=None)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            related_views=self._related_views, application=item,
            assessment=assessment_json(latest) if latest else None,
            products=matches(item, latest.grade if latest else None),
            can_write=sm.has_access("can_write", "Application"),
            can_review=sm.has_access("can_review", "Application"),
            can_book=sm.has_access("can_write", "Loan"),
            loan=db.session.scalar(select(Loan).where(Loan.application_id == item.id)),
            reject_reasons=REJECT_REASONS,
            methods=[(m.value, RepaymentMethod(m.value).label) for m in Method])

    @expose("/review_move/<pk>", methods=["POST"])
    @has_access
    def review_move(self, pk):
        item = self.scoped_item(pk)
        data = {k: v for k, v in request.form.items() if k != "csrf_token"}
        if data.get("annual_rate_pct"):
            from decimal import Decimal, InvalidOperation

            try:
                data["annual_rate"] = str(Decimal(data.pop("annual_rate_pct")) / 100)
            except InvalidOperation:
                data["annual_rate"] = "x"
        try:
            transition(item, data.get("to", ""), data)
        except TransitionRefused as refused:
            details = "; ".join(m for ms in refused.errors.values() for m in ms)
            flash(f"{refused} {details}".strip(), "danger")
        else:
            flash(gettext("The application is now: %(state)s.",
                          state=str(self.formatters_columns["state"](item.state))), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/book_loan/<pk>", methods=["POST"])
    @has_access
    def book_loan(self, pk):
        """Book the loan on the approved terms (the service fee is charged by the product's
        rule); contracts and the disbursement follow on the loan's page."""
        if not self.appbuilder.sm.has_access("can_write", "Loan"):
            abort(403)
        item = self.scoped_item(pk)
        try:
            loan = book(item)
        except LoanRefused as refused:
            flash(str(refused), "danger")
            return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        flash(gettext("Loan %(number)s booked.", number=loan.number), "success")
        return redirect(url_for("LoanView.show", pk=loan.id))

    @expose("/rescore/<pk>", methods=["POST"])
    @has_access
    def rescore(self, pk):
        item = self.scoped_item(pk)
        assess(item, assessed_by=current_scope().staff)
        db.session.commit()
        flash(gettext("Scored again."), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

    @expose("/choose_product/<pk>", methods=["POST"])
    @has_access
    def choose_product(self, pk):
        item = self.scoped_item(pk)
        if item.state != "draft":
            flash(gettext("The product can only be changed while the application is a "
                          "draft."), "danger")
        else:
            product = db.session.scalar(select(LoanProduct).where(
                LoanProduct.id == request.form.get("product_id", type=int),
                LoanProduct.active.is_(True)))
            if product is None:
                abort(404)
            item.product = product
            db.session.commit()
            flash(gettext("Product chosen: %(name)s.", name=product.name), "success")
        return redirect(url_for(f"{type(self).__name__}.show", pk=pk))

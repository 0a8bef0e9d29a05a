"""The public pool screen: unowned customers of one's branch, and the claim button."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import func, select

from app.customers.pool import claim, claims_today
from app.errors import Refused
from app.extensions import db
from app.firm.settings import firm_setting_int
from app.models import Customer
from app.models.enums import CustomerStatus
from app.scoping import current_scope
from app.sensitive import masked
from app.views.refusals import flash_refusal

PAGE = 25


class PoolView(BaseView):
    route_base = "/pool"
    default_view = "pool"
    class_permission_name = "Pool"
    method_permission_name = {"pool": "read", "claim_customer": "claim"}

    def _query(self):
        scope = current_scope()
        query = select(Customer).where(Customer.owner_id.is_(None),
                                       Customer.status != CustomerStatus.BLACKLISTED)
        if not scope.unrestricted:
            if scope.staff is None:
                return None
            query = query.where(Customer.branch_id == scope.staff.branch_id)
        return query

    @expose("/")
    @has_access
    def pool(self):
        query = self._query()
        if query is None:
            abort(404)
        page = max(request.args.get("page", 1, type=int), 1)
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        rows = db.session.scalars(query.order_by(Customer.id.desc())
                                  .offset((page - 1) * PAGE).limit(PAGE)).all()
        phone_mask = Customer.__mapper__.columns["phone"].info["mask"]
        user_id = self.appbuilder.sm.current_user.id
        return self.render_template(
            "loandesk/pool.html", rows=rows, total=total, page=page, pages=(total - 1) // PAGE
            + 1, masked_phone=lambda c: masked(phone_mask, c.phone),
            claimed=claims_today(user_id), limit=firm_setting_int("pool.daily_claim_limit", 10),
            can_claim=self.appbuilder.sm.has_access("can_claim", "Pool"))

    @expose("/claim/<int:pk>", methods=["POST"])
    @has_access
    def claim_customer(self, pk: int):
        query = self._query()
        customer = db.session.scalar(query.where(Customer.id == pk)) if query is not None \
            else None
        if customer is None:
            abort(404)
        staff = current_scope().staff
        if staff is None:
            abort(403)
        try:
            claim(customer, staff, self.appbuilder.sm.current_user.id)
        except Refused as refused:
            db.session.rollback()
            flash_refusal(refused)
            return redirect(url_for("PoolView.pool"))
        flash(gettext("%(name)s is now your customer.", name=customer.name), "success")
        return redirect(url_for("CustomerView.show", pk=customer.id))

"""Customers on the REST API: ``/api/v1/customers`` (CRUD with the identity checks of the
forms) and the audited unmasking of a customer's sensitive fields."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from app.api.base import LoanDeskRestApi, SQLAInterface
from app.extensions import db
from app.models import Customer
from app.permissions import MODEL_API_METHODS, refuse
from app.sensitive import unmask

from .identity import identity_errors, normalise_identity


class CustomerApi(LoanDeskRestApi):
    """Customers (borrowers), persons or enterprises."""

    resource_name = "customers"
    method_permission_name = {**MODEL_API_METHODS, "sensitive": "view_sensitive"}

    def prepare_item(self, item, creating: bool) -> None:
        self._check_identity(item, creating=creating)

    def _check_identity(self, item, creating: bool) -> None:
        normalise_identity(item)
        errors = identity_errors(item.kind, item.id_number, item.credit_code, item.phone,
                                 own_id=None if creating else item.id, creating=creating,
                                 birth_date=item.birth_date, gender=item.gender)
        if errors:
            refuse(item, creating=creating, reason=errors)

    @expose("/<int:pk>/sensitive", methods=["POST"])
    @protect()
    @safe
    def sensitive(self, pk):
        """Unmask a customer's sensitive fields for a stated purpose (audited).
        ---
        post:
          summary: The clear ID number, phone and bank card; the look is audited
          parameters:
          - in: path
            name: pk
            schema: {type: integer}
            required: true
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [purpose]
                  properties:
                    purpose: {type: string}
          responses:
            200:
              description: The clear values
              content:
                application/json:
                  schema: {type: object}
            400:
              $ref: '#/components/responses/400'
            404:
              $ref: '#/components/responses/404'
        """
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        body = request.get_json(silent=True)
        purpose = body.get("purpose") if isinstance(body, dict) else None
        if not isinstance(purpose, str) or len(purpose.strip()) < 2:
            return self.response_400(message=gettext("State why you need to see this data."))
        values = unmask(item, purpose.strip()[:200])
        db.session.commit()
        return self.response(200, result=values)
    datamodel = SQLAInterface(Customer)
    list_columns = ["id", "kind", "name", "phone", "city", "status", "channel_id", "owner_id",
                    "branch_id", "created_at"]
    show_columns = list_columns + [
        "id_number", "credit_code", "bank_name", "bank_card", "email", "gender", "birth_date", "address", "employer",
        "occupation", "monthly_income", "monthly_debt_payment", "years_employed",
        "has_property", "has_car", "social_insurance_months", "housing_fund_months",
        "has_insurance_policy", "has_business_licence", "business_age_years",
        "credit_report_status", "overdue_count_24m", "inquiries_6m", "existing_loans",
        "blacklist_reason", "note", "updated_at"]
    add_columns = edit_columns = [
        "kind", "name", "id_number", "credit_code", "phone", "bank_name", "bank_card", "email", "gender", "birth_date",
        "city", "address", "employer", "occupation", "monthly_income", "monthly_debt_payment",
        "years_employed", "has_property", "has_car", "social_insurance_months",
        "housing_fund_months", "has_insurance_policy", "has_business_licence",
        "business_age_years", "credit_report_status", "overdue_count_24m", "inquiries_6m",
        "existing_loans", "status", "note"]
    search_columns = ["name", "phone", "kind", "status", "city"]
    order_columns = ["id", "name", "created_at"]
    base_order = ("id", "desc")

"""REST resources for the main entities (FAB ModelRestApi: list, get, post, put, delete, _info).

Each resource is documented by FAB's OpenAPI generator at ``/api/v1/_openapi``; what they all
share is ``LoanDeskRestApi`` (app/api/base.py).
"""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_babel import gettext

from app.views.datamodel import ModelInterface

from ..contracts.service import ContractRefused, create_draft
from ..contracts.views import pdf_response
from ..extensions import db
from ..intake.api import ApplicationActions
from ..intake.applications import prepare
from ..intake.identity import identity_errors, normalise_identity
from ..loans.api import LoanActions, RepaymentActions
from ..models import (
    Application,
    Channel,
    Contract,
    Customer,
    Funder,
    Installment,
    Loan,
    LoanProduct,
    Repayment,
)
from ..permissions import MODEL_API_METHODS, refuse
from ..sensitive import unmask
from .base import LoanDeskRestApi
from .openapi import MONEY


class SQLAInterface(ModelInterface):
    """The API's data interface: its filters on moments take UTC, as the API sends them."""

    filter_converter_class = SQLAFilterConverter


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


class ApplicationApi(ApplicationActions, LoanDeskRestApi):
    """Loan applications (进件)."""

    resource_name = "applications"
    method_permission_name = {**MODEL_API_METHODS, "score": "review", "matches": "read",
                              "transition": "read"}  # each move checks its own right
    datamodel = SQLAInterface(Application)
    list_columns = ["id", "number", "customer_id", "product_id", "channel_id", "amount",
                    "months", "method", "purpose", "state", "owner_id", "reviewer_id",
                    "submitted_at", "decided_at", "created_at"]
    show_columns = list_columns + ["note", "branch_id", "team_id", "updated_at"]
    add_columns = ["customer", "product", "channel", "amount", "months", "method", "purpose",
                   "note"]

    def prepare_item(self, item, creating: bool) -> None:
        prepare(item, creating=creating)
    edit_columns = ["product", "channel", "amount", "months", "method", "purpose", "note"]
    search_columns = ["number", "state", "customer", "product", "created_at"]
    order_columns = ["id", "number", "created_at", "amount"]
    base_order = ("id", "desc")


class LoanApi(LoanActions, LoanDeskRestApi):
    """Loans, with their state and outstanding balances.  Loans are booked from approved
    applications, never typed in: no POST or DELETE here."""

    resource_name = "loans"
    method_permission_name = {**MODEL_API_METHODS, "contracts": "write",
                              "repayments": "read",  # and can write on Repayment
                              "disbursement": "write"}
    include_route_methods = {"get", "get_list", "info", "put", "contracts", "repayments",
                             "disbursement"}

    @expose("/<int:pk>/contracts", methods=["POST"])
    @protect()
    @safe
    def contracts(self, pk):
        """Generate a contract draft for the loan.
        ---
        post:
          summary: '{"kind": "loan" | "service" | "credit_authorization"} → id and number'
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: object, properties: {kind: {type: string}}}
          responses:
            201: {description: The draft, content: {application/json: {schema: {type: object}}}}
            400: {$ref: '#/components/responses/400'}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        if not self.appbuilder.sm.has_access("can_write", "Contract"):
            return self.response_403()
        loan = self.datamodel.get(pk, self._base_filters)
        if loan is None:
            return self.response_404()
        body = request.get_json(silent=True)
        kind = body.get("kind") if isinstance(body, dict) else None
        try:
            contract = create_draft(loan, kind if isinstance(kind, str) else "")
        except ContractRefused as refused:
            db.session.rollback()
            return self.response_400(message=str(refused))
        return self.response(201, id=contract.id, number=contract.number,
                             state=contract.state)
    datamodel = SQLAInterface(Loan)
    list_columns = ["id", "number", "customer_id", "product_id", "funder_id", "principal",
                    "annual_rate", "apr", "months", "method", "state", "disbursed_on",
                    "outstanding_principal", "days_past_due"]
    show_columns = list_columns + [
        "application_id", "day_count", "grace_months", "overdue_rate", "start_date",
        "first_due_date", "disbursed_amount", "funder_reference", "customer_credit",
        "settled_on", "created_at"]
    edit_columns = ["funder_reference"]
    # What LoanActions.pre_get adds to GET /loans/<id> beside the columns (app/loans/api.py).
    openapi_show_properties = {
        "bucket": {"type": "string", "example": "1-30"},  # app.domain.allocation.bucket
        **dict.fromkeys(("outstanding_interest", "outstanding_fee", "outstanding_penalty",
                         "scheduled_interest_remaining", "payoff_amount"), MONEY)}
    search_columns = ["number", "state", "customer", "funder", "product", "disbursed_on"]
    order_columns = ["id", "number", "disbursed_on", "principal"]
    base_order = ("id", "desc")


class InstallmentApi(LoanDeskRestApi):
    """Installments of loans' repayment schedules (read-only)."""

    resource_name = "installments"
    datamodel = SQLAInterface(Installment)
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = [
        "id", "loan_id", "n", "due_date", "principal", "interest", "fee", "penalty",
        "paid_principal", "paid_interest", "paid_fee", "paid_penalty", "state",
        "days_past_due", "paid_on"]
    search_columns = ["loan", "state", "due_date"]
    order_columns = ["id", "due_date", "n"]
    base_order = ("due_date", "asc")


class RepaymentApi(RepaymentActions, LoanDeskRestApi):
    """Repayments received (posted through the loan, corrected by reversal, never edited)."""

    resource_name = "repayments"
    method_permission_name = {**MODEL_API_METHODS, "reverse": "write"}
    datamodel = SQLAInterface(Repayment)
    include_route_methods = {"get", "get_list", "info", "reverse"}
    list_columns = show_columns = ["id", "loan_id", "paid_on", "amount", "channel",
                                   "reference", "idempotency_key", "prepayment",
                                   "reversal_of_id", "reason", "created_at"]
    search_columns = ["loan", "paid_on", "reference"]
    order_columns = ["id", "paid_on"]
    base_order = ("id", "desc")


class ContractApi(LoanDeskRestApi):
    """Contracts (read-only here; generated from loans)."""

    resource_name = "contracts"
    method_permission_name = {**MODEL_API_METHODS, "pdf": "read"}

    @expose("/<int:pk>/pdf", methods=["GET"])
    @protect()
    @safe
    def pdf(self, pk):
        """The contract as PDF (an issued contract's frozen file).
        ---
        get:
          summary: The PDF
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          responses:
            200: {description: The PDF, content: {application/pdf: {schema: {type: string, format: binary}}}}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        contract = self.datamodel.get(pk, self._base_filters)
        if contract is None:
            return self.response_404()
        try:
            response = pdf_response(contract, self.appbuilder.sm,
                                    english=request.args.get("lang") == "en")
        except ContractRefused as refused:
            return self.response(409, message=str(refused))
        return response if response is not None else self.response_403()
    datamodel = SQLAInterface(Contract)
    include_route_methods = {"get", "get_list", "info", "pdf"}
    list_columns = show_columns = ["id", "number", "kind", "version", "state", "customer_id",
                                   "loan_id", "application_id", "sha256", "issued_at",
                                   "signed_at", "created_at"]
    search_columns = ["number", "kind", "state"]
    order_columns = ["id", "number", "created_at"]
    base_order = ("id", "desc")


class FunderApi(LoanDeskRestApi):
    """Funders (资金方)."""

    resource_name = "funders"
    datamodel = SQLAInterface(Funder)
    list_columns = show_columns = ["id", "name", "kind", "licence_no", "contact_name", "phone",
                                   "active"]
    add_columns = edit_columns = ["name", "kind", "licence_no", "contact_name", "phone",
                                  "address", "active"]
    search_columns = ["name", "kind", "active"]
    order_columns = ["id", "name"]


class ProductApi(LoanDeskRestApi):
    """Loan products offered by funders."""

    resource_name = "products"
    datamodel = SQLAInterface(LoanProduct)
    list_columns = show_columns = [
        "id", "code", "name", "funder_id", "min_amount", "max_amount", "min_months",
        "max_months", "min_rate", "max_rate", "day_count", "service_fee_rate",
        "service_fee_fixed", "fee_due", "overdue_rate", "active"]
    add_columns = edit_columns = [
        "code", "name", "funder", "min_amount", "max_amount", "min_months", "max_months",
        "min_rate", "max_rate", "day_count", "service_fee_rate", "service_fee_fixed",
        "fee_due", "overdue_rate", "active"]
    search_columns = ["code", "name", "funder", "active"]
    order_columns = ["id", "code", "name"]


class ChannelApi(LoanDeskRestApi):
    """Channels: lead sources and agent partners."""

    resource_name = "channels"
    datamodel = SQLAInterface(Channel)
    list_columns = show_columns = ["id", "code", "name", "kind", "commission_basis",
                                   "commission_rate", "settle_days", "active"]
    add_columns = edit_columns = ["code", "name", "kind", "contact_name", "phone",
                                  "commission_basis", "commission_rate", "settle_days",
                                  "clawback_days", "active"]
    search_columns = ["code", "name", "kind", "active"]
    order_columns = ["id", "code", "name"]


RESOURCES = [CustomerApi, ApplicationApi, LoanApi, InstallmentApi, RepaymentApi, ContractApi,
             FunderApi, ProductApi, ChannelApi]

"""Loans on the REST API: ``/api/v1/loans`` (with the balances in ``GET /loans/<id>``,
disbursement, repayments (idempotent) and contract drafts), ``/api/v1/installments``
(read-only) and ``/api/v1/repayments`` (read-only, corrected by reversal).  The actions call
app/loans/service.py, as the loan page does."""

from __future__ import annotations

from decimal import Decimal

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_appbuilder.const import API_RESULT_RES_KEY
from flask_babel import gettext
from sqlalchemy import select

from app.api.base import LoanDeskRestApi, SQLAInterface, answers_refusals
from app.api.openapi import MONEY
from app.contracts.service import create_draft
from app.extensions import db
from app.models import Installment, Loan, Repayment, RepaymentAllocation
from app.permissions import MODEL_API_METHODS
from app.scoping import current_scope

from . import service


def balances_json(loan: Loan) -> dict:
    figures = service.balances(loan)
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in figures.items()}


def repayment_json(rep: Repayment) -> dict:
    allocations = db.session.scalars(select(RepaymentAllocation).where(
        RepaymentAllocation.repayment_id == rep.id).order_by(RepaymentAllocation.id))
    return {
        "id": rep.id, "loan_id": rep.loan_id, "amount": str(rep.amount),
        "paid_on": rep.paid_on.isoformat(), "reference": rep.reference,
        "idempotency_key": rep.idempotency_key, "channel": rep.channel,
        "prepayment": rep.prepayment, "reversal_of_id": rep.reversal_of_id,
        "allocations": [{"installment_id": a.installment_id,
                         "n": a.installment.n if a.installment else None,
                         "part": a.part, "amount": str(a.amount),
                         "applied_on": a.applied_on.isoformat() if a.applied_on else None}
                        for a in allocations],
    }


def _loan_json(loan: Loan) -> dict:
    return {"id": loan.id, "number": loan.number, "state": loan.state, **balances_json(loan)}


def _target(api, pk):
    """(record in the user's reach, JSON object body, None), or (None, None, the response
    refusing them: 404 out of reach, 400 when the body is not a JSON object)."""
    item = api.datamodel.get(pk, api._base_filters)
    if item is None:
        return None, None, api.response_404()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return None, None, api.response_400(
            message=gettext("The request body is not valid JSON."))
    return item, body, None


class LoanApi(LoanDeskRestApi):
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
    @answers_refusals
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
            422: {description: 'Unknown kind, per field', content: {application/json: {schema: {type: object}}}}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        if not self.appbuilder.sm.has_access("can_write", "Contract"):
            return self.response_403()
        loan, body, refused = _target(self, pk)
        if refused is not None:
            return refused
        kind = body.get("kind")
        contract = create_draft(loan, kind if isinstance(kind, str) else "")
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
    # What pre_get (below) adds to GET /loans/<id> beside the columns.
    openapi_show_properties = {
        "bucket": {"type": "string", "example": "1-30"},  # app.domain.allocation.bucket
        **dict.fromkeys(("outstanding_interest", "outstanding_fee", "outstanding_penalty",
                         "scheduled_interest_remaining", "payoff_amount"), MONEY)}
    search_columns = ["number", "state", "customer", "funder", "product", "disbursed_on"]
    order_columns = ["id", "number", "disbursed_on", "principal"]
    base_order = ("id", "desc")

    def pre_get(self, data: dict) -> None:
        loan = db.session.get(Loan, data["id"])
        if loan is not None:
            data[API_RESULT_RES_KEY].update(balances_json(loan))

    @expose("/<int:pk>/repayments", methods=["POST"])
    @protect()
    @safe
    @answers_refusals
    def repayments(self, pk):
        """Post a repayment; the same idempotency key or reference again returns the first
        posting (200) instead of posting twice.
        ---
        post:
          summary: '{"amount", "paid_on", "reference", "idempotency_key"} → the allocation'
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [amount, paid_on]
                  properties:
                    amount: {type: string, example: "1060.00"}
                    paid_on: {type: string, format: date}
                    reference: {type: string, maxLength: 64}
                    idempotency_key: {type: string, maxLength: 64}
                    channel: {type: string, enum: [bank_transfer, card_deduction, wechat, alipay, cash]}
                    prepayment: {type: string, enum: [shorten_term, lower_installment]}
          responses:
            201: {description: Posted, content: {application/json: {schema: {type: object}}}}
            200: {description: Already posted, content: {application/json: {schema: {type: object}}}}
            400: {$ref: '#/components/responses/400'}
            409: {description: Refused in the loan's state, content: {application/json: {schema: {type: object}}}}
            422: {description: 'Invalid input, per field', content: {application/json: {schema: {type: object}}}}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        if not self.appbuilder.sm.has_access("can_write", "Repayment"):
            return self.response_403()
        loan, body, refused = _target(self, pk)
        if refused is not None:
            return refused
        rep, created = service.post_repayment(loan, body, current_scope().staff)
        loan = db.session.get(Loan, loan.id)
        return self.response(201 if created else 200, duplicate=not created,
                             repayment=repayment_json(rep), loan=_loan_json(loan))

    @expose("/<int:pk>/disbursement", methods=["POST"])
    @protect()
    @safe
    @answers_refusals
    def disbursement(self, pk):
        """Record the funder's payout: the loan becomes active with its schedule stored.
        ---
        post:
          summary: '{"disbursed_on", "amount", "funder_reference"} → the loan'
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [disbursed_on, amount, funder_reference]
                  properties:
                    disbursed_on: {type: string, format: date}
                    amount: {type: string}
                    funder_reference: {type: string, maxLength: 64}
                    first_due_date: {type: string, format: date}
          responses:
            200: {description: Disbursed, content: {application/json: {schema: {type: object}}}}
            400: {$ref: '#/components/responses/400'}
            409: {description: Refused in the loan's state, content: {application/json: {schema: {type: object}}}}
            422: {description: 'Invalid input, per field', content: {application/json: {schema: {type: object}}}}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        loan, body, refused = _target(self, pk)
        if refused is not None:
            return refused
        loan = service.disburse(loan, body)
        return self.response(200, **_loan_json(loan))


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


class RepaymentApi(LoanDeskRestApi):
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

    @expose("/<int:pk>/reverse", methods=["POST"])
    @protect()
    @safe
    @answers_refusals
    def reverse(self, pk):
        """Reverse a mistaken repayment (never deleted); the loan's allocation is replayed.
        ---
        post:
          summary: '{"reason": "..."} → the reversing entry'
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [reason]
                  properties:
                    reason: {type: string, maxLength: 500}
          responses:
            201: {description: Reversed, content: {application/json: {schema: {type: object}}}}
            400: {$ref: '#/components/responses/400'}
            409: {description: Refused, content: {application/json: {schema: {type: object}}}}
            422: {description: 'Invalid input, per field', content: {application/json: {schema: {type: object}}}}
            403: {$ref: '#/components/responses/403'}
            404: {$ref: '#/components/responses/404'}
        """
        rep, body, refused = _target(self, pk)
        if refused is not None:
            return refused
        mirror = service.reverse(rep, body.get("reason"))
        return self.response(201, reversal=repayment_json(mirror),
                             loan=_loan_json(db.session.get(Loan, mirror.loan_id)))

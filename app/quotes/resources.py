"""``POST /api/v1/schedule/preview``: price a loan without saving anything."""

from __future__ import annotations

import json
from decimal import Decimal

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.domain import DomainError
from app.domain.cap import cap_error
from app.errors import field_errors
from app.quotes.inputs import parse_terms
from app.quotes.pricing import price, quote_json


class ScheduleApi(BaseApi):
    resource_name = "schedule"
    allow_browser_login = True
    class_permission_name = "Calculator"  # the same right as the calculator page
    method_permission_name = {"preview": "read"}
    openapi_spec_tag = "Schedule"

    @expose("/preview", methods=["POST"])
    @protect()
    @safe
    def preview(self):
        """Preview a repayment schedule with its annualized rate and the legal-cap check.
        ---
        post:
          summary: Price a loan (schedule, IRR-based annualized rate, legal cap); saves nothing
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [principal, annual_rate, months, method, start_date]
                  properties:
                    principal: {type: string, example: "100000.00"}
                    annual_rate: {type: string, example: "0.12", description: "a fraction"}
                    months: {type: integer, example: 12}
                    method:
                      type: string
                      enum: [equal_installment, equal_principal, interest_only, bullet]
                    start_date: {type: string, format: date}
                    first_due_date: {type: string, format: date}
                    repayment_day: {type: integer}
                    grace_months: {type: integer}
                    day_count: {type: string, enum: ["30/360", "actual/360", "actual/365"]}
                    fees:
                      type: array
                      items:
                        type: object
                        properties:
                          kind: {type: string, enum: [upfront, per_installment]}
                          amount: {type: string}
                          rate: {type: string}
                          deducted: {type: boolean}
          responses:
            200:
              description: The schedule, totals, annualized rate and cap check
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      installments: {type: array, items: {type: object}}
                      total_interest: {type: string}
                      total_payment: {type: string}
                      apr: {type: string}
                      effective_annual_rate: {type: string}
                      cap: {type: object}
            400:
              description: Invalid input or a rate above the legal cap, with a message per field
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message: {type: string}
                      errors: {type: object}
            401:
              $ref: '#/components/responses/401'
        """
        try:
            data = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
        except (ValueError, RecursionError):
            return self.response_400(message=gettext("The request body is not valid JSON."))
        try:
            quote = price(parse_terms(data))
        except DomainError as error:
            return self.response(400, message=gettext("Please correct the errors below."),
                                 errors=field_errors(error))
        body = quote_json(quote)
        if quote.cap.exceeds:
            return self.response(400, message=gettext("The quote exceeds the rate cap."),
                                 errors=field_errors(cap_error(quote.cap)), cap=body["cap"],
                                 apr=body["apr"])
        return self.response(200, **body)

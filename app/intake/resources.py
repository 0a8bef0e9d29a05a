"""Applications on the REST API: ``/api/v1/applications`` (CRUD, with the draft rules of
the forms) and scoring, matching and moving them (``/<id>/score``, ``/<id>/matches``,
``/<id>/transition``; the JSON shapes of issue 5)."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from app.api.base import LoanDeskRestApi, SQLAInterface, answers_refusals
from app.extensions import db
from app.models import Application
from app.permissions import MODEL_API_METHODS

from .applications import prepare
from .matching import matches
from .scoring import assess, assessment_json
from .transitions import transition


class ApplicationApi(LoanDeskRestApi):
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

    edit_columns = ["product", "channel", "amount", "months", "method", "purpose", "note"]
    search_columns = ["number", "state", "customer", "product", "created_at"]
    order_columns = ["id", "number", "created_at", "amount"]
    base_order = ("id", "desc")

    def prepare_item(self, item, creating: bool) -> None:
        prepare(item, creating=creating)

    @expose("/<int:pk>/score", methods=["POST"])
    @protect()
    @safe
    def score(self, pk):
        """Score the application on the active scorecard and store the assessment.
        ---
        post:
          summary: Credit score with per-factor points, reasons and hard rules
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          responses:
            200: {description: The assessment, content: {application/json: {schema: {type: object}}}}
            404: {$ref: '#/components/responses/404'}
        """
        application = self.datamodel.get(pk, self._base_filters)
        if application is None:
            return self.response_404()
        assessment = assess(application)
        db.session.commit()
        return self.response(200, **assessment_json(assessment))

    @expose("/<int:pk>/matches", methods=["GET"])
    @protect()
    @safe
    def matches(self, pk):
        """Every active product: eligible or not and why, eligible ones cheapest first.
        ---
        get:
          summary: Product matching with reasons, ranked by the IRR annualized rate
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          responses:
            200: {description: The products, content: {application/json: {schema: {type: object}}}}
            404: {$ref: '#/components/responses/404'}
        """
        application = self.datamodel.get(pk, self._base_filters)
        if application is None:
            return self.response_404()
        latest = max(application.assessments, key=lambda a: a.id, default=None)
        return self.response(200, products=matches(application,
                                                   latest.grade if latest else None))

    @expose("/<int:pk>/transition", methods=["POST"])
    @protect()
    @safe
    @answers_refusals
    def transition(self, pk):
        """Move the application to another state (submit, approve, reject, return, withdraw).
        ---
        post:
          summary: '{"to": "approved", ...} → the new state, or the reason it is refused'
          parameters:
          - {in: path, name: pk, schema: {type: integer}, required: true}
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [to]
                  properties:
                    to: {type: string}
                    amount: {type: string}
                    months: {type: integer}
                    annual_rate: {type: string}
                    method: {type: string}
                    conditions: {type: string}
                    reason_code: {type: string}
                    note: {type: string}
          responses:
            200: {description: The new state, content: {application/json: {schema: {type: object}}}}
            400: {$ref: '#/components/responses/400'}
            403: {description: 'Not allowed: the move needs a right the user lacks, or the application is assigned to another reviewer', content: {application/json: {schema: {type: object}}}}
            409: {description: 'Refused in the application''s state, or the submission checklist is not complete', content: {application/json: {schema: {type: object}}}}
            422: {description: 'The decision refused per field', content: {application/json: {schema: {type: object}}}}
            404: {$ref: '#/components/responses/404'}
        """
        application = self.datamodel.get(pk, self._base_filters)
        if application is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("to"), str):
            return self.response_400(message=gettext('Send {"to": "<state>"} as JSON.'))
        transition(application, body["to"], body)
        return self.response(200, id=application.id, state=application.state,
                             reviewer_id=application.reviewer_id)

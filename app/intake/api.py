"""Scoring, matching and moving applications over the REST API (JSON shapes of issue 5)."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext

from app.extensions import db

from .matching import matches
from .scoring import assess
from .transitions import TransitionRefused, transition


def value_text(factor_code: str, value: str | None) -> str:
    """A factor's value as a person reads it: yes / no for the yes-or-no factors."""
    from app.models.application import factor_value_text

    return str(factor_value_text(factor_code, value))


def assessment_json(assessment) -> dict:
    names = {f.code: f.name for f in assessment.scorecard.factors}
    factors = [{"factor": f.factor_code, "name": names.get(f.factor_code, f.factor_code),
                "value": f.value, "value_text": value_text(f.factor_code, f.value),
                "points": f.points, "reason": f.reason} for f in assessment.factors]
    return {
        "id": assessment.id, "score": assessment.score, "grade": assessment.grade,
        "recommendation": assessment.recommendation,
        "scorecard_version": assessment.scorecard.version,
        # base + the factors' points = the score: the explanation adds up
        "base_score": assessment.scorecard.base_score,
        "factor_points": sum(f["points"] for f in factors),
        "hard_rules": [gettext(r["msgid"], **r["params"]) for r in assessment.hard_rules or []],
        "factors": factors,
    }


class ApplicationActions:
    """Mixed into ApplicationApi: ``/<id>/score``, ``/<id>/matches``, ``/<id>/transition``."""

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
    def transition(self, pk):
        """Move the application to another state (submit, approve, reject, return, withdraw).
        ---
        post:
          summary: '{"to": "approved", ...} → the new state, or 409 with the reason'
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
            409: {description: 'Refused, with the reason', content: {application/json: {schema: {type: object}}}}
            404: {$ref: '#/components/responses/404'}
        """
        application = self.datamodel.get(pk, self._base_filters)
        if application is None:
            return self.response_404()
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("to"), str):
            return self.response_400(message=gettext('Send {"to": "<state>"} as JSON.'))
        try:
            transition(application, body["to"], body)
        except TransitionRefused as refused:
            return self.response(409, message=str(refused), errors=refused.errors)
        return self.response(200, id=application.id, state=application.state,
                             reviewer_id=application.reviewer_id)

"""``GET /api/v1/reports/<name>`` (each report's rows) and ``GET /api/v1/dashboard``."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import gettext

from app.domain import DomainError
from app.errors import field_errors
from app.reports.dashboard import dashboard_data
from app.reports.definitions import REPORTS
from app.reports.export import table_json
from app.reports.filters import parse_filters


class ReportsApi(BaseApi):
    resource_name = "reports"
    allow_browser_login = True
    class_permission_name = "Report"  # the same right as the report pages
    method_permission_name = {"report": "read"}
    openapi_spec_tag = "Reports"

    @expose("/<name>", methods=["GET"])
    @protect()
    @safe
    def report(self, name: str):
        """One report's rows and totals, scoped to the user.
        ---
        get:
          summary: A report (applications, rejections, loans, repayments, risk, vintage,
            income, commissions) grouped by period or dimension
          parameters:
          - {in: path, name: name, required: true, schema: {type: string}}
          - {in: query, name: from, schema: {type: string, format: date}}
          - {in: query, name: to, schema: {type: string, format: date}}
          - in: query
            name: group
            schema:
              type: string
              enum: [day, week, month, branch, team, staff, channel, product, funder]
          - {in: query, name: branch, schema: {type: integer}}
          - {in: query, name: team, schema: {type: integer}}
          - {in: query, name: staff, schema: {type: integer}}
          - {in: query, name: product, schema: {type: integer}}
          - {in: query, name: funder, schema: {type: integer}}
          - {in: query, name: channel, schema: {type: integer}}
          - {in: query, name: dpd, schema: {type: integer, enum: [1, 30, 60, 90]}}
          responses:
            200:
              description: Columns, rows and totals; money and rates as decimal strings
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      report: {type: string}
                      title: {type: string}
                      filters: {type: object}
                      columns: {type: array, items: {type: object}}
                      rows: {type: array, items: {type: object}}
                      totals: {type: object, nullable: true}
            400:
              description: A filter is not valid, with a message per field
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message: {type: string}
                      errors: {type: object}
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
        """
        report = REPORTS.get(name)
        if report is None:
            return self.response_404()
        try:
            filters = parse_filters(request.args, default_range=report.default_range)
        except DomainError as error:
            return self.response(400, message=gettext("Please correct the errors below."),
                                 errors=field_errors(error))
        return self.response(200, **table_json(report, filters, report.run(filters)))


class DashboardApi(BaseApi):
    resource_name = "dashboard"
    allow_browser_login = True
    class_permission_name = "Dashboard"
    method_permission_name = {"data": "read"}
    openapi_spec_tag = "Dashboard"

    @expose("", methods=["GET"])
    @protect()
    @safe
    def data(self):
        """The dashboard's figures, scoped to the user.
        ---
        get:
          summary: Today's and this month's activity, funnel, 12-month trend, product and
            funder mix, channel ranking, delinquency buckets and staff leaderboard
          parameters:
          - {in: query, name: from, schema: {type: string, format: date}}
          - {in: query, name: to, schema: {type: string, format: date}}
          responses:
            200:
              description: The dashboard's data; money and rates as decimal strings
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      from: {type: string, format: date}
                      to: {type: string, format: date}
                      today: {type: object}
                      month: {type: object}
                      funnel: {type: array, items: {type: object}}
                      trend: {type: array, items: {type: object}}
                      products: {type: array, items: {type: object}}
                      funders: {type: array, items: {type: object}}
                      channels: {type: array, items: {type: object}}
                      buckets: {type: array, items: {type: object}}
                      leaderboard: {type: array, items: {type: object}}
            400:
              description: A date is not valid, with a message per field
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
        args = {k: v for k, v in request.args.items() if k in ("from", "to")}
        try:
            filters = parse_filters(args, default_range="month")
        except DomainError as error:
            return self.response(400, message=gettext("Please correct the errors below."),
                                 errors=field_errors(error))
        return self.response(200, **dashboard_data(filters))

"""Contracts on the REST API: ``/api/v1/contracts`` (read-only; drafts are generated from
loans, ``POST /api/v1/loans/<id>/contracts``) and each one's PDF."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe

from app.api.base import LoanDeskRestApi, SQLAInterface, answers_refusals
from app.models import Contract
from app.permissions import MODEL_API_METHODS

from .screens import pdf_response


class ContractApi(LoanDeskRestApi):
    """Contracts (read-only here; generated from loans)."""

    resource_name = "contracts"
    method_permission_name = {**MODEL_API_METHODS, "pdf": "read"}

    @expose("/<int:pk>/pdf", methods=["GET"])
    @protect()
    @safe
    @answers_refusals
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
            409: {description: 'The issued PDF is missing from the file store', content: {application/json: {schema: {type: object}}}}
        """
        contract = self.datamodel.get(pk, self._base_filters)
        if contract is None:
            return self.response_404()
        response = pdf_response(contract, self.appbuilder.sm,
                                english=request.args.get("lang") == "en")
        return response if response is not None else self.response_403()
    datamodel = SQLAInterface(Contract)
    include_route_methods = {"get", "get_list", "info", "pdf"}
    list_columns = show_columns = ["id", "number", "kind", "version", "state", "customer_id",
                                   "loan_id", "application_id", "sha256", "issued_at",
                                   "signed_at", "created_at"]
    search_columns = ["number", "kind", "state"]
    order_columns = ["id", "number", "created_at"]
    base_order = ("id", "desc")

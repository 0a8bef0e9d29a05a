"""The loan calculator (贷款试算): a custom page over the schedule engine.

The form is a GET (it changes nothing), so a result can be bookmarked and the CSV and PDF
exports reuse the same query string.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from flask import Response, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.domain import DomainError
from app.domain.apr import APR_METHOD_NOTE
from app.domain.cap import cap_error
from app.domain.schedule import DayCount, Method
from app.errors import field_errors
from app.models.enums import DayCount as DayCountLabels
from app.models.enums import RepaymentMethod
from app.pdf import render_pdf
from app.quotes.inputs import parse_terms
from app.quotes.pricing import Quote, price

HUNDRED = Decimal(100)


def _percent(text: str | None) -> str | None:
    """Staff type rates as percentages (12 = 12%); the engine takes fractions (0.12)."""
    if text is None or not text.strip():
        return None
    try:
        return str(Decimal(text.strip().rstrip("%")) / HUNDRED)
    except InvalidOperation:
        return text  # left as typed, so the parser names the field


def terms_input(args) -> dict:
    """The calculator's query args as the JSON shape ``parse_terms`` reads."""
    data = {key: args.get(key) or None for key in
            ("principal", "months", "method", "start_date", "first_due_date", "repayment_day",
             "grace_months", "day_count")}
    data["annual_rate"] = _percent(args.get("annual_rate_pct"))
    fees = []
    for kind, prefix in (("upfront", "upfront_fee"), ("per_installment", "monthly_fee")):
        amount = args.get(f"{prefix}_amount") or None
        rate = _percent(args.get(f"{prefix}_pct"))
        if amount or rate:
            fees.append({"kind": kind, "amount": amount, "rate": rate,
                         "deducted": kind == "upfront" and bool(args.get("upfront_deducted"))})
    data["fees"] = fees
    return data


class CalculatorView(BaseView):
    route_base = "/calculator"
    default_view = "calculator"
    class_permission_name = "Calculator"
    method_permission_name = {"calculator": "read", "csv": "read", "pdf": "read"}

    def _quote(self) -> tuple[Quote | None, dict[str, list[str]]]:
        if not request.args.get("principal"):
            return None, {}
        try:
            quote = price(parse_terms(terms_input(request.args)))
        except DomainError as error:
            errors = field_errors(error)
            # Fee errors are reported on the fee inputs the calculator shows.
            if "fees" in errors:
                errors["upfront_fee_amount"] = errors.pop("fees")
            if "annual_rate" in errors:
                errors["annual_rate_pct"] = errors.pop("annual_rate")
            return None, errors
        return quote, {}

    def _page(self, quote: Quote | None, errors: dict, status: int = 200):
        cap_message = None
        if quote is not None and quote.cap.exceeds:
            cap_message = field_errors(cap_error(quote.cap))["annual_rate"][0]
        return self.render_template(
            "loandesk/calculator.html", quote=quote, errors=errors, args=request.args,
            cap_message=cap_message, apr_note=gettext(APR_METHOD_NOTE),
            methods=[(m.value, RepaymentMethod(m.value).label) for m in Method],
            day_counts=[(d.value, DayCountLabels(d.value).label) for d in DayCount],
            query=request.query_string.decode()), status

    @expose("/")
    @has_access
    def calculator(self):
        quote, errors = self._quote()
        return self._page(quote, errors, 400 if errors else 200)

    @expose("/csv")
    @has_access
    def csv(self):
        quote, errors = self._quote()
        if quote is None:
            return self._back_with_errors(errors)
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel reads UTF-8 Chinese only with the BOM
        writer = csv.writer(buf)
        writer.writerow([gettext("No."), gettext("Due date"), gettext("Principal"),
                         gettext("Interest"), gettext("Fee"), gettext("Total"),
                         gettext("Balance")])
        for i in quote.schedule.installments:
            writer.writerow([i.n, i.due_date.isoformat(), i.principal, i.interest, i.fee,
                             i.total, i.balance])
        writer.writerow([])
        writer.writerow([gettext("Annualized rate (IRR)"), quote.apr.apr])
        return Response(buf.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=schedule.csv"})

    @expose("/pdf")
    @has_access
    def pdf(self):
        quote, errors = self._quote()
        if quote is None:
            return self._back_with_errors(errors)
        pdf = render_pdf("schedule.html", quote=quote, apr_note=gettext(APR_METHOD_NOTE),
                         method_label=RepaymentMethod(quote.schedule.terms.method).label)
        return Response(pdf, mimetype="application/pdf", headers={
            "Content-Disposition": "attachment; filename=schedule.pdf"})

    def _back_with_errors(self, errors):
        return self._page(None, errors or {"principal": [gettext("This field is required.")]},
                          400)

"""Firm-supplied contract templates: sandboxed, and validated before they are used.

An uploaded template is Jinja in a sandbox (it can read the contract's data, never call into
the application), may extend or include LoanDesk's shared pieces under reports/contracts/,
and is accepted only when it renders a real loan's contract, to PDF too, and the result
shows every required field.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from jinja2 import FileSystemLoader, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select

from app.extensions import db
from app.models import ContractTemplate
from app.pdf import REPORTS_DIR, PdfError, cjk_font_path, html_to_pdf

# What every kind's contract must show, by the context value that fills it.
REQUIRED = {
    "loan": ["contract.number", "borrower.name", "amount_capitals", "apr"],
    "service": ["contract.number", "borrower.name", "fee_capitals"],
    "credit_authorization": ["contract.number", "borrower.name"],
}


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(loader=FileSystemLoader(str(REPORTS_DIR)), autoescape=True)
    env.globals["_"] = lambda s, **kw: s % kw if kw else s
    return env


def active_template(kind: str) -> ContractTemplate | None:
    return db.session.scalar(select(ContractTemplate).where(
        ContractTemplate.kind == kind, ContractTemplate.active.is_(True))
        .order_by(ContractTemplate.version.desc()).limit(1))


def render_uploaded(body: str, context: dict) -> str:
    return _environment().from_string(body).render(cjk_font=cjk_font_path().as_uri(),
                                                    **context)


def _value(context: dict, dotted: str) -> str:
    value = context
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    if dotted == "apr" and value is not None:
        return f"{value * 100:.2f}"
    return "" if value is None else str(value)


def validation_errors(kind: str, body: str, context: dict) -> list[str]:
    """Why ``body`` cannot be used for ``kind`` contracts (empty when it can)."""
    try:
        html = render_uploaded(body, context)
    except TemplateError as error:
        return [gettext("The template does not render: %(error)s", error=str(error))]
    missing = [field for field in REQUIRED[kind]
               if _value(context, field) and _value(context, field) not in html]
    errors = [gettext("The template does not show %(field)s.", field=field)
              for field in missing]
    if not errors:
        try:
            html_to_pdf(html)
        except PdfError as error:
            errors.append(gettext("The template does not render to PDF: %(error)s",
                                  error=str(error)))
    return errors


def save(kind: str, body: str, uploaded_by, note: str | None = None) -> ContractTemplate:
    latest = db.session.scalar(select(func.max(ContractTemplate.version))
                               .where(ContractTemplate.kind == kind)) or 0
    db.session.query(ContractTemplate).filter_by(kind=kind, active=True).update(
        {"active": False})
    template = ContractTemplate(kind=kind, version=latest + 1, body=body, active=True,
                                uploaded_by=uploaded_by, note=note)
    db.session.add(template)
    current_app.logger.info("contract template %s v%s activated", kind, latest + 1)
    return template

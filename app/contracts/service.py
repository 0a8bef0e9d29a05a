"""The business actions on contracts; each one checks, changes, audits and commits as one.

An issued contract's PDF is rendered once, with the parties' full identifiers (it is the
legal document), stored with its sha256 and never rendered again; a change after issue is
a new version that supersedes the old one, and the history stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import uuid

from flask import render_template
from flask_babel import gettext

from app.audit import record
from app.customers.documents import document_path, store
from app.domain import DomainError
from app.domain.contract_states import check_contract_transition
from app.errors import Refused
from app.extensions import db
from app.firm.settings import firm_profile
from app.intake.transitions import move
from app.models import Contract
from app.models.base import utcnow
from app.models.enums import ApplicationState, ContractKind, ContractState
from app.pdf import cjk_font_path, html_to_pdf, render_pdf

from .numbering import next_number
from .render import KIND_TEMPLATES, contract_context
from .templates import active_template, render_uploaded

log = logging.getLogger(__name__)
# The permission the contract actions are taken under (the contract page checks it), named
# when issuing moves the application (app/intake/transitions.py's move).
CONTRACT_WRITE = ("Contract", "can_write")


class ContractRefused(Refused):
    """A refused contract action, with the reason in the user's language (409: the
    contract's state; 422 with field errors)."""


def create_draft(loan, kind: str) -> Contract:
    """A new draft, numbered; it belongs to the loan's owner, so it is seen where the loan
    is seen."""
    if kind not in KIND_TEMPLATES:
        unknown = gettext("Unknown contract kind.")
        raise ContractRefused(unknown, {"kind": [unknown]})
    year = dt.date.today().year
    seq, number = next_number(kind, year)
    contract = Contract(kind=kind, number=number, year=year, seq=seq, version=1,
                        state="draft", customer=loan.customer, loan=loan,
                        application=loan.application, owner_id=loan.owner_id,
                        team_id=loan.team_id, branch_id=loan.branch_id)
    db.session.add(contract)
    db.session.flush()
    record("create", "contract", contract.id, {"number": number, "kind": kind})
    db.session.commit()
    return contract


def html(contract: Contract, *, unmasked: bool) -> str:
    """The contract as HTML: the firm's uploaded template for its kind, else LoanDesk's."""
    context = contract_context(contract, unmasked=unmasked)
    uploaded = active_template(contract.kind)
    if uploaded is not None:
        return render_uploaded(uploaded.body, context)
    return render_template(KIND_TEMPLATES[contract.kind], cjk_font=cjk_font_path().as_uri(),
                           **context)


def english_pdf(contract: Contract, *, unmasked: bool) -> bytes:
    """The English rendering (for foreign funders; the Chinese contract binds)."""
    return render_pdf(f"contracts/en/{contract.kind}.html",
                      **contract_context(contract, unmasked=unmasked))


def pdf(contract: Contract, *, unmasked: bool) -> bytes:
    """The frozen PDF of an issued contract, or a fresh rendering of a draft."""
    if contract.pdf_stored_name:
        path = document_path(contract.pdf_stored_name)
        if not path.is_file():  # never re-rendered: the issued file is the signed text
            log.error("contract %s: issued PDF %s missing", contract.number, path)
            raise ContractRefused(gettext(
                "The issued PDF of contract %(number)s is missing from the file store. "
                "Restore the uploads folder from a backup.", number=contract.number))
        return path.read_bytes()
    return html_to_pdf(html(contract, unmasked=unmasked))


def _move(contract: Contract, target: str) -> None:
    try:
        check_contract_transition(contract.state, target)
    except DomainError:
        raise ContractRefused(gettext("A contract in state %(current)s cannot become %(to)s.",
                                      current=contract.state, to=target)) from None


def issue(contract: Contract) -> Contract:
    _move(contract, "issued")
    if not firm_profile().set_up:  # the legal document would name no firm
        raise ContractRefused(gettext(
            "Firm details not set up: an administrator enters the firm's name and unified "
            "social credit code (Configuration → Firm details) before contracts are issued."))
    data = html_to_pdf(html(contract, unmasked=True))
    stored_name = uuid.uuid4().hex
    path = document_path(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    try:
        contract.pdf_stored_name = stored_name
        contract.sha256 = hashlib.sha256(data).hexdigest()
        contract.state, contract.issued_at = "issued", utcnow()
        record("transition", "contract", contract.id, {"to": "issued",
                                                       "sha256": contract.sha256})
        application = contract.application
        if contract.kind == ContractKind.LOAN and application is not None and \
                application.state == ApplicationState.APPROVED:
            # The loan contract issued: the application is contracted, ready to disburse.
            move(application, "contracted", allowed_by=CONTRACT_WRITE,
                 details={"contract": contract.number})
        db.session.commit()
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return contract


def sign(contract: Contract, upload, filename: str, uploaded_by) -> Contract:
    _move(contract, "signed")
    document = store(upload, filename, customer=contract.customer,
                     application=contract.application, kind="signed_contract",
                     uploaded_by=uploaded_by)
    contract.signed_document = document
    contract.state, contract.signed_at = "signed", utcnow()
    record("transition", "contract", contract.id, {"to": "signed"})
    db.session.commit()
    return contract


def void(contract: Contract, reason: str) -> Contract:
    if not (reason or "").strip():
        raise ContractRefused(gettext("Give the reason for voiding the contract."))
    _move(contract, "void")
    contract.state, contract.void_reason = "void", reason.strip()
    record("transition", "contract", contract.id, {"to": "void"}, purpose=reason.strip())
    db.session.commit()
    return contract


def settle(contract: Contract) -> Contract:
    _move(contract, "settled")
    contract.state = "settled"
    record("transition", "contract", contract.id, {"to": "settled"})
    db.session.commit()
    return contract


def new_version(contract: Contract) -> Contract:
    """A change after issue: a new draft version under the same number supersedes the old."""
    if contract.state not in (ContractState.ISSUED, ContractState.SIGNED):
        raise ContractRefused(gettext("Only an issued or signed contract gets a new version; "
                                      "edit the draft instead."))
    successor = Contract(kind=contract.kind, number=f"{contract.number}-V{contract.version + 1}",
                         year=contract.year, seq=contract.seq, version=contract.version + 1,
                         state="draft", customer=contract.customer, loan=contract.loan,
                         application=contract.application, supersedes=contract,
                         owner_id=contract.owner_id, team_id=contract.team_id,
                         branch_id=contract.branch_id)
    contract.state = "void"
    contract.void_reason = gettext("Superseded by version %(v)s.", v=successor.version)
    db.session.add(successor)
    db.session.flush()
    record("create", "contract", successor.id, {"supersedes": contract.number})
    db.session.commit()
    return successor

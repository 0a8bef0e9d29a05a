"""Uploaded documents: checked by content, stored outside the web root under generated names.

The store is ``UPLOAD_FOLDER`` (default ``instance/uploads``), never served statically; files
leave it only through the permission- and scope-checked download view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext

from app.domain.validators import has_hidden_characters
from app.errors import FIELD_ERRORS, Refused
from app.extensions import db
from app.loans import business_today
from app.models import Consent, Document
from app.models.enums import ConsentScope, DocumentKind

# The types the firm accepts, recognised by their first bytes, and the names they may carry.
SIGNATURES = [(b"%PDF-", "application/pdf", {".pdf"}),
              (b"\xff\xd8\xff", "image/jpeg", {".jpg", ".jpeg"}),
              (b"\x89PNG\r\n\x1a\n", "image/png", {".png"})]


class UploadRefused(Refused):
    """Why a file was not stored (translated, safe to show): the file sent is refused."""

    status = FIELD_ERRORS


def sniff(head: bytes) -> tuple[str, set[str]] | None:
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic):
            return content_type, extensions
    return None


def check_name(filename: str | None) -> str:
    name = (filename or "").strip()
    if not name:
        raise UploadRefused(gettext("Choose a file to upload."))
    # Hidden characters include the bidi overrides that make "invoice\u202egnp.pdf" read
    # "invoicefdp.png" in a list.
    if any(c in name for c in ("/", "\\")) or has_hidden_characters(name) \
            or name in (".", ".."):
        raise UploadRefused(gettext("The file name must not contain a folder path or "
                                    "control characters."))
    if len(name) > 255:
        raise UploadRefused(gettext("The file name is too long (at most 255 characters)."))
    return name


def has_credit_query_consent(customer_id: int, day: dt.date | None = None) -> bool:
    day = day or business_today()  # the firm's calendar, as consents are dated
    return db.session.query(Consent.id).filter(
        Consent.customer_id == customer_id, Consent.scope == ConsentScope.CREDIT_QUERY,
        Consent.granted_on <= day, Consent.revoked_on.is_(None),
        (Consent.expires_on.is_(None)) | (Consent.expires_on >= day)).first() is not None


def store(stream, filename: str | None, *, customer, application, kind: str,
          uploaded_by) -> Document:
    """Validate and store one upload; adds the Document to the session (caller commits)."""
    name = check_name(filename)
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    data = stream.read(limit + 1)
    if not data:
        raise UploadRefused(gettext("The file is empty."))
    if len(data) > limit:
        raise UploadRefused(gettext("The file is larger than %(mb)s MB.",
                                    mb=limit // (1024 * 1024)))
    sniffed = sniff(data[:16])
    if sniffed is None:
        raise UploadRefused(gettext("Only PDF, JPEG and PNG files are accepted."))
    content_type, extensions = sniffed
    if Path(name).suffix.lower() not in extensions:
        raise UploadRefused(gettext("The file's name does not match its content (%(type)s).",
                                    type=content_type))
    if application is not None and application.customer_id != customer.id:
        raise UploadRefused(gettext("The application belongs to another customer."))
    if kind == DocumentKind.CREDIT_REPORT and not has_credit_query_consent(customer.id):
        raise UploadRefused(gettext("This customer has no valid consent to a credit-report "
                                    "query; record the consent first."))
    stored_name = uuid.uuid4().hex
    path = document_path(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # never a half-written file under the final name
    document = Document(customer=customer, application=application, kind=kind,
                        original_name=name, stored_name=stored_name,
                        content_type=content_type, size_bytes=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=uploaded_by)
    db.session.add(document)
    return document


def document_path(stored_name: str) -> Path:
    if not stored_name.isalnum():  # generated names only: nothing can climb out
        raise ValueError(stored_name)
    return Path(current_app.config["UPLOAD_FOLDER"]) / stored_name[:2] / stored_name


def discard(document: Document) -> None:
    """Remove a stored file whose row was not committed."""
    document_path(document.stored_name).unlink(missing_ok=True)

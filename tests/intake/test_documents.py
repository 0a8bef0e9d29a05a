"""Uploads are checked by content and stored outside the web root; downloads are scoped."""

import hashlib
import io
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Consent, Customer, Document, Staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _customer(app, username="sales1", **where):
    with app.app_context():
        staff = db.session.query(Staff).filter_by(
            user_id=app.appbuilder.sm.find_user(username=username).id).one()
        return db.session.query(Customer.id).filter_by(owner_id=staff.id, **where
                                                       ).first()[0]


def _upload(client, customer_id, content, filename, kind="id_card"):
    return client.post("/documentview/upload", data={
        "customer": str(customer_id), "kind": kind,
        "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def _count(app):
    with app.app_context():
        return db.session.query(Document).count()


def test_a_pdf_is_stored_with_its_sha256_under_a_generated_name(app, client, auth):
    auth.login("sales1")
    customer_id = _customer(app)
    response = _upload(client, customer_id, PDF, "身份证.pdf")
    assert response.status_code == 302
    with app.app_context():
        doc = db.session.query(Document).order_by(Document.id.desc()).first()
        assert doc.original_name == "身份证.pdf" and doc.content_type == "application/pdf"
        assert doc.sha256 == hashlib.sha256(PDF).hexdigest() and doc.size_bytes == len(PDF)
        stored = Path(app.config["UPLOAD_FOLDER"]) / doc.stored_name[:2] / doc.stored_name
        assert stored.read_bytes() == PDF and "身份证" not in str(stored)
        doc_id = doc.id
    download = client.get(f"/documentview/file/{doc_id}")
    assert download.status_code == 200 and download.data == PDF


@pytest.mark.parametrize("content,filename", [
    (PNG, "scan.png"), (JPEG, "scan.jpg"), (JPEG, "SCAN.JPEG")])
def test_images_are_accepted(app, client, auth, content, filename):
    auth.login("sales1")
    before = _count(app)
    assert _upload(client, _customer(app), content, filename).status_code == 302
    assert _count(app) == before + 1


@pytest.mark.parametrize("content,filename,message", [
    (b"MZ\x90\x00 not a document", "virus.pdf", "Only PDF, JPEG and PNG"),
    (PNG, "looks-like.pdf", "does not match"),
    (b"", "empty.pdf", "empty"),
    (PDF, "../../etc/passwd.pdf", "folder path"),
    (PDF, "x" * 300 + ".pdf", "too long"),
])
def test_bad_files_are_refused_and_nothing_is_stored(app, client, auth, content, filename,
                                                     message):
    auth.login("sales1")
    client.get("/lang/en")
    before = _count(app)
    files_before = sorted(Path(app.config["UPLOAD_FOLDER"]).rglob("*"))
    response = _upload(client, _customer(app), content, filename)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(app) == before
    assert sorted(Path(app.config["UPLOAD_FOLDER"]).rglob("*")) == files_before
    client.get("/lang/zh_CN")


def test_an_oversized_file_is_refused(app, client, auth):
    auth.login("sales1")
    client.get("/lang/en")
    before = _count(app)
    big = PDF + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = _upload(client, _customer(app), big, "big.pdf")
    assert response.status_code == 413 and "larger than" in response.get_data(as_text=True)
    assert _count(app) == before
    client.get("/lang/zh_CN")


def test_credit_report_needs_a_valid_consent(app, client, auth):
    auth.login("sales1")
    client.get("/lang/en")
    person = _customer(app, kind="person")
    with app.app_context():  # a customer whose consent to credit queries was revoked
        db.session.query(Consent).filter_by(customer_id=person, scope="credit_query").update(
            {"revoked_on": __import__("datetime").date(2026, 1, 1)})
        db.session.commit()
    customer_id = person
    response = _upload(client, customer_id, PDF, "征信报告.pdf", kind="credit_report")
    assert "no valid consent" in response.get_data(as_text=True)
    with app.app_context():
        db.session.query(Consent).filter_by(customer_id=person, scope="credit_query").update(
            {"revoked_on": None})
        db.session.commit()
    assert _upload(client, person, PDF, "征信报告.pdf", kind="credit_report"
                   ).status_code == 302
    client.get("/lang/zh_CN")


def test_documents_of_others_cannot_be_downloaded_or_attached(app, client, auth):
    auth.login("sales2")
    own_of_sales2 = _customer(app, "sales2")
    assert _upload(client, own_of_sales2, PDF, "s2.pdf").status_code == 302
    with app.app_context():
        doc_id = db.session.query(Document.id).filter_by(customer_id=own_of_sales2
                                                         ).order_by(Document.id.desc()
                                                                    ).first()[0]
    auth.logout()
    auth.login("sales1")
    assert client.get(f"/documentview/file/{doc_id}").status_code == 404
    assert client.get(f"/documentview/show/{doc_id}").status_code == 404
    before = _count(app)
    assert _upload(client, own_of_sales2, PDF, "sneaky.pdf").status_code == 200
    assert _count(app) == before


def test_reviewer_cannot_upload(client, auth):
    auth.login("reviewer")
    assert client.get("/documentview/upload").status_code == 403


@pytest.mark.parametrize("name", ["a\\b.pdf", "a/b.pdf", "a\x00.pdf", "..", ""])
def test_file_names_with_paths_or_control_characters_are_refused(app, name):
    from app.customers.documents import UploadRefused, check_name

    with app.test_request_context(), pytest.raises(UploadRefused):
        check_name(name)

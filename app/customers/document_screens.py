"""Documents: the upload screen and the only way a stored file leaves the server."""

from __future__ import annotations

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict

from app.audit import record
from app.customers.documents import UploadRefused, discard, document_path, store
from app.extensions import db
from app.models import Application, Customer, Document
from app.models.enums import DocumentKind
from app.permissions import MODEL_VIEW_METHODS
from app.scoping import current_scope
from app.views.base import READ_ONLY, LoanDeskModelView, ModelInterface
from app.views.fields import AjaxSelectField, CodedSelectField
from app.views.listing import contains


class UploadForm(FlaskForm):
    customer = AjaxSelectField(_l("Customer"), model=Customer)
    application = AjaxSelectField(_l("Application"), model=Application, allow_blank=True)
    kind = CodedSelectField(_l("Type"), enum=DocumentKind)
    file = FileField(_l("File (PDF, JPEG or PNG)"))


class DocumentView(LoanDeskModelView):
    """Listing, upload and download; there is no generic add or edit form for files."""

    datamodel = ModelInterface(Document)
    entity, entity_plural = _l("Document"), _l("Documents")
    exclude_route_methods = READ_ONLY
    method_permission_name = {**MODEL_VIEW_METHODS, "upload": "write", "file": "read"}
    list_columns = ["uploaded_at", "customer", "kind", "original_name", "size_bytes",
                    "uploaded_by"]
    search_columns = ["kind", "original_name", "uploaded_at"]
    quick_search = (contains("original_name"), contains("customer.name"))
    quick_search_placeholder = _l("Search the file name or the customer's name")
    show_columns = ["customer", "application", "kind", "original_name", "content_type",
                    "size_bytes", "sha256", "uploaded_by", "uploaded_at"]
    base_order = ("uploaded_at", "desc")
    list_template = "loandesk/document_list.html"

    @expose("/upload", methods=["GET", "POST"])
    @has_access
    def upload(self):
        form = UploadForm()
        if request.method == "GET":  # opened from a customer, an application or a checklist
            for name in ("customer", "application", "kind"):
                if request.args.get(name):
                    form[name].process(MultiDict([(name, request.args[name])]))
        if request.method == "POST" and form.validate():
            upload = request.files.get("file")
            try:
                document = store(upload.stream if upload else None,
                                 upload.filename if upload else None,
                                 customer=form.customer.data,
                                 application=form.application.data, kind=form.kind.data,
                                 uploaded_by=current_scope().staff)
                db.session.flush()
            except UploadRefused as refused:
                db.session.rollback()
                form.file.errors = [str(refused)]
            else:
                try:
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    discard(document)
                    raise
                flash(gettext("Uploaded %(name)s.", name=document.original_name), "success")
                return redirect(url_for("DocumentView.show", pk=document.id))
        return self.render_template("loandesk/upload.html", form=form,
                                    title=gettext("Upload a document"))

    @expose("/file/<int:pk>")
    @has_access
    def file(self, pk: int):
        document = self.scoped_item(pk)
        path = document_path(document.stored_name)
        if not path.is_file():
            abort(404)
        record("export", "document", document.id, {"kind": document.kind},
               purpose="download")
        db.session.commit()
        return send_file(path, mimetype=document.content_type, as_attachment=True,
                         download_name=document.original_name)

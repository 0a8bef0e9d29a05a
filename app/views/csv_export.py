"""The generated lists' CSV export: the list as shown (its filters, its order), streamed in
batches, every export stating its purpose and written to the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

from flask import Response, request, stream_with_context
from flask_appbuilder import expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from sqlalchemy.orm import selectinload

from ..audit import record
from ..export import neutralise_csv
from ..extensions import db
from .datamodel import ModelInterface

CSV_BATCH = 500


class CsvExportMixin:
    """Mixed into LoanDeskModelView: ``/csv`` of every list (permission "export")."""

    # -- CSV export of the filtered list ------------------------------------------------
    @expose("/csv")
    @has_access
    def csv(self) -> Response:
        """Stream the list as CSV, with the same filters and order, in batches.

        Every export states its purpose and is written to the audit trail; sensitive
        columns stay masked."""
        purpose = (request.args.get("purpose") or "").strip()[:200]
        if not purpose:
            return self.render_template(
                "loandesk/export_purpose.html", title=self.list_title,
                args=[(k, v) for k, v in request.args.items(multi=True) if k != "purpose"])
        record("export", self.datamodel.obj.__tablename__, None,
               {"filters": {k: v for k, v in request.args.items() if k != "purpose"}},
               purpose=purpose)
        db.session.commit()
        get_filter_args(self._filters)
        order_column, order_direction = (get_order_args().get(self.__class__.__name__)
                                         or self.base_order or ("", ""))
        filters = self._filters.get_joined_filters(self._base_filters)
        base = self.datamodel.session.query(self.datamodel.obj)
        if isinstance(self.datamodel, ModelInterface):
            base = base.options(*(selectinload(getattr(self.datamodel.obj, name))
                                  for name in self.datamodel.eager))
        query = self.datamodel.apply_all(base, filters, order_column, order_direction)
        columns = list(self.list_columns)
        headers = [str(self.label_columns.get(c, c)) for c in columns]

        def rows() -> Iterator[str]:
            buf = io.StringIO()
            writer = csv.writer(buf)
            buf.write("\ufeff")  # Excel needs the BOM to read UTF-8 Chinese text
            writer.writerow(headers)
            yield buf.getvalue()  # the download starts at once, before the first batch
            buf.seek(0)
            buf.truncate()
            for item in query.yield_per(CSV_BATCH):
                writer.writerow([neutralise_csv(self._csv_value(item, c)) for c in columns])
                if buf.tell() > 64 * 1024:
                    yield buf.getvalue()
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue()

        name = self.datamodel.obj.__tablename__
        return Response(stream_with_context(rows()), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})

    def _csv_value(self, item: object, column: str) -> object:
        value = item
        for part in column.split("."):
            value = getattr(value, part, None)
            if value is None:
                return ""
        if callable(value):
            value = value()
        if isinstance(value, Decimal | dt.date):
            return value.isoformat() if isinstance(value, dt.date) else value  # machine-readable
        formatter = self.formatters_columns.get(column)
        return formatter(value) if formatter else value

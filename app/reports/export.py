"""A report's table as JSON, CSV, Excel or PDF.

Text cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are prefixed
with a quote in CSV and Excel; numbers stay numbers (money with two places, rates as
percentages in Excel's own format).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from app.pdf import render_pdf
from app.views.base import neutralise_csv

from .base import GROUP_LABELS, Column, Table
from .filters import Filters

FIXED_GROUP_LABELS = {"rejections": _l("Reason"), "vintage": _l("Disbursement month"),
                      "commissions": _l("Payee")}


def group_label(report, filters: Filters) -> str:
    return str(FIXED_GROUP_LABELS.get(report.name) or GROUP_LABELS[filters.group])


def json_value(value, kind: str):
    if value is None:
        return None
    if kind in ("money", "rate", "hours"):
        return str(value)
    if kind == "count":
        return int(value)
    return str(value)


def table_json(report, filters: Filters, table: Table) -> dict:
    def row_json(row):
        out = {"key": row.get("key"), "group": str(row["group"])}
        out.update({c.key: json_value(row.get(c.key), c.kind) for c in table.columns})
        return out

    return {
        "report": report.name, "title": str(report.title), "filters": filters.as_json(),
        "group_label": group_label(report, filters),
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind}
                    for c in table.columns],
        "rows": [row_json(r) for r in table.rows],
        "totals": row_json(table.totals) if table.totals else None,
    }


def display(value, kind: str) -> str:
    """A cell as people read it (pages, CSV and PDF)."""
    if value is None:
        return ""
    if kind == "money":
        return f"{value:,.2f}"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "hours":
        return f"{value:.1f}"
    return str(value)


def _lines(report, filters: Filters, table: Table):
    yield [group_label(report, filters)] + [str(c.label) for c in table.columns]
    for row in table.rows + ([table.totals] if table.totals else []):
        yield [neutralise_csv(row["group"])] + [
            neutralise_csv(row.get(c.key)) if c.kind == "text" else display(row.get(c.key),
                                                                             c.kind)
            for c in table.columns]


def to_csv(report, filters: Filters, table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([gettext("Report"), str(report.title), gettext("From"),
                     str(filters.date_from or ""), gettext("To"), str(filters.date_to)])
    for line in _lines(report, filters, table):
        writer.writerow(line)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM lets Excel read UTF-8


def _cell(value, column: Column):
    if value is None:
        return None
    if column.kind in ("money", "rate", "hours") and isinstance(value, Decimal):
        return value
    if column.kind == "count":
        return int(value)
    return neutralise_csv(value)


FORMATS = {"money": "#,##0.00", "rate": "0.00%", "hours": "0.0", "count": "0"}


def to_xlsx(report, filters: Filters, table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(report.title)[:31]
    sheet.append([neutralise_csv(str(report.title)), gettext("From"),
                  str(filters.date_from or ""), gettext("To"), str(filters.date_to)])
    sheet.append([group_label(report, filters)] + [str(c.label) for c in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows + ([table.totals] if table.totals else []):
        sheet.append([neutralise_csv(row["group"])]
                     + [_cell(row.get(c.key), c) for c in table.columns])
        for cell, column in zip(sheet[sheet.max_row][1:], table.columns, strict=True):
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
    sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report, filters: Filters, table: Table, *, firm: str, filter_text: list) -> bytes:
    return render_pdf("report.html", report=report, filters=filters, table=table, firm=firm,
                      filter_text=filter_text, group_label=group_label(report, filters),
                      display=display)

"""A report's table as JSON, CSV, Excel or PDF, and the exports' file names.

Text cells a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are prefixed
with a quote in CSV and Excel; numbers stay numbers (money with two places, rates as
percentages in Excel's own format).  The Excel sheet opens with a title row (report,
grouping, period, filters) and columns as wide as their content.  A file is named after
the report, its grouping and its dates in the interface language
(放款统计_按渠道_2026-11-01至2026-11-30.xlsx, loans_by_channel_2026-11-01_to_2026-11-30.xlsx).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from decimal import Decimal

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.export import neutralise_csv
from app.pdf import render_pdf

from .base import GROUP_LABELS, Column, Table
from .filters import Filters

FIXED_GROUP_LABELS = {"rejections": _l("Reason"), "vintage": _l("Disbursement month"),
                      "commissions": _l("Payee")}
# The grouping of the reports with fixed rows, as a code (for file names and BY_LABELS).
FIXED_GROUPS = {"rejections": "reason", "vintage": "disbursement_month",
                "commissions": "payee"}
BY_LABELS = {
    "day": _l("By day"), "week": _l("By week"), "month": _l("By month"),
    "branch": _l("By branch"), "team": _l("By team"), "staff": _l("By salesperson"),
    "channel": _l("By channel"), "product": _l("By product"), "funder": _l("By funder"),
    "reason": _l("By reason"), "disbursement_month": _l("By disbursement month"),
    "payee": _l("By payee"),
}


def group_label(report, filters: Filters) -> str:
    return str(FIXED_GROUP_LABELS.get(report.name) or GROUP_LABELS[filters.group])


def group_code(report, filters: Filters) -> str:
    return FIXED_GROUPS.get(report.name) or filters.group


def period_text(filters: Filters) -> str:
    """The period in words: 2026-11-01 至 2026-11-30, or 截至 2026-11-30 from the start."""
    end = filters.date_to.isoformat()
    if filters.date_from is None:
        return gettext("until %(end)s", end=end)
    return gettext("%(start)s to %(end)s", start=filters.date_from.isoformat(), end=end)


def export_title(report, filters: Filters, filter_text: list) -> str:
    """放款统计 · 按渠道 · 2026-11-01 至 2026-11-30 · 渠道: …"""
    parts = [str(report.title), str(BY_LABELS[group_code(report, filters)]),
             period_text(filters), *map(str, filter_text)]
    return " · ".join(parts)


# Characters no file system (or browser) accepts in a file name.
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def download_names(report, filters: Filters, extension: str) -> tuple[str, str]:
    """The export's file name in the interface language, and its ASCII fallback.

    English names are built from the codes (loans_by_channel_…), which are English words
    already; other languages name the report and the grouping in their own words.  Only
    translations and dates go in: never a record's text."""
    start = filters.date_from.isoformat() if filters.date_from else None
    end = filters.date_to.isoformat()
    period = f"{start}_to_{end}" if start else f"until_{end}"
    fallback = f"{report.name}_by_{group_code(report, filters)}_{period}.{extension}"
    if str(get_locale() or "en").split("_")[0] == "en":
        return fallback, fallback
    words = [str(report.title), str(BY_LABELS[group_code(report, filters)]),
             period_text(filters)]
    stem = "_".join(UNSAFE_IN_NAMES.sub("", word) for word in words)
    return f"{stem}.{extension}", fallback


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


def text_width(text: str) -> int:
    """How many Latin characters wide a text shows: a CJK (wide) character counts two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(report, filters: Filters, table: Table, *, filter_text: list = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(report.title)[:31]
    sheet.append([neutralise_csv(export_title(report, filters, filter_text))])
    sheet["A1"].font = Font(bold=True, size=13)
    header = [group_label(report, filters)] + [str(c.label) for c in table.columns]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    widths = [text_width(text) for text in header]
    for row in table.rows + ([table.totals] if table.totals else []):
        sheet.append([neutralise_csv(row["group"])]
                     + [_cell(row.get(c.key), c) for c in table.columns])
        for cell, column in zip(sheet[sheet.max_row][1:], table.columns, strict=True):
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
        shown = [str(row["group"])] + [display(row.get(c.key), c.kind) for c in table.columns]
        widths = [max(w, text_width(text)) for w, text in zip(widths, shown, strict=True)]
    # The title row is left out of the widths: it runs on over the empty cells beside it.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 6) + 2, 60)
    sheet.freeze_panes = "B3"  # the title, the header and the group column stay in view
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(report, filters: Filters, table: Table, *, firm: str, filter_text: list) -> bytes:
    return render_pdf("report.html", report=report, filters=filters, table=table, firm=firm,
                      filter_text=filter_text, group_label=group_label(report, filters),
                      display=display)

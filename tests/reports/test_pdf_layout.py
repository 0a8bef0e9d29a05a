"""The reports' PDF (reports/report.html through xhtml2pdf): every report, in every grouping,
renders in Chinese and in English with its whole header, and no two pieces of text on a line
print over each other -- a Chinese header has no spaces to wrap at, and before the header
cells wrapped, 61–90天 and PAR30（逾期30天以上本金占比） of the risk report ran into each other.

Where the text lies is read from the PDF itself: each text run's start (its text matrix in
the page's coordinates) and width (its glyphs' advance widths from the embedded font's
/Widths, times the font size).  The expected headers of the risk report are written out by
hand from the catalogs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from pypdf.generic import TextStringObject

from app.reports.definitions import REPORTS
from app.reports.filters import GROUPS

LANGUAGES = ("zh_CN", "en")
FROM_THE_START = {"from": ""}
SPACE = re.compile(r"\s+")


# --- where the text lies on a page ----------------------------------------------------------

def text_runs(page) -> list[tuple[float, float, float, float]]:
    """(x start, x end, baseline y, font size) of every string the page shows (Tj)."""
    fonts = {}
    for name, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        fonts[name] = (int(font.get("/FirstChar", 0)), [float(w) for w in font.get("/Widths", [])])
    state: dict = {"font": None, "size": 0.0}
    runs = []

    def before(op, args, cm, tm):
        if op == b"Tf":
            state["font"], state["size"] = args[0], float(args[1])
        elif op == b"Tj":
            raw = (args[0].original_bytes if isinstance(args[0], TextStringObject)
                   else bytes(args[0]))
            first, widths = fonts.get(state["font"], (0, []))
            # A code outside the table (a standard font has none): half an em, as Helvetica.
            units = sum(widths[b - first] if 0 <= b - first < len(widths) else 500 for b in raw)
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((x, x + units * state["size"] / 1000, y, state["size"]))

    page.extract_text(visitor_operand_before=before)
    return runs


def overprints(page) -> list[tuple]:
    """Pairs of runs on one line (baselines closer than half the font) that share more than
    half a point of width: text printed over text."""
    runs = text_runs(page)
    return [(a, b) for i, a in enumerate(runs) for b in runs[i + 1:]
            if abs(a[2] - b[2]) < 0.5 * min(a[3], b[3])
            and min(a[1], b[1]) - max(a[0], b[0]) > 0.5]


def past_the_edge(page) -> list[tuple]:
    width = float(page.mediabox.width)
    return [run for run in text_runs(page) if run[0] < 0 or run[1] > width]


def check_layout(pdf: bytes) -> str:
    """Assert nothing overprints or leaves the page; return the text with no white space."""
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, 1):
        assert not overprints(page), f"page {number}: text over text {overprints(page)[:3]}"
        assert not past_the_edge(page), f"page {number}: text off the page"
    return SPACE.sub("", "".join(page.extract_text() for page in reader.pages))


# --- the checker itself ----------------------------------------------------------------------

def test_the_checker_sees_text_printed_over_text(app):
    """The header as it was: a Chinese label in a column too narrow for it, with nowhere to
    wrap, runs into the next cell, and the checker says so; in a wide column it does not."""
    from app.pdf import html_to_pdf

    label = "PAR30（逾期30天以上本金占比）"
    cramped = (f'<table style="width:4cm"><tr><td width="2cm">{label}</td>'
               '<td width="2cm">61–90天</td></tr></table>')
    roomy = f'<table style="width:20cm"><tr><td>{label}</td><td>61–90天</td></tr></table>' 
    style = ('<style>@font-face {{ font-family: cjk; src: url("{}"); }} '
             'td {{ font-family: cjk; }}</style>')
    with app.test_request_context():
        from app.pdf import cjk_font_path

        head = style.format(cjk_font_path().as_uri())
        bad = PdfReader(io.BytesIO(html_to_pdf(head + cramped))).pages[0]
        good = PdfReader(io.BytesIO(html_to_pdf(head + roomy))).pages[0]
    assert overprints(bad)
    assert not overprints(good)


# --- every report, every grouping, both languages ---------------------------------------------

@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", list(REPORTS))
def test_every_report_pdf_has_its_whole_header_and_no_overprint(app, client, auth, name, lang):
    report = REPORTS[name]
    auth.login("manager")
    client.get(f"/lang/{lang}")
    try:
        for group in GROUPS if report.groups else ("month",):
            response = client.get(f"/reports/{name}/export/pdf",
                                  query_string={"group": group, **FROM_THE_START})
            assert response.status_code == 200, (name, group)
            assert response.data[:5] == b"%PDF-"
            text = check_layout(response.data)
            with app.test_request_context():
                from flask import session

                session["locale"] = lang
                labels = [str(report.title)] + [str(c.label) for c in report.columns]
            for label in labels:
                assert SPACE.sub("", label) in text, (name, group, lang, label)
    finally:
        client.get("/lang/zh_CN")


RISK_HEADERS = {
    "zh_CN": ["月", "在贷笔数", "剩余本金", "逾期笔数", "逾期本金", "逾期欠款", "逾期率",
              "1–30天", "31–60天", "61–90天", "90天以上", "PAR30（逾期30天以上本金占比）"],
    "en": ["Month", "Loans outstanding", "Outstanding principal", "Overdue loans",
           "Overdue principal", "Overdue amount owed", "Overdue rate", "1–30 days",
           "31–60 days", "61–90 days", "Over 90 days", "PAR30"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_risk_report_header_reads_in_order(client, auth, lang):
    """The widest report: its twelve headers, whole and left to right as written."""
    auth.login("manager")
    client.get(f"/lang/{lang}")
    try:
        response = client.get("/reports/risk/export/pdf", query_string=FROM_THE_START)
    finally:
        client.get("/lang/zh_CN")
    text = check_layout(response.data)
    expected = "".join(SPACE.sub("", h) for h in RISK_HEADERS[lang])
    assert expected in text


def test_long_headers_and_large_amounts_stay_in_their_columns(app):
    """Fourteen columns with headers longer than any LoanDesk has (one English word wider
    than its column), amounts of 999,999,999.99 and a long Chinese group name."""
    from app.reports.base import Column, Table
    from app.reports.export import to_pdf
    from app.reports.filters import Filters

    labels = {"en": ["Outstanding principal overdue more than ninety days",
                     "Supercalifragilisticexpialidocious", "Collected before the due date"],
              "zh_CN": ["逾期九十天以上的剩余本金合计金额", "PAR30（逾期30天以上本金占比）",
                        "本期内于到期日前回收的金额"]}
    for lang, long_ones in labels.items():
        names = long_ones + [f"{'Month' if lang == 'en' else '第'}{n}" for n in range(1, 12)]
        columns = [Column(f"c{i}", label, ("money", "count", "rate")[i % 3])
                   for i, label in enumerate(names)]
        values = {"money": Decimal("999999999.99"), "count": 99999, "rate": Decimal(1)}
        row = {"group": "福州市鼓楼区鑫源小额贷款有限公司",
               **{c.key: values[c.kind] for c in columns}}
        with app.test_request_context():
            from flask import session

            session["locale"] = lang
            pdf = to_pdf(REPORTS["risk"], Filters(None, dt.date(2026, 12, 3)),
                         Table(columns, [row, row], {**row, "group": "Total"}),
                         firm="示例助贷服务有限公司", filter_text=[])
        text = check_layout(pdf)
        for label in long_ones:
            assert SPACE.sub("", label) in text
        assert text.count("999,999,999.99") == 3 * 5  # two rows and the total, five columns

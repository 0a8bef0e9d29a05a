"""The report screens as staff use them: the date presets (本月, 上月, 本季度, 本年), the
staff filter (only people who can own records, scoped like the report), the Excel title
row and column widths, and export file names in the interface language.

Every expected range, name and width below is worked out by hand, not read back from
the code.
"""

from __future__ import annotations

import calendar
import datetime as dt
import html
import io
import re
from decimal import Decimal
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.loans import business_today
from app.models import Application, Branch, Customer, Loan, Staff
from app.reports.filters import active_preset, preset_range

D = dt.date
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


# --- the presets' dates (pure) ------------------------------------------------------------

@pytest.mark.parametrize(("today", "preset", "expected"), [
    (D(2026, 2, 15), "this_month", (D(2026, 2, 1), D(2026, 2, 28))),
    (D(2026, 2, 15), "last_month", (D(2026, 1, 1), D(2026, 1, 31))),
    (D(2026, 2, 15), "this_quarter", (D(2026, 1, 1), D(2026, 3, 31))),
    (D(2026, 2, 15), "this_year", (D(2026, 1, 1), D(2026, 12, 31))),
    # January: last month is December of the year before
    (D(2026, 1, 10), "last_month", (D(2025, 12, 1), D(2025, 12, 31))),
    (D(2026, 1, 10), "this_quarter", (D(2026, 1, 1), D(2026, 3, 31))),
    # a leap February, seen from the last day of March
    (D(2024, 3, 31), "last_month", (D(2024, 2, 1), D(2024, 2, 29))),
    (D(2024, 2, 29), "this_month", (D(2024, 2, 1), D(2024, 2, 29))),
    # the fourth quarter and the year's last day
    (D(2026, 11, 30), "this_month", (D(2026, 11, 1), D(2026, 11, 30))),
    (D(2026, 11, 30), "this_quarter", (D(2026, 10, 1), D(2026, 12, 31))),
    (D(2026, 12, 31), "last_month", (D(2026, 11, 1), D(2026, 11, 30))),
    (D(2026, 12, 31), "this_quarter", (D(2026, 10, 1), D(2026, 12, 31))),
    (D(2026, 7, 1), "this_quarter", (D(2026, 7, 1), D(2026, 9, 30))),
    (D(2026, 6, 30), "this_quarter", (D(2026, 4, 1), D(2026, 6, 30))),
])
def test_preset_ranges(today, preset, expected):
    assert preset_range(preset, today) == expected


def test_the_active_preset_is_the_one_whose_dates_are_shown():
    today = D(2026, 2, 15)
    assert active_preset(D(2026, 1, 1), D(2026, 1, 31), today) == "last_month"
    assert active_preset(D(2026, 1, 1), D(2026, 3, 31), today) == "this_quarter"
    assert active_preset(D(2026, 2, 1), D(2026, 2, 15), today) is None  # month to date
    assert active_preset(None, D(2026, 12, 31), today) is None
    with pytest.raises(ValueError):
        preset_range("next_century", today)


# --- the presets on the page ----------------------------------------------------------------

PRESET_LINK = re.compile(r'<a id="preset-(\w+)" href="([^"]+)" class="btn ([^"]+)"([^>]*)>'
                         r"([^<]+)</a>")


def presets_on(page: str) -> dict:
    return {code: {"query": parse_qs(urlsplit(html.unescape(href)).query),
                   "classes": classes.split(), "current": 'aria-current="true"' in attrs,
                   "label": label}
            for code, href, classes, attrs, label in PRESET_LINK.findall(page)}


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def test_every_report_page_offers_the_presets_keeping_the_other_filters(app, client, auth):
    with app.app_context():
        today = business_today()
        fz = db.session.scalar(select(Branch.id).where(Branch.code == "FZ"))
    this_start, this_end = month_of(today)
    last_start, last_end = month_of(this_start - dt.timedelta(days=1))
    quarter_first = (today.month - 1) // 3 * 3 + 1
    auth.login("manager")
    client.get("/lang/zh_CN")
    from app.reports.definitions import REPORTS

    for name in REPORTS:
        page = client.get(f"/reports/{name}/").get_data(as_text=True)
        links = presets_on(page)
        assert [links[c]["label"] for c in ("this_month", "last_month", "this_quarter",
                                             "this_year")] == ["本月", "上月", "本季度", "本年"]
    page = client.get("/reports/loans/", query_string={"group": "channel", "branch": fz,
                                                      "junk": "x"}).get_data(as_text=True)
    links = presets_on(page)
    assert links["last_month"]["query"] == {
        "group": ["channel"], "branch": [str(fz)], "from": [last_start.isoformat()],
        "to": [last_end.isoformat()]}
    assert links["this_month"]["query"]["from"] == [this_start.isoformat()]
    assert links["this_month"]["query"]["to"] == [this_end.isoformat()]
    assert links["this_quarter"]["query"]["from"] == [D(today.year, quarter_first, 1)
                                                      .isoformat()]
    assert links["this_year"]["query"]["to"] == [f"{today.year}-12-31"]
    # Following 上月: its dates fill 起 / 止, the grouping stays, 上月 is marked.
    page = client.get("/reports/loans/", query_string={
        k: v[0] for k, v in links["last_month"]["query"].items()}).get_data(as_text=True)
    assert (f'id="from" name="from" class="form-control input-sm ld-date" '
            f'placeholder="yyyy-mm-dd" autocomplete="off" value="{last_start}"') in page
    assert (f'id="to" name="to" class="form-control input-sm ld-date" '
            f'placeholder="yyyy-mm-dd" autocomplete="off" value="{last_end}"') in page
    assert '<option value="channel" selected>' in page
    marked = {code for code, link in presets_on(page).items()
              if "active" in link["classes"] and link["current"]}
    assert marked == {"last_month"}
    # Month to date (the default) is no preset unless today is the month's last day.
    default = presets_on(client.get("/reports/loans/").get_data(as_text=True))
    expected = {"this_month"} if today == this_end else set()
    assert {c for c, link in default.items() if link["current"]} == expected


def test_the_presets_speak_english(client, auth):
    auth.login("manager")
    client.get("/lang/en")
    try:
        links = presets_on(client.get("/reports/repayments/").get_data(as_text=True))
    finally:
        client.get("/lang/zh_CN")
    assert [link["label"] for link in links.values()] == [
        "This month", "Last month", "This quarter", "This year"]


# --- the staff filter ---------------------------------------------------------------------------

STAFF_SELECT = re.compile(r'<select id="f-staff".*?</select>', re.DOTALL)
OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]*)</option>')


def staff_choices(client) -> set[str]:
    page = client.get("/reports/loans/").get_data(as_text=True)
    return {html.unescape(text) for _id, text in OPTION.findall(STAFF_SELECT.search(page)[0])}


@pytest.fixture()
def extra_staff(app):
    """Beside the demo's: a salesperson who also reviews (Sales + Reviewer login), a second
    finance clerk, and a salesperson who left (inactive, no login) — all in 福州总部."""
    with app.app_context():
        sm = app.appbuilder.sm
        fz = db.session.scalar(select(Branch.id).where(Branch.code == "FZ"))
        both = sm.add_user("dual_role", "兼", "岗", "dual@loandesk.example",
                           [sm.find_role("Sales"), sm.find_role("Reviewer")],
                           password="Dual#Role2026x")
        clerk = sm.add_user("clerk2", "财", "务二", "clerk2@loandesk.example",
                            sm.find_role("Finance"), password="Clerk#Two2026x")
        people = [Staff(user_id=both.id, branch_id=fz, full_name="兼岗员工"),
                  Staff(user_id=clerk.id, branch_id=fz, full_name="财务二"),
                  Staff(branch_id=fz, full_name="离职业务员", active=False)]
        db.session.add_all(people)
        db.session.commit()
        ids = ([p.id for p in people], [both.id, clerk.id])
    yield
    with app.app_context():
        for staff_id in ids[0]:
            db.session.delete(db.session.get(Staff, staff_id))
        db.session.commit()
        for user_id in ids[1]:
            db.session.delete(app.appbuilder.sm.get_user_by_id(user_id))
        db.session.commit()


def test_the_staff_filter_lists_only_people_who_can_own_records(app, client, auth,
                                                                extra_staff):
    auth.login("admin")
    everyone = staff_choices(client)
    # Sales, the manager, the salesperson who also reviews, and the Xiamen staff without
    # a login; not the admin, the reviewer, finance, the auditor, nor who left.
    assert {"林经理", "陈晓东", "黄丽华", "兼岗员工", "许振华", "蔡雨桐"} <= everyone
    with app.app_context():
        owners = set()
        for model in (Customer, Application, Loan):
            owners |= set(db.session.scalars(
                select(Staff.full_name).join(model, model.owner_id == Staff.id)))
    # Not the admin, the reviewer, finance, the auditor, nor who left — unless they own
    # records after all (an admin who typed a customer in, in another test, owns it).
    assert everyone.isdisjoint({"系统管理员", "郑思远", "王春梅", "财务二", "吴德明",
                                "离职业务员"} - owners)
    assert "许振华" in owners and owners <= everyone  # whoever owns records can be picked
    auth.logout()

    auth.login("manager")  # 福州总部 only
    branch = staff_choices(client)
    assert {"林经理", "陈晓东", "黄丽华", "兼岗员工"} <= branch
    assert branch.isdisjoint({"许振华", "蔡雨桐"})  # the other branch's
    assert branch.isdisjoint({"郑思远", "王春梅", "财务二", "系统管理员", "吴德明",
                              "离职业务员"} - owners)  # unless they own records
    auth.logout()
    auth.login("sales1")
    assert staff_choices(client) == {"陈晓东"}


# --- Excel: title row, header, widths, formats --------------------------------------------------

def sheet_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return load_workbook(io.BytesIO(response.data)).active


def test_excel_title_row_names_report_grouping_period_and_filters(app, client, auth):
    with app.app_context():
        fz = db.session.scalar(select(Branch.id).where(Branch.code == "FZ"))
    auth.login("admin")
    client.get("/lang/zh_CN")
    sheet = sheet_of(client.get("/reports/loans/export/xlsx",
                                query_string={"group": "channel", **NOVEMBER}))
    assert sheet["A1"].value == "放款统计 · 按渠道 · 2026-11-01 至 2026-11-30"
    assert sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == ["渠道", "放款笔数", "放款金额", "剩余本金", "平均利率",
                                          "金额加权利率", "平均年化利率（IRR）"]
    sheet = sheet_of(client.get("/reports/loans/export/xlsx", query_string={
        "group": "staff", "branch": fz, **NOVEMBER}))
    assert sheet["A1"].value == "放款统计 · 按业务员 · 2026-11-01 至 2026-11-30 · 分公司: 福州总部"
    sheet = sheet_of(client.get("/reports/rejections/export/xlsx", query_string={"from": "",
                                                                                 "to": "2026-11-30"}))
    assert sheet["A1"].value == "拒绝原因 · 按原因 · 截至 2026-11-30"
    client.get("/lang/en")
    try:
        sheet = sheet_of(client.get("/reports/loans/export/xlsx",
                                    query_string={"group": "channel", **NOVEMBER}))
    finally:
        client.get("/lang/zh_CN")
    assert sheet["A1"].value == "Disbursement report · By channel · 2026-11-01 to 2026-11-30"
    assert sheet["B2"].value == "Loans disbursed"


def test_excel_columns_fit_their_content_and_numbers_keep_their_formats(app, client, auth):
    auth.login("admin")
    client.get("/lang/zh_CN")
    sheet = sheet_of(client.get("/reports/loans/export/xlsx",
                                query_string={"group": "channel", "from": ""}))
    with app.app_context():
        total = sum(loan.disbursed_amount or loan.principal for loan in db.session.scalars(
            select(Loan).where(Loan.disbursed_on.is_not(None), Loan.state != "pending")))
    widths = {col: sheet.column_dimensions[col].width for col in "ABCDEFG"}
    # 平均年化利率（IRR）: six CJK characters and two full-width brackets count two each,
    # "IRR" one each: 12 + 4 + 3 = 19, plus 2 of margin.  放款笔数: 8 + 2.
    assert widths["G"] == 21
    assert widths["B"] == 10
    assert widths["G"] > widths["B"]
    # The amount column is as wide as its widest figure, the total (e.g. 12,345,678.90).
    assert widths["C"] == len(f"{total:,.2f}") + 2
    last = sheet.max_row
    assert sheet.cell(last, 3).value == pytest.approx(float(total))
    assert Decimal(str(sheet.cell(last, 3).value)).quantize(Decimal("0.01")) == total
    assert sheet.cell(last, 3).number_format == "#,##0.00"
    assert sheet.cell(last, 5).number_format == "0.00%"
    assert sheet.cell(last, 2).number_format == "0" and isinstance(sheet.cell(last, 2).value,
                                                                   int)
    assert sheet.freeze_panes == "B3"


# --- file names ------------------------------------------------------------------------------------

FALLBACK = re.compile(r'filename="([^"]+)"')
EXTENDED = re.compile(r"filename\*=UTF-8''([^;\s]+)")


def names(response) -> tuple[str, str]:
    """(the RFC 5987 name, decoded; the ASCII fallback) of an attachment."""
    assert response.status_code == 200, response.get_data(as_text=True)
    header = response.headers["Content-Disposition"]
    assert header.startswith("attachment;")
    fallback = FALLBACK.search(header)[1]
    assert fallback.isascii()
    return unquote(EXTENDED.search(header)[1], encoding="utf-8"), fallback


def test_export_file_names_in_chinese_and_english(app, client, auth):
    auth.login("manager")
    client.get("/lang/zh_CN")
    loans = {"group": "channel", **NOVEMBER}
    ascii_name = "loans_by_channel_2026-11-01_to_2026-11-30"
    for fmt in ("csv", "xlsx", "pdf"):
        assert names(client.get(f"/reports/loans/export/{fmt}", query_string=loans)) == (
            f"放款统计_按渠道_2026-11-01至2026-11-30.{fmt}", f"{ascii_name}.{fmt}")
    assert names(client.get("/reports/vintage/export/csv", query_string=NOVEMBER)) == (
        "账龄分析（按放款月份）_按放款月份_2026-11-01至2026-11-30.csv",
        "vintage_by_disbursement_month_2026-11-01_to_2026-11-30.csv")
    with app.app_context():
        today = business_today().isoformat()
    assert names(client.get("/reports/risk/export/csv")) == (  # risk: from the start
        f"风险与逾期_按月_截至{today}.csv", f"risk_by_month_until_{today}.csv")
    client.get("/lang/en")
    try:
        for fmt in ("csv", "xlsx", "pdf"):
            assert names(client.get(f"/reports/loans/export/{fmt}", query_string=loans)) == (
                f"{ascii_name}.{fmt}", f"{ascii_name}.{fmt}")
        assert names(client.get("/reports/income/export/xlsx", query_string={
            "group": "week", **NOVEMBER}))[0] == \
            "income_by_week_2026-11-01_to_2026-11-30.xlsx"
    finally:
        client.get("/lang/zh_CN")

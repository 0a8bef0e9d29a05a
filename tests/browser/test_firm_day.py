"""Issue 11: the whole day of a firm, in a real browser, on one server and one fresh demo
database — one test per role, in order, sharing what they made through ``DAY``:

01 sales1   registers a customer (a wrong ID number refused beside the field, then a valid
            one), uploads an ID scan, adds a follow-up and a consent, applies, picks a
            matched product, submits (assigned to the branch's reviewer by pick_reviewer).
02 reviewer finds it in the review queue, reads the score explanation, is refused a rate
            whose annualized rate is over the legal cap, approves under it.
03 finance  books the loan, issues the loan contract and downloads the PDF, disburses,
            posts the first installment and sees it paid.
04 manager  runs the loans report by channel over a year, exports it as CSV, opens the
            dashboard, reassigns an application to another salesperson.
05 admin    creates a salesperson (login, role, staff profile), takes "can read" and the
            menu entry on Customer away from the Sales role (the new user loses both),
            then restores them.
06 auditor  finds all of that in the audit log.
07 sales2   cannot reach sales1's new customer: lists, searches, related-field lookups,
            typed URLs.
08          the app bugs met on the way that did not stop the day (xfail while any remain).

Messages are checked in Chinese, the default language (msgstrs from
translations/zh_CN/LC_MESSAGES/messages.po).  Every step saves test-artifacts/browser/NN-role-
step.png; every page is checked for console errors and requests beyond 127.0.0.1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.domain.validators import make_id_number
from seed.demo import DEMO_USERS as SEEDED_USERS
from tests.browser.day_support import (
    BUGS,
    KNOWN_BUGS,
    ajax_pick,
    ajax_search,
    assert_console_clean,
    audit_changes,
    audit_entries,
    check_or_bug,
    flashes,
    known_bug,
    list_filter,
    list_rows,
    menu_has,
    money,
    multi_add,
    multi_remove,
    open_menu,
    pk_of,
    row_link,
    schedule,
    show_field,
    submit,
    tiny_png,
    type_date,
    url,
)
from tests.browser.support import assert_local_only, assert_no_console_errors, login, shot
from tests.browser.test_dashboard import CHARTS, PAINTED

DAY: dict = {}  # what one role leaves for the next
pytestmark = pytest.mark.story  # one day: each role goes on from the one before

CUSTOMER = "欧阳明远"  # a two-character surname: the demo data never makes one
BIRTH = dt.date(1988, 6, 15)
ID_NUMBER = make_id_number("110105", BIRTH, 777)  # a Beijing region: no demo customer has it
WRONG_ID = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")  # check digit wrong
PHONE = "13012345678"  # the demo data never uses the 130 prefix
PRODUCT = "安逸花"  # 3–24 months, 7.2–9.6 %, 1 % fee: at 6 months 9.6 % is over the cap
FOLLOW_UP_NOTE = "面谈：客户有装修资金需求，身份证已收集"
REPAYMENT_REF = "BANK-E2E-0001"
NEW_USER, NEW_PASSWORD = "sales3", "NewStaff#2026"
NEW_FIRST, NEW_LAST = "志远", "周"  # given name, surname (FAB's first_name, last_name)
ROLE_RIGHTS = ["can read on Customer", "menu access on Customer"]
STAFF_USERNAMES = {last + first: username for username, first, last, *_ in SEEDED_USERS}
FIRM_TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def need(*keys: str) -> None:
    missing = [k for k in keys if k not in DAY]
    if missing:
        pytest.skip(f"an earlier step of the day did not finish ({', '.join(missing)})")


def test_01_sales1_registers_a_customer_and_applies(page_for):
    page = page_for("sales1")
    page.goto(url(page, "/"))
    open_menu(page, "/customerview/list/")
    with page.expect_navigation():
        page.click("a[href='/customerview/add']")
    placeholder = page.get_attribute("#phone", "placeholder") or ""
    check_or_bug("unset" not in placeholder and "<" not in placeholder,
                 "masked_placeholder", placeholder=placeholder)

    # A wrong check digit: refused, the message beside the ID number field.
    page.fill("#name", CUSTOMER)
    page.fill("#id_number", WRONG_ID)
    page.fill("#phone", PHONE)
    submit(page)
    message = page.locator("xpath=//input[@id='id_number']/following-sibling::"
                           "div[contains(@class, 'alert-danger')]")
    expect(message).to_have_text("身份证号码校验位错误，请重新核对。")
    field, box = page.locator("#id_number").bounding_box(), message.bounding_box()
    assert 0 <= box["y"] - (field["y"] + field["height"]) < 60, (field, box)  # just below
    assert abs(box["x"] - field["x"]) < 30 and box["width"] > field["width"] / 2, (field, box)
    assert page.locator(".alert-danger").count() == 1  # only that field is wrong
    shot(page, "01-sales1-id-number-refused")

    page.fill("#id_number", ID_NUMBER)
    page.fill("#phone", PHONE)
    type_date(page, "#birth_date", BIRTH.isoformat())
    page.fill("#city", "福州")
    page.fill("#employer", "福州软件园科技有限公司")
    page.fill("#occupation", "软件工程师")
    page.fill("#monthly_income", "25000")
    page.fill("#monthly_debt_payment", "3000")
    page.fill("#years_employed", "8")
    page.check("#has_property")
    page.fill("#social_insurance_months", "60")
    page.fill("#housing_fund_months", "48")
    page.select_option("#credit_report_status", "clean")
    submit(page)
    assert "记录已新增" in flashes(page)
    page.goto(url(page, "/customerview/list/"))
    customer_href = row_link(page, CUSTOMER)
    DAY["customer_id"] = pk_of(customer_href)
    page.goto(url(page, customer_href))
    assert show_field(page, "身份证号码") == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    assert ID_NUMBER not in page.content()  # masked for a salesperson
    assert show_field(page, "出生日期") == "1988年6月15日"
    assert show_field(page, "负责人") == "陈晓东"
    shot(page, "02-sales1-customer-created")

    # The ID card scan: a real PNG, made here.
    page.goto(url(page, "/documentview/list/"))
    with page.expect_navigation():
        page.click("a[href$='/documentview/upload']")
    ajax_pick(page, "customer", CUSTOMER[:2], CUSTOMER)
    page.select_option("#kind", "id_card")
    page.set_input_files("#file", files=[{"name": "id-card-scan.png", "mimeType": "image/png",
                                          "buffer": tiny_png()}])
    submit(page, "#upload")
    assert "已上传id-card-scan.png。" in flashes(page)
    DAY["document_id"] = pk_of(page.url)
    assert show_field(page, "类型") == "身份证"
    shot(page, "03-sales1-id-scan-uploaded")

    # A follow-up, the customer chosen through the AJAX select.
    page.goto(url(page, "/followupview/add"))
    ajax_pick(page, "customer", CUSTOMER[:2], CUSTOMER)
    page.select_option("#staff", label="陈晓东")
    page.select_option("#method", "visit")
    page.fill("#note", FOLLOW_UP_NOTE)
    type_date(page, "#next_date", (FIRM_TODAY + dt.timedelta(days=7)).isoformat())
    submit(page)
    if "记录已新增" not in flashes(page):
        assert "不是有效的日期与时间值。" in flashes(page), flashes(page)
        known_bug(BUGS["follow_up_time"])
        page.locator("#happened_at").evaluate(
            "(el, v) => { el.value = v; }", dt.datetime.now(ZoneInfo("Asia/Shanghai"))
            .strftime("%Y-%m-%d %H:%M:%S"))
        submit(page)
    assert "记录已新增" in flashes(page)
    page.goto(url(page, customer_href))
    page.click("a[href='#FollowUpView']")
    expect(page.locator("#FollowUpView tr", has_text=FOLLOW_UP_NOTE)).to_have_count(1)
    shot(page, "04-sales1-follow-up-added")

    # The consent to query the credit report (a hard rule without it), from the 授权 tab.
    page.click("a[href='#ConsentView']")
    with page.expect_navigation():
        page.click("#ConsentView a[href*='/consentview/add']")
    page.select_option("#scope", "credit_query")
    page.fill("#purpose", "查询信用报告用于贷款审批")
    granted = dt.date.today() - dt.timedelta(days=1)  # valid whatever the server's clock
    type_date(page, "#granted_on", granted.isoformat())
    type_date(page, "#expires_on", (granted + dt.timedelta(days=365)).isoformat())
    submit(page)
    assert "记录已新增" in flashes(page)
    shot(page, "05-sales1-consent-recorded")

    # The application, from the customer's 进件 tab.
    page.goto(url(page, customer_href))
    page.click("a[href='#ApplicationView']")
    with page.expect_navigation():
        page.click("#ApplicationView a[href*='/applicationview/add']")
    page.fill("#amount", "100000")
    page.fill("#months", "6")
    page.select_option("#method", "equal_installment")
    page.fill("#purpose", "房屋装修")
    submit(page)
    assert "记录已新增" in flashes(page)
    page.goto(url(page, "/applicationview/list/"))
    application_href = row_link(page, CUSTOMER)
    DAY["application_id"] = pk_of(application_href)
    page.goto(url(page, application_href))
    DAY["application_number"] = show_field(page, "编号")
    assert show_field(page, "状态") == "草稿"
    matches = page.locator("#product-matches tr")
    eligible = matches.filter(has=page.locator("button.choose-product"))
    assert eligible.count() >= 2, page.locator("#product-matches").inner_text()
    chosen = matches.filter(has_text=PRODUCT)
    assert chosen.locator("td").nth(2).inner_text() == "是"
    shot(page, "06-sales1-matched-products")
    with page.expect_navigation():
        chosen.locator("button.choose-product").click()
    assert f"已选择产品：{PRODUCT}。" in flashes(page)
    assert show_field(page, "产品") == PRODUCT

    submit(page, "#move-submitted")
    assert "进件当前状态：审核中。" in flashes(page)
    expect(page.locator("#score-summary")).to_contain_text("等级")
    reviewer = show_field(page, "审核员")
    assert reviewer in STAFF_USERNAMES, f"assigned to {reviewer!r}, who has no demo login"
    DAY["reviewer"] = STAFF_USERNAMES[reviewer]  # pick_reviewer: the branch's least loaded
    shot(page, "07-sales1-application-submitted")
    assert_local_only(page)
    assert_no_console_errors(page)


def test_02_reviewer_reads_the_score_and_approves_under_the_cap(page_for):
    need("application_id", "reviewer")
    page = page_for(DAY["reviewer"])
    page.goto(url(page, "/"))
    open_menu(page, "/applicationview/list/")
    list_filter(page, "state", "审核中")  # the review queue: assigned to me, under review
    assert list_rows(page).count() >= 1
    assert all("审核中" in row for row in list_rows(page).all_inner_texts())
    shot(page, "08-reviewer-review-queue")
    with page.expect_navigation():
        list_rows(page).filter(has_text=DAY["application_number"]).locator(
            "a[href*='/applicationview/show/']").click()

    summary = page.locator("#score-summary").inner_text()
    assert re.search(r"评分:\s*\d+", summary) and re.search(r"等级:\s*[A-E]", summary), summary
    factors = page.locator("#score-factors tr").all()[1:]
    reasons = {row.locator("td").nth(0).inner_text(): row.locator("td").nth(3).inner_text()
               for row in factors}
    explained = {name: why for name, why in reasons.items() if why and why != "未知"}
    assert len(explained) >= 8, reasons
    assert explained.get("有房产") == "有房产" and "月收入" in explained.get("月收入（元）", "")
    shot(page, "09-reviewer-score-explained")

    # 9.6 % is the product's maximum, but with the 1 % fee over 6 months the annualized
    # rate (IRR) is about 13.1 %: above 4 × the 3.00 % LPR.
    page.fill("#approve-rate", "9.6")
    submit(page, "#approve")
    assert "请更正以下错误。" in flashes(page) and "拒绝" not in flashes(page), flashes(page)
    refusal = page.locator(".ld-field-error[data-field=annual_rate_pct]").inner_text()
    assert re.search(r"年化利率[\d.]+%超过法定上限12(\.0+)?%", refusal), refusal
    assert page.input_value("#approve-rate") == "9.6"  # what was typed, kept
    assert show_field(page, "状态") == "审核中"
    shot(page, "10-reviewer-rate-over-the-cap-refused")

    page.fill("#approve-rate", "7.2")
    page.fill("#approve-form input[name=conditions]", "放款前提供近6个月银行流水")
    submit(page, "#approve")
    assert "进件当前状态：审批通过。" in flashes(page)
    assert show_field(page, "状态") == "审批通过"
    shot(page, "11-reviewer-approved")
    DAY["approved"] = True
    assert_local_only(page)
    assert_no_console_errors(page)


def test_03_finance_books_disburses_and_collects(page_for):
    need("application_id", "approved")
    page = page_for("finance")
    page.goto(url(page, f"/applicationview/show/{DAY['application_id']}"))
    submit(page, "#book-loan")
    assert re.search(r"借款 LN\w+ 已生成。", flashes(page)), flashes(page)
    DAY["loan_id"] = pk_of(page.url)
    loan_url = page.url
    assert show_field(page, "状态") == "待放款"
    shot(page, "12-finance-loan-booked")

    submit(page, "#generate-loan")
    submit(page, "#contract-issue")
    number = show_field(page, "编号")
    assert number.startswith("JK-") and f"合同 {number} 已出具，PDF 已定稿。" in flashes(page)
    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert CUSTOMER in text and number in text and ID_NUMBER in text  # issued: unmasked
    shot(page, "13-finance-contract-issued")

    page.goto(loan_url)
    page.fill("#disburse-form input[name=funder_reference]", "MSXF-E2E-0001")
    submit(page, "#disburse")
    assert "已放款，还款计划已生成。" in flashes(page)
    first = schedule(page)[0]
    assert first["状态"] == "未到期", first
    due = sum(money(first[k]) for k in ("本金", "利息", "费用", "罚息"))
    assert money(first["应还合计"]) == pytest.approx(due)
    shot(page, "14-finance-disbursed")

    page.fill("#repay-form input[name=amount]", f"{due:.2f}")
    page.fill("#repay-form input[name=reference]", REPAYMENT_REF)
    submit(page, "#repay")
    assert f"已入账还款 ¥{due:,.2f}。" in flashes(page), flashes(page)
    paid, second = schedule(page)[:2]
    assert (paid["状态"], second["状态"]) == ("已付清", "未到期")
    expect(page.locator("#loan-repayments")).to_contain_text(REPAYMENT_REF)
    shot(page, "15-finance-first-installment-paid")
    DAY["repaid"] = due
    assert_local_only(page)
    assert_no_console_errors(page)


def test_04_manager_reports_watches_the_dashboard_and_reassigns(page_for):
    page = page_for("manager")
    page.goto(url(page, "/"))

    # 统计报表: loans disbursed over the last year, by channel.
    open_menu(page, "/reports/")
    with page.expect_navigation():
        page.click("#report-list a[href='/reports/loans/']")
    start = FIRM_TODAY - dt.timedelta(days=365)
    page.fill("#from", start.isoformat())
    page.fill("#to", FIRM_TODAY.isoformat())
    page.select_option("#group", "channel")
    submit(page, "#run-report")
    assert "group=channel" in page.url and f"from={start.isoformat()}" in page.url
    assert page.locator("#report-table thead th").first.inner_text() == "渠道"
    assert page.locator("#report-table tbody tr").count() >= 2
    if "loan_id" in DAY:  # today's loan has no channel: its own row
        ours = page.locator("#report-table tbody tr", has_text="未设置").locator("td")
        assert ours.nth(1).inner_text() == "1" and ours.nth(2).inner_text() == "100,000.00"
    shot(page, "16-manager-loans-report-by-channel")
    with page.expect_download() as download:
        page.click("#export-csv")
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "报表" and rows[0][3] == start.isoformat(), rows[0]
    assert rows[0][5] == FIRM_TODAY.isoformat(), rows[0]
    assert rows[1][0] == "渠道" and "放款金额" in rows[1], rows[1]
    table_groups = page.locator("#report-table tbody tr td:first-child").all_inner_texts()
    assert [r[0] for r in rows[2:2 + len(table_groups)]] == table_groups

    open_menu(page, "/dashboard/")
    page.wait_for_function("() => window.echarts && document.querySelectorAll("
                           "'.chart canvas').length === 7")
    for chart in CHARTS:
        assert page.evaluate(PAINTED, chart) > 50, f"chart {chart} is blank"
    shot(page, "17-manager-dashboard")

    # A draft of sales1's goes to sales2 (last: the known bug below ends the step).
    page.goto(url(page, "/"))  # the dashboard is full screen, without the menus
    open_menu(page, "/applicationview/list/")
    list_filter(page, "state", "草稿")
    edit_href = row_link(page, "陈晓东", "edit")
    page.goto(url(page, edit_href))
    assert page.locator("#owner option:checked").inner_text() == "陈晓东"
    page.select_option("#owner", label="黄丽华")
    submit(page)
    assert_local_only(page)
    assert_no_console_errors(page)
    if "有人修改了此记录" in flashes(page):
        shot(page, "18-manager-reassignment-refused")
        pytest.xfail(BUGS["edit_conflict"])
    assert "记录已更新" in flashes(page)
    DAY["reassigned_id"] = pk_of(edit_href)
    page.goto(url(page, f"/applicationview/show/{DAY['reassigned_id']}"))
    assert show_field(page, "负责人") == "黄丽华"
    shot(page, "18-manager-application-reassigned")
    assert_no_console_errors(page)


def test_05_admin_adds_a_salesperson_and_edits_a_role(page_for, new_page):
    admin = page_for("admin")
    admin.goto(url(admin, "/users/add"))
    admin.fill("#last_name", NEW_LAST)  # 姓 before 名
    admin.fill("#first_name", NEW_FIRST)
    admin.fill("#username", NEW_USER)
    admin.fill("#email", f"{NEW_USER}@loandesk.example")
    multi_add(admin, "roles", "业务员")
    admin.fill("#password", NEW_PASSWORD)
    admin.fill("#conf_password", NEW_PASSWORD)
    # The staff profile in the same form: without one a salesperson reaches no business
    # data (app/scoping.py).
    admin.select_option("#branch", label="福州总部")
    admin.select_option("#team", label="销售二组")
    submit(admin)
    assert f"已创建登录账号 {NEW_USER} 及 {NEW_LAST}{NEW_FIRST} 的员工档案。" in flashes(admin)
    shot(admin, "19-admin-user-created")

    admin.goto(url(admin, "/staffview/list/"))
    row = list_rows(admin).filter(has_text=NEW_LAST + NEW_FIRST)
    assert row.count() == 1 and "销售二组" in row.inner_text()
    shot(admin, "20-admin-staff-profile-listed")

    user = new_page()
    login(user, NEW_USER, NEW_PASSWORD)
    assert menu_has(user, "/customerview/list/")
    assert user.goto(url(user, "/customerview/list/")).status == 200
    shot(user, "21-sales3-sees-customers")

    admin.goto(url(admin, "/roles/list/"))
    sales_role = list_rows(admin).filter(
        has=admin.locator("td", has_text=re.compile(r"^\s*业务员\s*$")))
    edit_href = sales_role.locator("a[href*='/roles/edit/']").get_attribute("href")
    DAY["sales_role_id"] = pk_of(edit_href)
    admin.goto(url(admin, edit_href))
    try:
        for right in ROLE_RIGHTS:
            multi_remove(admin, "permissions", right)
        submit(admin)
        assert "记录已更新" in flashes(admin)
        shot(admin, "22-admin-sales-role-edited")

        user.goto(url(user, "/"))
        assert not menu_has(user, "/customerview/list/")  # the entry is gone…
        assert menu_has(user, "/pool/")  # …from a menu that is still there
        refused = user.goto(url(user, "/customerview/list/"))
        assert refused.status == 403
        body = user.locator("body").inner_text()
        assert CUSTOMER not in body
        check_or_bug("您没有打开此页面的权限。" in body, "english_403")
        shot(user, "23-sales3-refused-customers")
    finally:
        admin.goto(url(admin, edit_href))
        for right in ROLE_RIGHTS:
            if admin.locator(f".select2-selection__choice[title='{right}']").count() == 0:
                multi_add(admin, "permissions", right)
        submit(admin)
    assert "记录已更新" in flashes(admin)
    user.goto(url(user, "/"))
    assert menu_has(user, "/customerview/list/")
    assert user.goto(url(user, "/customerview/list/")).status == 200
    shot(admin, "24-admin-sales-role-restored")
    DAY["role_changed"] = True
    for page in (admin, user):
        assert_local_only(page)
    assert_no_console_errors(admin)
    assert_console_clean(user, refused=("/customerview/list/",))


def test_06_auditor_finds_the_day_in_the_audit_log(page_for):
    need("customer_id", "application_id")
    page = page_for("auditor")
    page.goto(url(page, "/"))
    open_menu(page, "/auditlogview/list/")
    list_filter(page, "username", "sales1", operator="等于")
    users = list_rows(page).locator("td:nth-child(3)").all_inner_texts()
    assert users and set(users) == {"sales1"}, users
    assert list_rows(page).filter(has_text="创建").filter(has_text="客户").count() >= 1
    shot(page, "25-auditor-sales1-entries")

    created = audit_entries(page, entity="customer", action="create", username="sales1")
    assert created, "no audit entry for the customer's creation"
    assert CUSTOMER in audit_changes(page, created[0])
    assert ID_NUMBER not in page.content()  # masked in the trail too
    check_or_bug(show_field(page, "记录ID") == str(DAY["customer_id"]), "audit_create_id")
    shot(page, "26-auditor-customer-creation")

    approvals = [h for h in audit_entries(
        page, entity="application", record_id=DAY["application_id"], action="transition",
        username=DAY["reviewer"]) if "至：审批通过" in audit_changes(page, h)]
    assert approvals, "no audit entry for the approval"
    shot(page, "27-auditor-approval")

    if "loan_id" in DAY:
        disbursed = [h for h in audit_entries(
            page, entity="loan", record_id=DAY["loan_id"], action="transition",
            username="finance") if "至：还款中" in audit_changes(page, h)]
        assert disbursed, "no audit entry for the disbursement"
        repaid = [h for h in audit_entries(page, entity="repayment", action="create",
                                           username="finance")
                  if REPAYMENT_REF in audit_changes(page, h)]
        assert repaid, "no audit entry for the repayment"
        shot(page, "28-auditor-repayment")

    if "reassigned_id" in DAY:
        updates = audit_entries(page, entity="application", record_id=DAY["reassigned_id"],
                                action="update", username="manager")
        assert updates, "no audit entry for the reassignment"
        changes = [audit_changes(page, h) for h in updates]
        check_or_bug(any("黄丽华" in c for c in changes), "audit_owner_ids",
                     changes=changes)
        shot(page, "29-auditor-reassignment")

    if "role_changed" in DAY:
        role_changes = [audit_changes(page, h) for h in audit_entries(
            page, entity="ab_role", record_id=DAY["sales_role_id"], action="permission",
            username="admin")]
        assert any(all(f"−{right}" in c for right in ROLE_RIGHTS)
                   for c in role_changes), role_changes
        assert any(all(f"+{right}" in c for right in ROLE_RIGHTS)
                   for c in role_changes), role_changes
        shot(page, "30-auditor-role-change")
        user_created = [c for c in (audit_changes(page, h) for h in audit_entries(
            page, entity="ab_user", action="create", username="admin")) if NEW_USER in c]
        assert user_created, "no audit entry for the new user"
        if not any("业务员" in c for c in user_created):  # the role, in words
            raw = any("角色：Sales" in c for c in user_created)
            known_bug(BUGS["audit_user_roles_raw" if raw else "audit_user_roles"])
    assert_local_only(page)
    assert_no_console_errors(page)


def test_07_sales2_cannot_reach_sales1s_customer(page_for):
    need("customer_id", "application_id", "document_id")
    page = page_for("sales2")
    page.goto(url(page, "/"))
    open_menu(page, "/customerview/list/")
    names = list_rows(page).locator("td:nth-child(2)").all_inner_texts()
    assert names and CUSTOMER not in names
    own = names[0]
    list_filter(page, "name", CUSTOMER)
    assert list_rows(page).count() == 0
    assert "未找到记录" in page.locator(".panel-body").first.inner_text()
    shot(page, "31-sales2-search-finds-nothing")
    page.goto(url(page, f"/customerview/list/?_flt_0_id_number_hash={ID_NUMBER}"))
    assert list_rows(page).count() == 0  # not by the exact ID number either

    for form in ("/followupview/add", "/applicationview/add", "/documentview/upload"):
        page.goto(url(page, form))
        offered = ajax_search(page, "customer", CUSTOMER[:2])
        assert CUSTOMER not in offered, (form, offered)
        check_or_bug(not any(re.search(r"[A-Za-z]{3}", o) for o in offered),
                     "select2_english", offered=offered)
        shot(page, f"32-sales2-lookup-offers-nothing-{form.split('/')[1]}")
    page.goto(url(page, "/followupview/add"))
    assert own in ajax_search(page, "customer", own)  # the search itself works
    page.goto(url(page, f"/lookup/customer?q={quote(CUSTOMER[:2])}"))
    assert json.loads(page.locator("body").inner_text())["results"] == []

    typed = (f"/customerview/show/{DAY['customer_id']}",
             f"/customerview/edit/{DAY['customer_id']}",
             f"/applicationview/show/{DAY['application_id']}",
             f"/documentview/file/{DAY['document_id']}")
    typed += (f"/loanview/show/{DAY['loan_id']}",) if "loan_id" in DAY else ()
    for path in typed:
        response = page.goto(url(page, path))
        assert response.status in (403, 404), (path, response.status)
        body = page.locator("body").inner_text()
        assert CUSTOMER not in body and ID_NUMBER[-4:] not in body
        check_or_bug(re.search(r"[\u4e00-\u9fff]", body) is not None, "english_404")
    shot(page, "33-sales2-typed-url-not-found")
    assert_local_only(page)
    assert_console_clean(page, refused=typed)


def test_08_known_app_bugs():
    """The bugs met on the way that did not block the day: xfail while any remain."""
    if KNOWN_BUGS:
        pytest.xfail("app bugs met during the day:\n" + "\n".join(
            f"{n}. {bug}" for n, bug in enumerate(KNOWN_BUGS, start=1)))

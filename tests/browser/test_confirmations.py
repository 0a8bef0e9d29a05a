"""Destructive actions ask first, naming the record and what follows; a refusal keeps what
was typed (issue 17).  In Chinese, at 1440 px, on the demo book: finance writes a loan off
(cancels once, then confirms) and reverses a repayment; a reviewer is refused a rate over the
product's limit (the input kept, the reason beside the field), then rejects an application;
an admin is asked before deleting a draft; a salesperson's repaying application shows no
edit icon.  Every step saves test-artifacts/browser/confirm-*.png.
"""

from __future__ import annotations

import re

from tests.browser.day_support import assert_console_clean, flashes, submit
from tests.browser.support import page_log, shot

WIDTH = 1440


def go(page, path: str) -> None:
    page.goto(page_log(page).base_url + path)


def open_tab(page, list_path: str, code: str) -> None:
    go(page, list_path)
    with page.expect_navigation():
        page.click(f"#status-tabs a[data-code='{code}']")


def first_show(page) -> str:
    href = page.locator("table a[href*='/show/']").first.get_attribute("href")
    go(page, href)
    return href


def dialog(page):
    box = page.locator("#ld-confirm")
    box.wait_for(state="visible")
    return box


def test_finance_writes_a_loan_off_only_after_confirming(page_for):
    page = page_for("finance")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(page, "/loanview/list/", "overdue")
    first_show(page)
    number = page.locator("#loan-panel > .panel-heading .panel-title").inner_text().split()[0]
    page.fill("#write-off-form input[name=reason]", "客户失联三个月")
    page.click("#write-off")
    box = dialog(page)
    text = box.locator(".ld-confirm-text").inner_text()
    assert number in text and "不可撤销" in text
    shot(page, "confirm-write-off-dialog")
    box.locator(".ld-confirm-cancel").click()
    box.wait_for(state="hidden")
    assert page.locator("#write-off-form").count() == 1  # nothing happened
    page.click("#write-off")
    with page.expect_navigation():
        dialog(page).locator(".ld-confirm-ok").click()
    assert "贷款已核销" in flashes(page) or "核销" in flashes(page)
    assert page.locator("#write-off-form").count() == 0
    shot(page, "confirm-write-off-done")
    assert_console_clean(page)


def test_finance_reverses_a_repayment_naming_it(page_for):
    page = page_for("finance")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(page, "/loanview/list/", "active")
    loans = [a.get_attribute("href") for a in page.locator("table a[href*='/show/']").all()]
    for href in loans:  # the first loan with a repayment to reverse
        go(page, href)
        if page.locator(".reverse-form").count():
            break
    form = page.locator(".reverse-form").first
    form.locator("input[name=reason]").fill("重复入账")
    form.locator("button").click()
    text = dialog(page).locator(".ld-confirm-text").inner_text()
    assert "冲正" in text and "¥" in text
    shot(page, "confirm-reversal-dialog")
    with page.expect_navigation():
        dialog(page).locator(".ld-confirm-ok").click()
    assert "冲正" in flashes(page)
    assert_console_clean(page)


def test_a_reviewer_is_refused_a_rate_over_the_limit_then_rejects_after_confirming(page_for):
    page = page_for("reviewer")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(page, "/applicationview/list/", "under_review")
    first_show(page)
    limits = page.locator("#rate-limits").inner_text()
    assert "产品利率区间" in limits and "法定上限" in limits
    apr_before = page.locator("#approve-apr strong").inner_text()
    page.fill("#approve-rate", "11")
    page.wait_for_function(
        "t => document.querySelector('#approve-apr strong').textContent !== t", arg=apr_before)
    page.fill("#approve-rate", "24")
    page.fill("#approve-conditions", "补充银行流水")
    submit(page, "#approve")
    error = page.locator(".ld-field-error[data-field=annual_rate_pct]").inner_text()
    assert re.fullmatch(r"年利率 24\.00% 超过该产品上限 \d+\.\d\d%，请调整", error), error
    assert page.input_value("#approve-rate") == "24"
    assert page.input_value("#approve-conditions") == "补充银行流水"
    assert "拒绝" not in page.locator(".alert-danger").first.inner_text()
    shot(page, "confirm-rate-refused")
    number = page.locator("#reject-form").get_attribute("data-confirm")
    page.select_option("#reject-form select[name=reason_code]", "high_dti")
    page.click("#reject")
    text = dialog(page).locator(".ld-confirm-text").inner_text()
    assert text == number and "不可恢复" in text
    shot(page, "confirm-reject-dialog")
    with page.expect_navigation():
        dialog(page).locator(".ld-confirm-ok").click()
    assert "已拒绝" in flashes(page)
    assert_console_clean(page)


def test_an_admin_is_asked_before_deleting_a_draft(page_for):
    page = page_for("admin")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(page, "/applicationview/list/", "draft")
    delete = page.locator("form.ld-delete").first
    expected = delete.get_attribute("data-confirm")
    delete.locator("button").click()
    text = dialog(page).locator(".ld-confirm-text").inner_text()
    assert text == expected and "AP" in text and "无法恢复" in text
    shot(page, "confirm-delete-dialog")
    dialog(page).locator(".ld-confirm-cancel").click()
    assert_console_clean(page)


def test_a_repaying_application_offers_no_edit(page_for):
    page = page_for("sales1")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(page, "/applicationview/list/", "repaying")
    rows = page.locator(".table-responsive table tbody tr")
    assert rows.count() > 0
    assert page.locator(".table-responsive a[href*='/applicationview/edit/']").count() == 0
    open_tab(page, "/applicationview/list/", "draft")
    assert page.locator(".table-responsive a[href*='/applicationview/edit/']").count() > 0
    shot(page, "confirm-no-edit-when-repaying")
    assert_console_clean(page)


def test_voiding_a_contract_and_withdrawing_an_application_ask_first(page_for):
    page = page_for("finance")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(page, "/loanview/list/", "active")
    first_show(page)
    with page.expect_navigation():
        page.click("#generate-service")  # a draft of the loan's service contract
    page.fill("#void-form input[name=reason]", "生成错误")
    page.locator("#void-form button").click()
    text = dialog(page).locator(".ld-confirm-text").inner_text()
    number = page.locator("#void-form").get_attribute("data-confirm")
    assert text == number and "作废" in text and "JJ-" in text
    shot(page, "confirm-void-dialog")
    dialog(page).locator(".ld-confirm-cancel").click()
    assert_console_clean(page)

    sales = page_for("sales1")
    sales.set_viewport_size({"width": WIDTH, "height": 900})
    open_tab(sales, "/applicationview/list/", "draft")
    first_show(sales)
    sales.click("#move-withdrawn")
    text = dialog(sales).locator(".ld-confirm-text").inner_text()
    assert "撤回" in text and "AP" in text
    dialog(sales).locator(".ld-confirm-cancel").click()
    assert sales.locator("#move-withdrawn").count() == 1  # still a draft
    assert_console_clean(sales)

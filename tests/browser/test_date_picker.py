"""The date picker as staff meet it: one calendar for the hand-written date fields
(``input.ld-date``, here the report's 起 / 止) and the generated forms' Date fields (FAB's
``.appbuilder_date``, here a consent's 授权日期), Chinese on a Chinese page and English on an
English one, served from 127.0.0.1 only; a day picked or an existing value reads yyyy-mm-dd
in both languages, and a date that does not exist is refused in words, as typed."""

from __future__ import annotations

import re

from tests.browser.support import (
    assert_local_only,
    assert_no_console_errors,
    page_log,
    shot,
)

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PICKER = ".datepicker-dropdown"
# What the calendar of November 2026 says, worked out by hand: its title and the weekday
# heads from Monday (the firm's weeks run Monday to Sunday).
CALENDAR = {
    "zh_CN": {"title": "2026年11月", "weekdays": ["一", "二", "三", "四", "五", "六", "日"],
              "today": "今天", "clear": "清除"},
    "en": {"title": "November 2026", "weekdays": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
           "today": "Today", "clear": "Clear"},
}


def calendar_on(page) -> dict:
    picker = page.locator(PICKER)
    picker.wait_for(state="visible")
    days = picker.locator(".datepicker-days")
    return {"title": days.locator(".datepicker-switch").inner_text().strip(),
            "weekdays": [t.strip() for t in days.locator("th.dow").all_inner_texts()],
            "today": days.locator("tfoot th.today").inner_text().strip(),
            "clear": days.locator("tfoot th.clear").inner_text().strip()}


def pick_day(page, day: int) -> None:
    """Click a day of the month shown (not one of the greyed days of the months around it)."""
    page.locator(f"{PICKER} .datepicker-days td.day:not(.old):not(.new)",
                 has_text=re.compile(rf"^{day}$")).click()
    page.locator(PICKER).wait_for(state="hidden")  # it closes on a pick


def test_report_dates_are_picked_in_the_page_language(page_for):
    page = page_for("manager")
    base = page_log(page).base_url
    for lang, expected in CALENDAR.items():
        page.goto(f"{base}/lang/{lang}")
        page.goto(f"{base}/reports/loans/?group=month&from=2026-11-01&to=2026-11-30")
        assert page.get_attribute("#from", "type") == "text"  # not the browser's own widget
        assert page.get_attribute("#from", "placeholder") == "yyyy-mm-dd"
        page.click("#from")
        assert calendar_on(page) == expected
        shot(page, f"date-picker-report-{lang}")
        pick_day(page, 17)
        assert page.input_value("#from") == "2026-11-17"
        page.click("#to")
        assert calendar_on(page)["title"] == expected["title"]
        pick_day(page, 3)
        assert page.input_value("#to") == "2026-11-03"
    assert_local_only(page)
    assert_no_console_errors(page)


def test_a_date_that_does_not_exist_is_refused_as_typed(page_for):
    page = page_for("manager")
    base = page_log(page).base_url
    page.goto(f"{base}/lang/zh_CN")
    page.goto(f"{base}/reports/loans/?group=month&from=2026-11-01&to=2026-11-30")
    page.fill("#from", "2026-02-30")
    page.keyboard.press("Escape")  # the picker closes and leaves the text alone
    page.locator(".panel-title").click()  # the box loses focus: still what was typed
    assert page.input_value("#from") == "2026-02-30"
    with page.expect_navigation():
        page.click("#run-report")
    assert page.input_value("#from") == "2026-02-30"
    error = page.locator(".field-error[data-field=from]")
    assert error.inner_text() == "请输入有效日期，格式为YYYY-MM-DD。"
    assert_no_console_errors(page)


def first_edit_link(page, base: str, view: str, row_text: str = "") -> str:
    page.goto(f"{base}/{view}/list/")
    rows = page.locator("tr", has_text=row_text) if row_text else page
    return rows.locator(f"a[href*='/{view}/edit/']").first.get_attribute("href")


def test_generated_forms_date_fields_use_the_same_calendar(page_for):
    page = page_for("manager")
    base = page_log(page).base_url
    page.goto(f"{base}/lang/zh_CN")
    follow_up = first_edit_link(page, base, "followupview")
    customer = first_edit_link(page, base, "customerview", "个人")  # a person: born on a day
    for lang, expected in CALENDAR.items():
        page.goto(f"{base}/lang/{lang}")
        # Existing values, as they are stored: yyyy-mm-dd, not 2026年1月5日 / Jan 5, 2026.
        page.goto(base + customer)
        born = page.locator("input#birth_date").input_value()
        assert ISO_DAY.match(born), born
        page.goto(base + follow_up)
        next_date = page.locator("input#next_date")
        assert ISO_DAY.match(next_date.input_value()), next_date.input_value()
        next_date.fill("")
        next_date.press_sequentially("2026-11-09")  # typed: the calendar follows it
        next_date.click()
        assert calendar_on(page) == expected
        shot(page, f"date-picker-follow-up-{lang}")
        pick_day(page, 24)
        assert next_date.input_value() == "2026-11-24"

    page.goto(f"{base}/lang/zh_CN")
    page.goto(f"{base}/consentview/add")
    granted = page.locator("input#granted_on")
    assert ISO_DAY.match(granted.input_value()), granted.input_value()  # today, by default
    granted.click()
    assert calendar_on(page)["weekdays"] == CALENDAR["zh_CN"]["weekdays"]
    assert_local_only(page)
    assert_no_console_errors(page)

"""The report page in a real browser, as a manager uses it: 上月 fills 起 / 止 with last
month on the firm's calendar, keeps the grouping, and is marked; the staff filter offers
only the branch's people who can own records."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from tests.browser.support import (
    assert_local_only,
    assert_no_console_errors,
    page_log,
    shot,
)


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return end.replace(day=1), end


def test_manager_picks_last_month_with_a_preset(page_for):
    page = page_for("manager")
    page.set_viewport_size({"width": 1440, "height": 900})
    base = page_log(page).base_url
    page.goto(base + "/lang/zh_CN")
    page.goto(base + "/reports/loans/?group=channel")
    presets = page.locator("#report-presets a")
    assert presets.all_inner_texts() == ["本月", "上月", "本季度", "本年"]

    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the demo firm's calendar
    start, end = last_month(today)
    with page.expect_navigation():
        page.click("#preset-last_month")
    query = parse_qs(urlsplit(page.url).query)
    assert query["from"] == [start.isoformat()] and query["to"] == [end.isoformat()]
    assert page.input_value("#from") == start.isoformat()
    assert page.input_value("#to") == end.isoformat()
    assert page.input_value("#group") == "channel"  # the other filters stay
    marked = page.locator("#report-presets a[aria-current=true]")
    assert marked.all_inner_texts() == ["上月"]
    assert "btn-primary" in (marked.get_attribute("class") or "")
    # Marked so it shows: its background differs from the presets that are not.
    colours = page.eval_on_selector_all(
        "#report-presets a", "links => links.map(a => getComputedStyle(a).backgroundColor)")
    assert colours[1] != colours[0] and colours[0] == colours[2] == colours[3]

    staff = page.locator("#f-staff option").all_inner_texts()
    assert staff[0] == "全部"
    assert {"林经理", "陈晓东", "黄丽华"} <= set(staff[1:])
    assert set(staff).isdisjoint({"郑思远", "王春梅", "系统管理员", "吴德明", "许振华"})
    assert page.locator("#report-table").is_visible()
    shot(page, "report-loans-presets-zh")

    assert_local_only(page)
    assert_no_console_errors(page)

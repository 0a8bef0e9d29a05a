"""A salesperson finds a customer with the quick-search box and reads an application list by
status tab, in Chinese at 1440 px: the search, the tab and FAB's own filter form work
together, and nothing on the panel overflows or wraps."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.browser.support import assert_local_only, assert_no_console_errors, page_log, shot

WIDTH = 1440


def rows(page):
    return page.locator(".table-responsive table tbody tr")


def cells(page, column: int) -> list[str]:
    """The text of one column (0 = the row's buttons) in every row shown."""
    return [r.locator("td").nth(column).inner_text().strip() for r in rows(page).all()]


def assert_fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"the page is {width} px wide at {WIDTH} px"
    tabs = page.locator("#status-tabs > li")
    if tabs.count():
        tops = {round(tabs.nth(i).bounding_box()["y"]) for i in range(tabs.count())}
        assert len(tops) == 1, f"the status tabs wrap onto {len(tops)} lines"
    search = page.locator("#quick-search").bounding_box()
    assert search["height"] < 60, f"the search row wraps ({search['height']} px high)"


def test_sales1_searches_customers_and_reads_applications_by_tab(page_for):
    page = page_for("sales1")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    base = page_log(page).base_url

    page.goto(base + "/customerview/list/")
    names = cells(page, 1)
    assert names, "sales1 has customers in the demo data"
    part = names[0][1:]  # the given name, without the surname
    page.fill("#quick-search-text", part)
    with page.expect_navigation():
        page.press("#quick-search-text", "Enter")
    assert parse_qs(urlsplit(page.url).query)["q"] == [part]
    found = cells(page, 1)
    assert names[0] in found and all(part in name for name in found), found
    chips = page.locator("#active-filters").inner_text()
    assert f"“{part}”" in chips and "全部清除" in chips
    assert page.input_value("#quick-search-text") == part
    assert_fits(page)
    shot(page, "list-pages-customer-search")

    # the × on the search chip brings the whole list back
    with page.expect_navigation():
        page.click("#active-filters .ld-chip-remove")
    assert "q" not in parse_qs(urlsplit(page.url).query)
    assert page.locator("#active-filters").count() == 0

    page.goto(base + "/applicationview/list/?q=AP")
    assert page.locator("#status-tabs li.active").inner_text().strip() == "全部"
    with page.expect_navigation():
        page.click("#status-tabs a[data-code=repaying]")
    assert page.locator("#status-tabs li.active").inner_text().strip() == "还款中"
    args = parse_qs(urlsplit(page.url).query)
    assert args["q"] == ["AP"] and args["_flt_3_state"] == ["repaying"]
    states = cells(page, 6)  # number, customer, amount, months, product, state…
    assert states and set(states) == {"还款中"}, states
    assert_fits(page)
    shot(page, "list-pages-application-tab")

    # FAB's filter form ("more filters") keeps the search and the tab when it is sent
    page.click("a[href='#accordion1_href']")
    page.locator("#filter_form button[type=submit]").wait_for(state="visible")
    with page.expect_navigation():
        page.click("#filter_form button[type=submit]")
    args = parse_qs(urlsplit(page.url).query)
    assert args["q"] == ["AP"] and args["_flt_3_state"] == ["repaying"], args
    assert set(cells(page, 6)) == {"还款中"}

    page.goto(base + "/loanview/list/")
    assert "贷款由审批通过的进件生成" in page.locator("#list-help").inner_text()
    assert_fits(page)
    shot(page, "list-pages-loan-help")

    assert_local_only(page)
    assert_no_console_errors(page)

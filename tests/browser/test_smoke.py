"""Smoke test: a manager logs in through the real login page and sees the home page."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.browser.support import (
    LOCAL_HOST,
    assert_local_only,
    assert_no_console_errors,
    page_log,
    shot,
)


def test_manager_home_page(page_for):
    page = page_for("manager")
    page.goto(page_log(page).base_url + "/")
    page.wait_for_load_state("networkidle")
    assert page.locator("a[href*='/logout']").count() > 0
    shot(page, "smoke-manager-home")

    assert_local_only(page)
    assert_no_console_errors(page)
    hosts = {urlsplit(url).hostname for url in page_log(page).requests}
    assert hosts == {LOCAL_HOST}, hosts

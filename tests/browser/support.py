"""Helpers for the browser tests: ``login``, ``shot``, and checks on what a page did.

Pages come from the ``new_page`` / ``page_for`` fixtures (tests/browser/conftest.py), which
record every page's requests, console messages and uncaught errors here, and abort any
request that is not to 127.0.0.1.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
LOCAL_HOST = "127.0.0.1"
DEMO_USERS = ("admin", "manager", "sales1", "sales2", "reviewer", "finance", "auditor")


@dataclass
class PageLog:
    """What one page did: every request URL, what was blocked, console and page errors."""

    base_url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console: list[tuple[str, str, str]] = field(default_factory=list)  # type, text, source
    page_errors: list[str] = field(default_factory=list)

    def console_errors(self) -> list[str]:
        """Console errors and uncaught exceptions; a missing favicon is not an error."""
        errors = [f"{text} ({source})" for kind, text, source in self.console
                  if kind == "error" and "favicon" not in source]
        return errors + [f"uncaught: {error}" for error in self.page_errors]

    def console_text(self) -> str:
        lines = [f"[{kind}] {text}  ({source})" for kind, text, source in self.console]
        lines += [f"[pageerror] {error}" for error in self.page_errors]
        lines += [f"[blocked] {url}" for url in self.blocked]
        return "\n".join(lines) + "\n"


_LOGS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True  # not a network request
    return parts.hostname == LOCAL_HOST


def open_page(browser, base_url: str):
    """A page in a fresh context (own cookies) that records what it does and lets nothing
    but 127.0.0.1 through: other requests are aborted and listed in ``page_log().blocked``."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                  viewport={"width": 1366, "height": 900})
    log = PageLog(base_url)

    def guard(route):
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            log.blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    _LOGS[page] = log
    page.on("request", lambda request: log.requests.append(request.url))
    page.on("websocket", lambda ws: None if is_local(ws.url) else log.blocked.append(ws.url))
    page.on("console", lambda message: log.console.append(
        (message.type, message.text, (message.location or {}).get("url", ""))))
    page.on("pageerror", lambda error: log.page_errors.append(str(error)))
    return page


def page_log(page) -> PageLog:
    return _LOGS[page]


def assert_local_only(page) -> None:
    """Fail listing every request that tried to leave 127.0.0.1 (they were aborted)."""
    blocked = page_log(page).blocked
    assert not blocked, "requests outside 127.0.0.1 (aborted):\n" + "\n".join(blocked)


def assert_no_console_errors(page) -> None:
    errors = page_log(page).console_errors()
    assert not errors, "console errors:\n" + "\n".join(errors)


def login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the real login page (CSRF token and all) and check it worked."""
    page.goto(page_log(page).base_url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form[name=login] [type=submit]")
    assert urlsplit(page.url).path.rstrip("/") != "/login", (
        f"login as {username} failed, still on {page.url}")
    assert page.locator("a[href*='/logout']").count() > 0, (
        f"login as {username}: no logout link on {page.url}")


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150]


def shot(page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/browser/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{safe_name(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

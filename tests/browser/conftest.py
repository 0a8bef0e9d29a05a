"""Browser tests: Debian's chromium, driven by Playwright, against LoanDesk as a user runs it.

``live_server`` serves LoanDesk with gunicorn, as ``make run`` does, CSRF and the login rate
limit on.  The demo database is built once per session with ``flask loandesk init``; each
test module gets its own copy of it and its own server, so what one module's day leaves
never meets another module.  It never uses ``TEST_DATABASE_URL``: the browser tests always
run on their own SQLite databases, so ``make test`` runs them once, in the SQLite pass.

Pages come from ``new_page()`` or ``page_for(role)``; helpers (``login``, ``shot``,
``assert_local_only``, ``assert_no_console_errors``) are in tests/browser/support.py.  A
page lets only requests to 127.0.0.1 through: anything else is aborted, recorded, and fails
the test (a firm may run offline; LoanDesk must never need the internet).  A failing test
leaves under ``test-artifacts/browser/`` the HTML, console log and a screenshot of each page
it opened, and the server's log.

Every test under tests/browser is marked ``browser``: ``pytest -m "not browser"`` leaves them
out.  Chromium is never downloaded (no ``playwright install``): without /usr/bin/chromium or
the playwright package these tests fail and say what to install.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.support import (
    ARTIFACTS,
    DEMO_PASSWORD,
    DEMO_USERS,
    LOCAL_HOST,
    ROOT,
    login,
    open_page,
    page_log,
    safe_name,
)
from tests.conftest import copy_sqlite_database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
START_TIMEOUT = 60  # seconds for gunicorn to answer GET /health

PAGES = pytest.StashKey[list]()
SERVER = pytest.StashKey["LiveServer"]()


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


# --- the server -------------------------------------------------------------------------

@dataclass
class LiveServer:
    url: str
    log: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


def _venv_tool(name: str) -> str:
    """The console script beside the running interpreter (.venv/bin/flask under make)."""
    tool = Path(sys.executable).parent / name
    if not tool.exists():
        pytest.fail(f"{tool} not found: run the browser tests with the project's venv "
                    "(make test, or .venv/bin/python -m pytest tests/browser)", pytrace=False)
    return str(tool)


def _server_env(database: Path, instance: Path, keys: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    env.update({
        "FLASK_APP": "run.py",
        "DATABASE_URL": f"sqlite:///{database}",  # always its own, never the test DB
        "LOANDESK_INSTANCE_DIR": str(instance),  # uploads and keys: not the repo's
        **keys,  # the demo database's: its encrypted columns are read with them
        "LOANDESK_DEMO_PASSWORD": DEMO_PASSWORD,  # config.py's DEMO_PASSWORD
        "WTF_CSRF_ENABLED": "true",  # real forms, real tokens
        "RATELIMIT_ENABLED": "true",
        # Per IP, and every test logs in from 127.0.0.1: on, but not 20 a minute.
        "LOANDESK_LOGIN_RATE_LIMIT": "600 per minute",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _wait_healthy(server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"gunicorn exited with {server.process.returncode}:\n"
                        f"{server.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(server.url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    pytest.fail(f"GET /health did not answer 200 within {START_TIMEOUT} s:\n"
                f"{server.log_tail()}", pytrace=False)


@dataclass
class DemoDatabase:
    path: Path
    keys: dict[str, str]


@pytest.fixture(scope="session")
def browser_demo_database(tmp_path_factory) -> DemoDatabase:
    """The demo database the servers start from, built once by ``flask loandesk init``."""
    from scripts.compile_translations import compile_all

    compile_all()  # as in tests/conftest.py: never against stale catalogs
    tmp = tmp_path_factory.mktemp("live-demo")
    # Given, so two workers never race to create them, and the same for every copy.
    keys = {"SECRET_KEY": secrets.token_hex(32),
            "LOANDESK_DATA_KEY": urlsafe_b64encode(secrets.token_bytes(32)).decode()}
    demo = DemoDatabase(tmp / "loandesk.db", keys)
    env = _server_env(demo.path, tmp / "instance", keys)
    init = subprocess.run([_venv_tool("flask"), "loandesk", "init"], cwd=ROOT, env=env,
                          check=False, capture_output=True, text=True, timeout=300)
    assert init.returncode == 0, f"flask loandesk init failed:\n{init.stdout}\n{init.stderr}"
    return demo


@pytest.fixture(scope="module")
def live_server(request, tmp_path_factory, browser_demo_database):
    """Base URL of a gunicorn-served LoanDesk (2 workers) on this module's copy of the demo
    database."""
    tmp = tmp_path_factory.mktemp("live")
    copy_sqlite_database(browser_demo_database.path, tmp / "loandesk.db")
    env = _server_env(tmp / "loandesk.db", tmp / "instance", browser_demo_database.keys)
    port, log = _free_port(), tmp / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_venv_tool("gunicorn"), "--workers", "2", "--bind", f"{LOCAL_HOST}:{port}",
             "--access-logfile", "-", "run:app"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://{LOCAL_HOST}:{port}", log, process)
    request.config.stash[SERVER] = server
    try:
        _wait_healthy(server)
        yield server.url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the browser ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need the playwright package: .venv/bin/pip install "
                    "-r requirements-dev.txt (or leave them out: -m 'not browser')",
                    pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}: run "
                    "scripts/install-sysdeps.sh --test (make test does), never "
                    "`playwright install`; or leave them out: -m 'not browser'", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def new_page(browser, live_server, request):
    """``new_page()``: a fresh page in its own browser context (own cookies), not logged in.
    At teardown, fails if any page tried to reach beyond 127.0.0.1."""
    opened = request.node.stash.setdefault(PAGES, [])

    def make():
        page = open_page(browser, live_server)
        opened.append(page)
        return page

    yield make
    blocked = [url for page in opened for url in page_log(page).blocked]
    for page in opened:
        page.context.close()
    if blocked:
        pytest.fail("requests outside 127.0.0.1 (aborted):\n" + "\n".join(blocked),
                    pytrace=False)


@pytest.fixture()
def page_for(new_page):
    """``page_for(role)``: a page logged in (through /login/) as that demo user."""

    def make(username: str):
        assert username in DEMO_USERS, f"{username!r} is not a demo user: {DEMO_USERS}"
        page = new_page()
        login(page, username)
        return page

    return make


# --- artifacts on failure ---------------------------------------------------------------

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed and report.when in {"setup", "call", "teardown"}:
        _save_failure(item, report.when)
    return report


def _save_failure(item, when: str) -> None:
    from playwright.sync_api import Error as PlaywrightError

    pages = item.stash.get(PAGES, [])
    if not pages:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = "FAILED-" + safe_name(item.nodeid.split("tests/browser/", 1)[-1])
    for index, page in enumerate(pages):
        prefix = f"{ARTIFACTS / stem}-{index}"
        Path(f"{prefix}.console.txt").write_text(f"url: {page.url}\n"
                                                 + page_log(page).console_text())
        if when == "teardown" or page.is_closed():
            continue  # teardown closed the pages; the console log says what was blocked
        try:
            Path(f"{prefix}.html").write_text(page.content())
            page.screenshot(path=f"{prefix}.png", full_page=True)
        except PlaywrightError as error:  # a crashed page must not hide the test's own failure
            Path(f"{prefix}.error.txt").write_text(repr(error))
    server = item.config.stash.get(SERVER, None)
    if server is not None and server.log.exists():
        shutil.copyfile(server.log, ARTIFACTS / f"{stem}-server.log")

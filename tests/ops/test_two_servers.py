"""Two app servers, one PostgreSQL: nothing either keeps in its own memory makes them
disagree.  A session opened on one is good on the other, so is a JWT; a lockout earned
half on each holds on both; a file uploaded through one downloads through the other; the
same payment posted to both at once is booked once.

Two gunicorn processes (as behind nginx), each on its own port, share DATABASE_URL,
SECRET_KEY, LOANDESK_DATA_KEY and the upload folder — the layout README's "Scaling past one
server" describes.  Runs in the PostgreSQL pass.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests import ROOT
from tests.conftest import DEMO_PASSWORD, database_copy

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                                reason="two servers share one PostgreSQL (the PostgreSQL pass)")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
       b"5\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def servers(tmp_path_factory, demo_database):
    """Two gunicorn servers on one copy of the suite's demo database (built in this process:
    its encrypted columns are read with this process's data key)."""
    from config import Config

    tmp = tmp_path_factory.mktemp("two")
    bin_dir = Path(sys.executable).parent
    with database_copy(demo_database, tmp) as url:
        env = {**os.environ, "FLASK_APP": "run.py", "DATABASE_URL": url,
               "LOANDESK_INSTANCE_DIR": str(tmp / "instance"),
               "LOANDESK_UPLOAD_FOLDER": str(tmp / "shared-uploads"),
               "SECRET_KEY": secrets.token_hex(32),
               "LOANDESK_DATA_KEY": Config.LOANDESK_DATA_KEY,
               "LOANDESK_DEMO_PASSWORD": DEMO_PASSWORD,
               "LOANDESK_LOGIN_RATE_LIMIT": "600 per minute"}
        env.pop("TEST_DATABASE_URL", None)
        procs, urls = [], []
        for _ in range(2):
            port = _port()
            log = open(tmp / f"gunicorn-{port}.log", "w")  # noqa: SIM115 — closed below
            procs.append((subprocess.Popen(
                [str(bin_dir / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
                 "run:app"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
            urls.append(f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + 60
            for server in urls:
                while True:
                    try:
                        if requests.get(server + "/health", timeout=2).status_code == 200:
                            break
                    except requests.RequestException:
                        pass
                    assert time.monotonic() < deadline, "a server did not start"
                    time.sleep(0.2)
            yield urls
        finally:
            for proc, log in procs:
                proc.terminate()
                proc.wait(timeout=20)
                log.close()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def form_login(session: requests.Session, url: str, username: str, password: str):
    token = csrf_token(session.get(url + "/login/").text)
    return session.post(url + "/login/", data={"username": username, "password": password,
                                               "csrf_token": token}, allow_redirects=False)


def jwt(url: str, username: str, password: str = DEMO_PASSWORD) -> requests.Response:
    return requests.post(url + "/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db"})


def test_a_session_and_a_token_from_one_server_are_good_on_the_other(servers):
    a, b = servers
    browser = requests.Session()
    assert form_login(browser, a, "manager", DEMO_PASSWORD).status_code == 302
    page = browser.get(b + "/customerview/list/", allow_redirects=False)
    assert page.status_code == 200 and "/logout" in page.text
    token = jwt(a, "finance").json()["access_token"]
    listed = requests.get(b + "/api/v1/loans/", headers={"Authorization": f"Bearer {token}"})
    assert listed.status_code == 200 and listed.json()["count"] > 0


def test_a_lockout_earned_on_both_servers_holds_on_both(servers):
    a, b = servers
    for i in range(5):
        assert jwt((a, b)[i % 2], "sales2", "Wrong#Password1").status_code == 401
    assert jwt(a, "sales2").status_code == 401  # the right password, refused on both
    assert jwt(b, "sales2").status_code == 401


def test_a_file_uploaded_through_one_downloads_through_the_other(servers):
    a, b = servers
    browser = requests.Session()
    form_login(browser, a, "manager", DEMO_PASSWORD)
    token = jwt(a, "manager").json()["access_token"]
    customer = requests.get(a + "/api/v1/customers/", headers={
        "Authorization": f"Bearer {token}"}).json()["ids"][0]
    form = browser.get(a + "/documentview/upload").text
    sent = browser.post(a + "/documentview/upload", data={
        "csrf_token": csrf_token(form), "customer": str(customer), "kind": "id_card"},
        files={"file": ("id-scan.png", PNG, "image/png")}, allow_redirects=False)
    assert sent.status_code == 302, sent.text[:500]
    pk = int(sent.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    got = browser.get(b + f"/documentview/file/{pk}")
    assert got.status_code == 200 and got.content == PNG


def test_one_payment_posted_to_both_servers_at_once_is_booked_once(servers):
    a, b = servers
    token = jwt(a, "finance").json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    loans = requests.get(a + "/api/v1/loans/", headers=headers,
                         params={"q": '(filters:!((col:state,opr:eq,value:active)))'}).json()
    loan = loans["ids"][0]
    body = {"amount": "100.00", "paid_on": time.strftime("%Y-%m-%d"),
            "reference": uuid.uuid4().hex[:16], "idempotency_key": uuid.uuid4().hex}
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda url: requests.post(
            f"{url}/api/v1/loans/{loan}/repayments", json=body, headers=headers), (a, b)))
    assert sorted(r.status_code for r in answers) == [200, 201], [r.text for r in answers]
    ids = {r.json()["repayment"]["id"] for r in answers}
    assert len(ids) == 1

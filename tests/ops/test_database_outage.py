"""The database going away: pages answer a plain 503 page, the API a 503 JSON message,
``/health`` says so — and the same app answers again by itself once the database is back.

SQLite: the database's folder disappears and comes back.  PostgreSQL: the connection runs
through a TCP relay in the test that is cut and restored, as a network or server outage
would; the app's pool (pre-ping) recovers without a restart.
"""

from __future__ import annotations

import os
import socket
import threading
from urllib.parse import urlsplit, urlunsplit

import pytest

from app import create_app
from tests.conftest import DEMO_PASSWORD, copy_sqlite_database


def outage_app(url: str, upload_folder: str):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "AUTH_RATE_LIMITED": False, "UPLOAD_FOLDER": upload_folder})
    return app


def check_up(client, token):
    assert client.get("/customerview/list/").status_code == 200
    assert client.get("/health").get_json() == {"status": "ok", "db": "ok"}
    api = client.get("/api/v1/customers/", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200


def check_down(client, token):
    page = client.get("/customerview/list/")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    text = page.get_data(as_text=True)
    assert "暂时无法使用" in text and "Traceback" not in text
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["db"] == "error"
    api = client.get("/api/v1/customers/", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 503 and "message" in api.get_json()


def login(client):
    client.post("/login/", data={"username": "admin", "password": DEMO_PASSWORD})
    client.get("/lang/zh_CN")
    response = client.post("/api/v1/security/login", json={
        "username": "admin", "password": DEMO_PASSWORD, "provider": "db"})
    return response.get_json()["access_token"]


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")), reason="the SQLite pass")
def test_sqlite_folder_gone_and_back(app, tmp_path):
    source = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"]).path
    folder = tmp_path / "data"
    folder.mkdir()
    copy_sqlite_database(source, folder / "loandesk.sqlite")
    other = outage_app(f"sqlite:///{folder / 'loandesk.sqlite'}", str(tmp_path / "uploads"))
    client = other.test_client()
    token = login(client)
    check_up(client, token)
    with other.app_context():
        from app.extensions import db

        db.engine.dispose()  # a worker with no open connection when the disk goes
    folder.rename(tmp_path / "moved")
    check_down(client, token)
    (tmp_path / "moved").rename(folder)
    check_up(client, token)  # no restart


class Relay:
    """A TCP relay to the database that can be cut (every connection dropped) and restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = None
        self.server = None
        self.links: list[socket.socket] = []

    def start(self) -> None:
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port or 0))
        self.port = self.server.getsockname()[1]
        self.server.listen()
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.links += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        try:  # wakes the thread blocked in accept(); close() alone would leave it listening
            self.server.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.server.close()
        for s in self.links:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.links = []


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="the PostgreSQL pass")
def test_postgresql_outage_and_recovery(app, tmp_path):
    url = urlsplit(app.config["SQLALCHEMY_DATABASE_URI"])
    relay = Relay((url.hostname or "127.0.0.1", url.port or 5432))
    relay.start()
    netloc = url.netloc.rsplit("@", 1)
    via = f"{netloc[0]}@127.0.0.1:{relay.port}" if len(netloc) == 2 \
        else f"127.0.0.1:{relay.port}"
    other = outage_app(urlunsplit(url._replace(netloc=via)), str(tmp_path / "uploads"))
    client = other.test_client()
    token = login(client)
    check_up(client, token)
    relay.cut()  # the server is gone: live connections drop, new ones are refused
    check_down(client, token)
    relay.start()  # back on the same address
    check_up(client, token)  # no restart
    relay.cut()


def test_refused_and_missing_pages_are_translated_pages(app):
    """403 and 404 (an out-of-scope record is simply not there) are LoanDesk pages in the
    user's language, not the server's bare English; the API answers JSON."""
    client = app.test_client()
    client.post("/login/", data={"username": "sales2", "password": DEMO_PASSWORD})
    client.get("/lang/zh_CN")
    refused = client.get("/auditlogview/list/")
    assert refused.status_code == 403
    assert "您没有打开此页面的权限" in refused.get_data(as_text=True)
    missing = client.get("/customerview/show/999999999")
    assert missing.status_code == 404 and "Not Found" not in missing.get_data(as_text=True)
    assert "/logout" in missing.get_data(as_text=True)  # the panel around it, menus and all
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and "message" in api.get_json()

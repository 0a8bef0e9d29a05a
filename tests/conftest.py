"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner`` and ``auth``.

One database per test session, built the way a user's is: ``flask loandesk init`` (Alembic
migrations, permissions, roles, reference and demo data).  It is SQLite in a temp folder, or
the PostgreSQL database named by ``TEST_DATABASE_URL`` (emptied first).  Nothing is mocked.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app import create_app

DEMO_PASSWORD = "Demo#Pass2026"


def _fresh_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "loandesk-test.sqlite")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from scripts.compile_translations import compile_all

    compile_all()  # tests never run against stale catalogs
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": _fresh_database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "AUTH_RATE_LIMITED": False,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
    })
    result = app.test_cli_runner().invoke(args=["loandesk", "init"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    yield app


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def db_session(app):
    from app.extensions import db

    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture()
def ctx(app):
    """An application context; whatever a test leaves uncommitted is rolled back."""
    from app.extensions import db

    with app.app_context():
        yield
        db.session.rollback()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username: str = "admin", password: str = DEMO_PASSWORD):
        return self._client.post("/login/", data={"username": username, "password": password})

    def logout(self):
        return self._client.get("/logout/")

    def token(self, username: str = "admin", password: str = DEMO_PASSWORD) -> str:
        response = self._client.post("/api/v1/security/login", json={
            "username": username, "password": password, "provider": "db"})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["access_token"]


@pytest.fixture()
def auth(client):
    return AuthActions(client)


@contextmanager
def scratch_database(tmp_path: Path, name: str):
    """An empty database: a SQLite file path, or a new database on TEST_DATABASE_URL's server."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        return
    database = f"{make_url(server).database}_{name}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield make_url(server).set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def copy_sqlite_database(source: str | Path, target: str | Path) -> None:
    """A consistent copy of a live SQLite database (its backup API): in WAL mode the file
    alone lacks what is still in its ``-wal`` file, so a plain file copy would miss rows."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)

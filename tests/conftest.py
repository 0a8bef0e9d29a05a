"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner`` and ``auth``.

The demo database is built once per test session, the way a user's is: ``flask loandesk
init`` (Alembic migrations, permissions, roles, reference and demo data), on SQLite in a temp
folder or on the PostgreSQL database named by ``TEST_DATABASE_URL`` (emptied first).  Each
test module then gets its own copy of it and its own ``app`` on that copy, so what one
module writes never reaches another and the modules can run in any order: on SQLite a copy
through the backup API, on PostgreSQL ``CREATE DATABASE … TEMPLATE`` (a file copy on the
server, no rows replayed).  Tests within a module share their module's database: a test
that needs a record builds it (tests/factories.py) rather than relying on an earlier test.
Nothing is mocked.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app import create_app

DEMO_PASSWORD = "Demo#Pass2026"
_copies = itertools.count(1)


def suite_settings(url: str, upload_folder: str | Path) -> dict:
    """The configuration of the suite's apps: CSRF and the login rate limit off (the tests
    that check them turn them on in an app of their own)."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "AUTH_RATE_LIMITED": False,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "UPLOAD_FOLDER": str(upload_folder),
    }


def server_admin_engine(url: str):
    """An autocommit engine on the server's maintenance database ("postgres"): CREATE and
    DROP DATABASE there, never connected to the demo database, which a TEMPLATE copy needs
    to have no other session on."""
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                         poolclass=NullPool)


def dispose(app) -> None:
    """Close every connection an app holds (its engines' pools), so its database can be
    copied from or dropped."""
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
        for engine in app.extensions.get("loandesk_reports_engine", {}).values():
            engine.dispose()


def _fresh_database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "loandesk-test.sqlite")
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> str:
    """The URL of the demo database, built once; modules work on copies (``app``)."""
    from scripts.compile_translations import compile_all

    compile_all()  # tests never run against stale catalogs
    url = _fresh_database_url(tmp_path_factory)
    builder = create_app(suite_settings(url, tmp_path_factory.mktemp("uploads")))
    result = builder.test_cli_runner().invoke(args=["loandesk", "init"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    dispose(builder)
    return url


@contextmanager
def database_copy(source: str, folder: Path):
    """A copy of the database at ``source`` for as long as the block runs: its URL."""
    if make_url(source).get_backend_name() == "sqlite":
        target = folder / "loandesk-test.sqlite"
        copy_sqlite_database(make_url(source).database, target)
        yield f"sqlite:///{target}"
        return
    name = f"{make_url(source).database}_{os.getpid()}_{next(_copies)}"
    admin = server_admin_engine(source)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(source).database}"'))
    try:
        yield make_url(source).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:  # FORCE: apps a test made on this copy may still hold one
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def app(demo_database, tmp_path_factory):
    """This module's app, on its own copy of the demo database and its own upload folder."""
    folder = tmp_path_factory.mktemp("module")
    with database_copy(demo_database, folder) as url:
        app = create_app(suite_settings(url, folder / "uploads"))
        yield app
        dispose(app)


def pytest_collection_modifyitems(config, items):
    """A module marked ``story`` (``pytestmark = pytest.mark.story``) is one story told in
    steps, each role's step starting from what the one before left (tests/browser's days of
    a firm): its tests keep the order they are written in.  Random order (pytest-randomly,
    which shuffles before this hook runs) still moves the module as a whole."""
    places: dict[object, list[int]] = {}
    for index, item in enumerate(items):
        if item.get_closest_marker("story") is not None:
            places.setdefault(item.module, []).append(index)
    for indexes in places.values():
        steps = sorted((items[i] for i in indexes), key=lambda item: item.location[1])
        for index, step in zip(indexes, steps, strict=True):
            items[index] = step


def pytest_terminal_summary(terminalreporter, config):
    """The random order's seed at the end of every run, -q included (pytest-randomly puts it
    only in the header, which -q leaves out), so a failure can be replayed."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int) and config.getoption("randomly_reorganize", True):
        terminalreporter.write_line(
            f"random order: replay it with -p randomly --randomly-seed={seed}")


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
    admin = server_admin_engine(server)
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

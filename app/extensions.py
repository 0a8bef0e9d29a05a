"""Extensions created once and bound to each app in ``create_app``.

AppBuilder is deliberately NOT created here: a module-level AppBuilder cannot be bound to a
second app in the same process (tests build many apps), so ``create_app`` builds one per app.
"""

from __future__ import annotations

import sqlite3

from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event

# SQLite's settings for every connection the app's engines open (README: "SQLite's limits").
# WAL: readers never wait for the writer nor the writer for readers; still one writer at a
# time, and a writer that finds another one waits up to the busy timeout, then "database is
# locked". synchronous=NORMAL is WAL's usual setting: a commit survives a crash of the app;
# a power cut may lose the last commits, never corrupt the file. Foreign keys stay as SQLite's
# default (not enforced on SQLite; PostgreSQL enforces them), as before.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def sqlite_pragmas(busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS):
    """A ``connect`` listener setting WAL, the busy timeout and synchronous=NORMAL."""

    def on_connect(dbapi_connection, _record) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        cursor = dbapi_connection.cursor()
        try:
            # The timeout first: switching a file to WAL needs a moment alone with it.
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            # An in-memory database answers "memory" and stays so (WAL needs a file).
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    return on_connect


class LoanDeskSQLA(get_sqla_class()):
    """FAB's Flask-SQLAlchemy, with the SQLite settings above on each SQLite engine it makes
    (the app's engine and any bind)."""

    def _make_engine(self, bind_key, options, app):
        engine = super()._make_engine(bind_key, options, app)
        if engine.dialect.name == "sqlite":
            timeout = app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)
            event.listen(engine, "connect", sqlite_pragmas(timeout))
        return engine


db = LoanDeskSQLA()
migrate = Migrate()

# CSRF on every unsafe request made with the session cookie (see app/web.py).
csrf = CSRFProtect()

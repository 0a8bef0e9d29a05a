"""SQLite runs in WAL mode: every connection of the app's engine sets journal_mode=WAL, a
busy timeout and synchronous=NORMAL (app/extensions.py), so a reader never waits for a
writer. In-memory SQLite keeps working (it cannot use WAL). PostgreSQL is left alone."""

from __future__ import annotations

import os
import sqlite3

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db

on_postgresql = pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                                   reason="the SQLite pass")


def pragmas(conn) -> tuple[str, int, int]:
    return (conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
            conn.exec_driver_sql("PRAGMA busy_timeout").scalar(),
            conn.exec_driver_sql("PRAGMA synchronous").scalar())


@on_postgresql
def test_the_apps_engine_is_in_wal_mode_with_a_busy_timeout(app):
    with app.app_context(), db.engine.connect() as conn:
        assert pragmas(conn) == ("wal", 15000, 1)  # synchronous 1 = NORMAL


def scratch_app(url: str, **config):
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})


def test_every_new_connection_gets_the_settings(tmp_path):
    app = scratch_app(f"sqlite:///{tmp_path / 'wal.sqlite'}", SQLITE_BUSY_TIMEOUT_MS=2500)
    with app.app_context():
        for _ in range(2):  # a fresh connection each time, not the pooled one
            db.engine.dispose()
            with db.engine.connect() as conn:
                assert pragmas(conn) == ("wal", 2500, 1)
        # WAL is the file's own mode from now on: a plain sqlite3 connection sees it too.
        other = sqlite3.connect(tmp_path / "wal.sqlite")
        try:
            assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            other.close()
        db.engine.dispose()


def test_in_memory_sqlite_still_works(tmp_path):
    app = scratch_app("sqlite://")
    with app.app_context(), db.engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "memory"
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        assert conn.execute(text("SELECT x FROM t")).scalar() == 1


def test_a_reader_is_not_blocked_by_an_open_write_transaction(tmp_path):
    path = tmp_path / "rw.sqlite"
    app = scratch_app(f"sqlite:///{path}")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER)"))
            conn.execute(text("INSERT INTO account VALUES (1, 100)"))
        writer = db.engine.raw_connection()  # the app's engine, its settings applied
        # A second, real connection that never waits: locked would raise at once.
        reader = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            cursor = writer.cursor()
            # EXCLUSIVE: in the default rollback-journal mode this shuts every reader out.
            cursor.execute("BEGIN EXCLUSIVE")
            cursor.execute("UPDATE account SET balance = 50 WHERE id = 1")
            assert reader.execute("SELECT balance FROM account").fetchone() == (100,)
            # A reader in the middle of its own read transaction does not stop the commit…
            reader.execute("BEGIN")
            assert reader.execute("SELECT balance FROM account").fetchone() == (100,)
            writer.commit()
            # …and keeps its snapshot until it ends it.
            assert reader.execute("SELECT balance FROM account").fetchone() == (100,)
            reader.execute("COMMIT")
            assert reader.execute("SELECT balance FROM account").fetchone() == (50,)
        finally:
            reader.close()
            writer.close()
            db.engine.dispose()


def test_a_second_writer_waits_for_the_first_then_gives_up(tmp_path):
    """One writer at a time: a second one waits (its busy timeout), then 'database is
    locked'. Here it gives up at once (timeout 0) so the test does not wait."""
    path = tmp_path / "ww.sqlite"
    app = scratch_app(f"sqlite:///{path}")
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER)"))
            conn.execute(text("INSERT INTO account VALUES (1, 100)"))
        writer = db.engine.raw_connection()
        second = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            writer.cursor().execute("UPDATE account SET balance = 50 WHERE id = 1")
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                second.execute("UPDATE account SET balance = 70 WHERE id = 1")
            writer.commit()
            second.execute("UPDATE account SET balance = 70 WHERE id = 1")
            assert second.execute("SELECT balance FROM account").fetchone() == (70,)
        finally:
            second.close()
            writer.close()
            db.engine.dispose()

"""Backup and restore (scripts/backup.py, `make backup` / `make restore FILE=…`).

A demo database with uploaded documents is backed up, restored into an empty database and
an empty uploads folder, and compared: every table row by row (all columns, in primary-key
order) and every file byte by byte.  On SQLite, or on PostgreSQL when TEST_DATABASE_URL is
set (`make test-postgres`): then both databases are scratch ones created on that server
and dropped afterwards.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from tests import ROOT
from tests.conftest import scratch_database

SCRIPT = ROOT / "scripts" / "backup.py"
PASSWORD = "Demo#Pass2026"
UPLOADS = [  # what a salesperson uploads through the document view
    ("身份证.pdf", "id_card", b"%PDF-1.4\n" + os.urandom(40_000) + b"\n%%EOF\n"),
    ("收入证明.png", "income_proof", b"\x89PNG\r\n\x1a\n" + os.urandom(20_000)),
    ("statement.jpg", "bank_statement", b"\xff\xd8\xff\xe0" + os.urandom(30_000)),
]




def build_demo(url: str, uploads: Path, data_key: str) -> None:
    """`flask loandesk init` (migrations, roles, demo data), then real uploads."""
    from app.extensions import db

    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(uploads),
        "LOANDESK_DATA_KEY": data_key, "DEMO_PASSWORD": PASSWORD, "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "AUTH_RATE_LIMITED": False,
    })
    result = app.test_cli_runner().invoke(args=["loandesk", "init"])
    assert result.exit_code == 0, result.output + repr(result.exception)
    client = app.test_client()
    assert client.post("/login/", data={"username": "sales1",
                                        "password": PASSWORD}).status_code == 302
    with app.app_context():
        customer_id = db.session.execute(text(
            "SELECT c.id FROM customer c JOIN staff s ON s.id = c.owner_id "
            "JOIN ab_user u ON u.id = s.user_id WHERE u.username = 'sales1' "
            "ORDER BY c.id")).scalar()
    for filename, kind, content in UPLOADS:
        response = client.post("/documentview/upload", data={
            "customer": str(customer_id), "kind": kind,
            "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        db.engine.dispose()


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a hash of all its rows, all columns, in key order."""
    engine = create_engine(url, poolclass=NullPool)
    digests = {}
    with engine.connect() as conn:
        inspector, quote = inspect(conn), conn.dialect.identifier_preparer.quote
        for table in inspector.get_table_names():
            columns = [quote(c["name"]) for c in inspector.get_columns(table)]
            order = [quote(c) for c in inspector.get_pk_constraint(table)["constrained_columns"]]
            rows = conn.execute(text(f"SELECT {', '.join(columns)} FROM {quote(table)} "
                                     f"ORDER BY {', '.join(order or columns)}")).all()
            digests[table] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows])
                                                        .encode()).hexdigest())
    return digests


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_script(tmp_path: Path, *args, url: str, uploads: Path, data_key: str):
    """scripts/backup.py as `make backup` / `make restore` run it, archives in tmp_path."""
    env = {**os.environ, "DATABASE_URL": url, "LOANDESK_UPLOAD_FOLDER": str(uploads),
           "LOANDESK_DATA_KEY": data_key, "SECRET_KEY": "test",
           "LOANDESK_INSTANCE_DIR": str(tmp_path / "instance")}
    env.pop("LOANDESK_BACKUP_DIR", None)
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args),
                           "--dir", str(tmp_path / "backups")], env=env,
                          capture_output=True, text=True, timeout=180, check=False)


def archive_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(tmp_path):
    key = Fernet.generate_key().decode()
    source_uploads, target_uploads = tmp_path / "uploads", tmp_path / "restored" / "uploads"
    backups = tmp_path / "backups"
    with scratch_database(tmp_path, "backup_src") as source, \
            scratch_database(tmp_path, "backup_dst") as target:
        build_demo(source, source_uploads, key)
        tables, files = table_digests(source), folder_files(source_uploads)
        assert tables["customer"][0] > 100 and tables["installment"][0] > 100
        assert tables["document"][0] == len(files) == len(UPLOADS)
        assert sorted(files.values()) == sorted(content for _n, _k, content in UPLOADS)

        done = run_script(tmp_path, "backup", url=source,
                          uploads=source_uploads, data_key=key)
        assert done.returncode == 0, done.stdout + done.stderr
        [archive] = backups.glob("loandesk-*.tar.gz")
        assert str(archive) in done.stdout and archive.stat().st_mode & 0o077 == 0
        manifest = archive_manifest(archive)
        kind = make_url(source).get_backend_name()
        assert manifest["database"]["kind"] == kind
        assert manifest["database"]["tables"] == {t: n for t, (n, _h) in tables.items()}
        assert manifest["database"]["alembic_revision"] == _revision(source)
        assert manifest["uploads"]["file_count"] == len(files)
        assert manifest["uploads"]["files"] == {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()}
        assert key not in json.dumps(manifest)

        # Into an empty database and a folder that does not exist yet.
        done = run_script(tmp_path, "restore", archive, url=target, uploads=target_uploads,
                          data_key=key)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Verified" in done.stdout and "WARNING" not in done.stdout
        assert table_digests(target) == tables
        assert folder_files(target_uploads) == files

        # Not over data already there, unless forced.
        again = run_script(tmp_path, "restore", archive, url=target, uploads=target_uploads,
                           data_key=key)
        assert again.returncode == 1 and "not empty" in again.stderr
        assert not list(backups.glob("loandesk-before-restore-*"))

        # A damaged archive is refused before anything is touched.
        damaged = tmp_path / "damaged.tar.gz"
        _tamper(archive, damaged)
        refused = run_script(tmp_path, "restore", damaged, "--force", url=target,
                             uploads=target_uploads, data_key=key)
        assert refused.returncode == 1 and "damaged" in refused.stderr
        assert not list(backups.glob("loandesk-before-restore-*"))

        # Forced: what was there is backed up first, then replaced exactly.
        engine = create_engine(target, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM firm_setting WHERE id = (SELECT min(id) "
                              "FROM firm_setting)"))
        (target_uploads / min(files)).unlink()
        (target_uploads / "stray.pdf").write_bytes(b"%PDF-1.4 not in the backup")
        other_key = Fernet.generate_key().decode()
        forced = run_script(tmp_path, "restore", archive, "--force", url=target,
                            uploads=target_uploads, data_key=other_key)
        assert forced.returncode == 0, forced.stdout + forced.stderr
        assert "WARNING: the data key in use is not the one" in forced.stdout
        [saved] = backups.glob("loandesk-before-restore-*.tar.gz")
        before = archive_manifest(saved)
        assert before["database"]["tables"]["firm_setting"] == tables["firm_setting"][0] - 1
        assert "stray.pdf" in before["uploads"]["files"]
        assert table_digests(target) == tables
        assert folder_files(target_uploads) == files


def _revision(url: str) -> str:
    with create_engine(url, poolclass=NullPool).connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _tamper(archive: Path, damaged: Path) -> None:
    """A copy of the archive with one upload's bytes changed (the manifest left as it was)."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(damaged, "w:gz") as dst:
        changed = False
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("uploads/") and not changed:
                data, changed = data[:-1] + bytes([data[-1] ^ 1]), True
            dst.addfile(member, io.BytesIO(data))

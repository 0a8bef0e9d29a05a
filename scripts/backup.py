#!/usr/bin/env python3
"""Back up and restore LoanDesk: the database and the uploads folder in one archive.

    python scripts/backup.py backup [--dir DIR]                  (make backup [BACKUP_DIR=…])
    python scripts/backup.py restore FILE [--force]              (make restore FILE=… [FORCE=1])

The database and folder are the app's own (config.py: DATABASE_URL, LOANDESK_UPLOAD_FOLDER).
An archive (``backups/loandesk-YYYYmmdd-HHMMSS.tar.gz``; LOANDESK_BACKUP_DIR or --dir moves
it) holds:

* ``database.sqlite3`` — SQLite's online backup API: a consistent copy while the app runs;
  or ``database.pgdump`` — ``pg_dump -Fc`` of the PostgreSQL database;
* ``uploads/…`` — every file of the uploads folder (documents, contract PDFs);
* ``manifest.json`` — when, which database kind, the Alembic revision, the row count of every
  table (counted in the very snapshot that was dumped), each file's size and SHA-256, and a
  fingerprint of the data key (never the key itself).

Restore refuses a database or uploads folder that is not empty unless ``--force``; forced,
it first backs up what is there (``loandesk-before-restore-…``). It then restores the
database (SQLite: backup API into the database file; PostgreSQL: ``pg_restore --clean
--if-exists --no-owner`` in one transaction), replaces the uploads folder's files, and checks
every table's row count and every file's hash against the manifest. Exit status: 0 restored
and verified, 1 anything else.

The data key (LOANDESK_DATA_KEY or instance/data_key) is not in the archive: keep it apart
from the backups. Restore warns when the key in use is not the one the backup was made with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from contextlib import contextmanager
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

FORMAT = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"


class BackupError(Exception):
    """A reason to stop, shown to the operator as is."""


# -- Settings -----------------------------------------------------------------------------

def app_settings() -> dict:
    """The database URL, uploads folder and data key the app itself would use."""
    from config import Config

    return {"database_url": Config.SQLALCHEMY_DATABASE_URI,
            "uploads": Path(Config.UPLOAD_FOLDER),
            "data_key": Config.LOANDESK_DATA_KEY}


def default_backup_dir() -> Path:
    return Path(os.environ.get("LOANDESK_BACKUP_DIR") or BASE_DIR / "backups")


def key_fingerprint(key: str) -> str:
    """Tells two data keys apart without revealing either."""
    return hmac.new(key.encode(), b"loandesk backup key fingerprint",
                    hashlib.sha256).hexdigest()[:16]


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in DB_MEMBER:
        raise BackupError(f"unsupported database {backend!r}: SQLite or PostgreSQL only")
    return backend


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"cannot back up the SQLite database {database!r}: give a file path")
    return Path(database).expanduser().resolve()


def libpq_target(url: str) -> tuple[str, dict]:
    """A libpq URI for the pg_* tools (password through PGPASSWORD, not the command line)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore: LOANDESK_PG_BIN, else the newest versioned install (Debian's
    /usr/lib/postgresql/N/bin, RHEL's /usr/pgsql-N/bin), else the PATH."""
    folders = [Path(os.environ["LOANDESK_PG_BIN"])] if os.environ.get("LOANDESK_PG_BIN") else []

    def version(folder: Path) -> tuple[int, ...]:
        found = re.search(r"(\d+(?:\.\d+)*)", str(folder.relative_to(folder.anchor)))
        return tuple(int(p) for p in found.group(1).split(".")) if found else ()

    versioned = [*Path("/usr/lib/postgresql").glob("*/bin"), *Path("/usr").glob("pgsql-*/bin")]
    folders += sorted(versioned, key=version, reverse=True)
    for folder in folders:
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return str(folder / name)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise BackupError(f"{name} not found: install the PostgreSQL client tools "
                      "(Debian/Ubuntu: apt-get install postgresql-client) or set LOANDESK_PG_BIN")


def run_tool(args: list[str], env: dict) -> None:
    result = subprocess.run(args, check=False, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed ({result.returncode}):\n"
                          f"{result.stderr.strip()}")


# -- Reading a database -------------------------------------------------------------------

def engine_for(url: str):
    return create_engine(url, poolclass=NullPool)


def row_counts(conn) -> dict[str, int]:
    quote = conn.dialect.identifier_preparer.quote
    return {name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one()
            for name in sorted(inspect(conn).get_table_names())}


def alembic_revision(conn) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def database_is_empty(url: str, kind: str) -> bool:
    if kind == "sqlite":
        path = sqlite_path(url)
        if not path.exists() or path.stat().st_size == 0:
            return True
        with closing_sqlite(path) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master "
                                "WHERE type = 'table'").fetchone()[0] == 0
    with engine_for(url).connect() as conn:
        return conn.execute(text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'")).scalar() == 0


@contextmanager
def closing_sqlite(path: Path):
    conn = sqlite3.connect(str(path))
    try:
        yield conn
    finally:
        conn.close()


# -- The uploads folder -------------------------------------------------------------------

def upload_files(folder: Path) -> list[Path]:
    """Regular files under the folder, as relative paths; half-written ``*.part`` left out."""
    if not folder.is_dir():
        return []
    found = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = Path(root) / name
            if path.is_symlink() or not path.is_file() or name.endswith(".part"):
                continue
            found.append(path.relative_to(folder))
    return found


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


# -- Backup -------------------------------------------------------------------------------

def new_archive_path(folder: Path, prefix: str, when: dt.datetime) -> Path:
    stamp = when.astimezone().strftime("%Y%m%d-%H%M%S")
    path, n = folder / f"{prefix}-{stamp}.tar.gz", 1
    while path.exists() or path.with_name(path.name + ".part").exists():
        n += 1
        path = folder / f"{prefix}-{stamp}-{n}.tar.gz"
    return path


def dump_database(url: str, kind: str, work: Path,
                  allow_missing: bool = False) -> tuple[Path, dict[str, int], str | None]:
    """Dump into ``work``; the row counts and revision come from the dumped snapshot."""
    target = work / DB_MEMBER[kind]
    if kind == "sqlite":
        source = sqlite_path(url)
        if not source.is_file() and not allow_missing:
            raise BackupError(f"no SQLite database at {source}")
        with closing_sqlite(target) as dst:
            if source.is_file():
                with closing_sqlite(source) as src:
                    src.backup(dst)  # online and consistent, even while the app writes
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        with engine_for(sqlite_url(target)).connect() as conn:
            return target, row_counts(conn), alembic_revision(conn)
    uri, env = libpq_target(url)
    with engine_for(url).connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the snapshot this transaction exports, so the counts below are
            # those of the very data it dumps, whatever the app writes meanwhile.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            run_tool([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}",
                      f"--file={target}", f"--dbname={uri}"], env)
            return target, row_counts(conn), alembic_revision(conn)


def private(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.mode, member.uid, member.gid, member.uname, member.gname = 0o600, 0, 0, "", ""
    return member


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def make_backup(url: str, uploads: Path, data_key: str | None, out_dir: Path,
                prefix: str = "loandesk", allow_missing: bool = False) -> tuple[Path, dict]:
    kind = database_kind(url)
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    started = dt.datetime.now(dt.UTC)
    archive = new_archive_path(out_dir, prefix, started)
    partial = archive.with_name(archive.name + ".part")
    # The dump is staged beside the archive, where the room for it is (not in a small /tmp).
    with tempfile.TemporaryDirectory(prefix=".loandesk-backup-", dir=out_dir) as work:
        # The database first, then the files: a row committed before the snapshot has its
        # file on disk already (files are written before their row), so none is missing.
        dump, counts, revision = dump_database(url, kind, Path(work), allow_missing)
        manifest = {
            "format": FORMAT, "app": "LoanDesk",
            "created_at": started.isoformat(timespec="seconds"),
            "database": {"kind": kind, "file": DB_MEMBER[kind], "alembic_revision": revision,
                         "tables": counts, "rows": sum(counts.values())},
            "uploads": {"file_count": 0, "bytes": 0, "files": {}},
            "data_key_fingerprint": key_fingerprint(data_key) if data_key else None,
        }
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # holds personal data
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(dump, arcname=dump.name, filter=private)
                files = manifest["uploads"]["files"]
                for relative in upload_files(uploads):
                    data = (uploads / relative).read_bytes()  # hashed as archived
                    member = private(tarfile.TarInfo(f"{UPLOADS}/{relative.as_posix()}"))
                    member.size = len(data)
                    member.mtime = int((uploads / relative).stat().st_mtime)
                    tar.addfile(member, io.BytesIO(data))
                    files[relative.as_posix()] = {"size": len(data),
                                                  "sha256": hashlib.sha256(data).hexdigest()}
                manifest["uploads"]["file_count"] = len(files)
                manifest["uploads"]["bytes"] = sum(f["size"] for f in files.values())
                body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                member = private(tarfile.TarInfo(MANIFEST))
                member.size = len(body)
                member.mtime = int(dt.datetime.now().timestamp())
                tar.addfile(member, io.BytesIO(body))
            os.replace(partial, archive)  # complete archives only under the final name
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return archive, manifest


# -- Restore ------------------------------------------------------------------------------

def read_archive(archive: Path, work: Path) -> dict:
    """Unpack into ``work`` and check it is whole: the dump present, every file's hash."""
    if not archive.is_file():
        raise BackupError(f"no backup at {archive}")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name
                if not (member.isfile() or member.isdir()) or not (
                        name in (MANIFEST, *DB_MEMBER.values())
                        or name == UPLOADS or name.startswith(f"{UPLOADS}/")):
                    raise BackupError(f"{archive} holds an unexpected entry {name!r}")
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive} cannot be read: {error}") from None
    try:
        manifest = json.loads((work / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive} has no readable {MANIFEST}: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: unknown backup format {manifest.get('format')!r}")
    if not (work / manifest["database"]["file"]).is_file():
        raise BackupError(f"{archive} lacks its database dump")
    for name, meta in manifest["uploads"]["files"].items():
        path = work / UPLOADS / name
        if not path.is_file() or sha256_file(path) != meta["sha256"]:
            raise BackupError(f"{archive} is damaged: uploads/{name} is missing or altered")
    return manifest


def restore_database(dump: Path, url: str, kind: str) -> None:
    if kind == "sqlite":
        target = sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing_sqlite(dump) as src, closing_sqlite(target) as dst:
            src.backup(dst)  # replaces every page of the target, under SQLite's own locks
        return
    uri, env = libpq_target(url)
    run_tool([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",
              "--single-transaction", f"--dbname={uri}", str(dump)], env)


def restore_uploads(source: Path, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():  # forced: the safety backup holds what was here
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    files = upload_files(source)
    for relative in files:
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, folder / relative)
    return len(files)


def verify(manifest: dict, url: str, folder: Path) -> list[str]:
    """What differs from the manifest (nothing when the restore is whole)."""
    problems = []
    with engine_for(url).connect() as conn:
        counts, revision = row_counts(conn), alembic_revision(conn)
    expected_revision = manifest["database"]["alembic_revision"]
    if revision != expected_revision:
        problems.append(f"alembic revision {revision!r}, the backup has {expected_revision!r}")
    for table, rows in manifest["database"]["tables"].items():
        if table not in counts:
            problems.append(f"table {table} missing")
        elif counts[table] != rows:
            problems.append(f"table {table}: {counts[table]} rows, the backup has {rows}")
    for name, meta in manifest["uploads"]["files"].items():
        path = folder / name
        if not path.is_file():
            problems.append(f"file {name} missing")
        elif sha256_file(path) != meta["sha256"]:
            problems.append(f"file {name} differs from the backup")
    return problems


def restore(archive: Path, url: str, uploads: Path, data_key: str | None, *, force: bool,
            safety_dir: Path | None, say=print) -> bool:
    kind = database_kind(url)
    with tempfile.TemporaryDirectory(prefix="loandesk-restore-") as work:
        work = Path(work)
        manifest = read_archive(archive, work)
        db = manifest["database"]
        if db["kind"] != kind:
            raise BackupError(f"the backup is of a {db['kind']} database and DATABASE_URL "
                              f"names a {kind} one")
        say(f"Backup {archive.name}: made {manifest['created_at']}, {kind}, revision "
            f"{db['alembic_revision']}, {plural(len(db['tables']), 'table')}, "
            f"{plural(db['rows'], 'row')}, {plural(manifest['uploads']['file_count'], 'file')}")
        occupied = [what for what, empty in (
            ("the database", database_is_empty(url, kind)),
            (f"the uploads folder {uploads}", folder_is_empty(uploads))) if not empty]
        if occupied and not force:
            raise BackupError(f"refusing to restore: {' and '.join(occupied)} "
                              f"{'is' if len(occupied) == 1 else 'are'} not empty "
                              "(FORCE=1 / --force replaces them, after backing them up)")
        if occupied and safety_dir is not None:
            try:
                saved, _ = make_backup(url, uploads, data_key, safety_dir,
                                       prefix="loandesk-before-restore", allow_missing=True)
            except (BackupError, SQLAlchemyError, sqlite3.Error, OSError) as error:
                raise BackupError(
                    f"what is there could not be backed up first ({error}); to restore "
                    f"anyway: {Path(sys.argv[0]).name} restore FILE --force "
                    "--no-safety-backup") from None
            say(f"What was there is saved in {saved}")
        restore_database(work / db["file"], url, kind)
        say(f"Database restored into {make_url(url).render_as_string(hide_password=True)}")
        restored = restore_uploads(work / UPLOADS, uploads)
        say(f"{plural(restored, 'file')} restored into {uploads}")
    problems = verify(manifest, url, uploads)
    expected_key = manifest.get("data_key_fingerprint")
    if expected_key and data_key and key_fingerprint(data_key) != expected_key:
        say("WARNING: the data key in use is not the one this backup was made with: ID "
            "numbers, phones and bank cards will not decrypt. Put the firm's data key back "
            "(LOANDESK_DATA_KEY or instance/data_key) before starting LoanDesk.")
    if problems:
        say("Restore NOT verified:")
        for problem in problems:
            say(f"  - {problem}")
        return False
    say(f"Verified: {plural(len(db['tables']), 'table')} with {plural(db['rows'], 'row')} as "
        f"in the backup, {plural(manifest['uploads']['file_count'], 'file')} matching "
        "its SHA-256.")
    return True


# -- Command line -------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_cmd = commands.add_parser("backup", help="write a backup archive")
    backup_cmd.add_argument("--dir", type=Path, default=None,
                            help="folder for the archive (default: LOANDESK_BACKUP_DIR or "
                                 "backups/)")
    restore_cmd = commands.add_parser("restore", help="restore a backup archive")
    restore_cmd.add_argument("file", type=Path)
    restore_cmd.add_argument("--force", action="store_true",
                             help="replace a database / uploads folder that is not empty")
    restore_cmd.add_argument("--dir", type=Path, default=None,
                             help="where --force saves what it replaces (default: as backup)")
    restore_cmd.add_argument("--no-safety-backup", action="store_true",
                             help="with --force, do not save what is replaced first")
    args = parser.parse_args(argv)
    settings = app_settings()
    out_dir = (args.dir or default_backup_dir()).resolve()
    try:
        if args.command == "backup":
            archive, manifest = make_backup(settings["database_url"], settings["uploads"],
                                            settings["data_key"], out_dir)
            db = manifest["database"]
            print(f"Backup written: {archive}")
            print(f"  {db['kind']} database at revision {db['alembic_revision']}: "
                  f"{plural(len(db['tables']), 'table')}, {plural(db['rows'], 'row')}; "
                  f"{plural(manifest['uploads']['file_count'], 'file')} "
                  f"({plural(manifest['uploads']['bytes'], 'byte')}) from {settings['uploads']}")
            print("  The data key is not in the archive: keep it safe apart from it.")
            return 0
        ok = restore(args.file.resolve(), settings["database_url"], settings["uploads"],
                     settings["data_key"], force=args.force,
                     safety_dir=None if args.no_safety_backup else out_dir)
        return 0 if ok else 1
    except (BackupError, SQLAlchemyError, sqlite3.Error, OSError) as error:
        print(f"{args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

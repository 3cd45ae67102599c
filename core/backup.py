"""Backup and restore: one archive file holding the database and the files
of the data directory that the database refers to.  No Flask.

The archive is a tar file (gzip-compressed when its name ends in ``.tar.gz``
or ``.tgz``) with these members:

- ``database.sqlite3`` — a copy made with SQLite's online backup API, or
  ``database.pgdump`` — ``pg_dump --format=custom`` of the app's schema;
- ``files/documents/…`` and ``files/attachments/…`` — the archived PDFs and
  the uploaded attachments, as they are under ``DATA_DIR``;
- ``manifest.json`` (last) — format, version, creation time, database kind,
  the migration revisions the database is at, and every member's size and
  SHA-256.

A backup is written while the app runs: the database copy is one consistent
snapshot taken first, and the files are listed after it (archived documents
and attachments are written before the row naming them is committed, and
never rewritten), so every file the copied rows name is in the archive.  It
is streamed into a temporary file beside the target and renamed into place.

A restore changes nothing until the whole archive has been read and checked:
it is unpacked into ``DATA_DIR/.restore-<random>/`` and every member hashed
against the manifest; then the file directories are swapped by renaming and
the database is replaced in one transaction (SQLite: the backup API copying
into the live file; PostgreSQL: ``pg_restore``'s script run by ``psql
--single-transaction``).  If that fails, the directories are renamed back.
Job result files (``DATA_DIR/jobs``) are not backed up; a restore removes
them, as they belong to the jobs of the data it replaces.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Iterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

from .db import Database
from .i18n import _l

FORMAT = "qudao-backup"
VERSION = 1
MANIFEST = "manifest.json"
#: The first member: tells a backup cut short (no manifest at the end) from
#: a file that never was one.
MARKER = "qudao-backup"
#: Directories of DATA_DIR that a backup holds.
FILE_DIRS = ("documents", "attachments")
#: Directories of DATA_DIR that a restore empties (not backed up).
CLEARED_DIRS = ("jobs",)
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
FILES_PREFIX = "files/"
CHUNK = 1 << 20
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
LOCK_NAME = ".backup.lock"
#: How long a PostgreSQL restore waits for a table lock before giving up.
PG_LOCK_TIMEOUT = "60s"

_SAFE_PATH = re.compile(r"^(?:documents|attachments)(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)+$")
#: libpq connection parameters a database URL may carry, and their
#: environment variables (nothing goes on a command line).
_LIBPQ_ENV = {
    "host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "user": "PGUSER",
    "password": "PGPASSWORD", "dbname": "PGDATABASE", "options": "PGOPTIONS",
    "application_name": "PGAPPNAME", "connect_timeout": "PGCONNECT_TIMEOUT",
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY", "sslcrl": "PGSSLCRL", "passfile": "PGPASSFILE",
    "service": "PGSERVICE", "target_session_attrs": "PGTARGETSESSIONATTRS",
    "gssencmode": "PGGSSENCMODE", "channel_binding": "PGCHANNELBINDING",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator."""


class RestoreIncomplete(BackupError):
    """A restore failed and could not put the previous files back."""


@dataclass(frozen=True)
class Migrations:
    """What the installed code knows of the schema: every revision of every
    installed plugin's branch, and the heads."""

    known: frozenset[str]
    heads: tuple[str, ...]


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    #: True when the restored database is behind the code's heads: run
    #: ``qudao db upgrade``.
    needs_upgrade: bool


def kind_of(db: Database) -> str:
    name = db.engine.dialect.name
    if name not in DB_MEMBER:
        raise BackupError(_l("Backups support SQLite and PostgreSQL, not %(kind)s.", kind=name))
    return name


# -- helpers ---------------------------------------------------------------
class _Hashing(io.RawIOBase):
    """Reads from ``fh`` and hashes what it hands out."""

    def __init__(self, fh: IO[bytes]):
        self.fh = fh
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n if n is not None and n >= 0 else CHUNK)
        self.digest.update(data)
        self.size += len(data)
        return data


def _missing_tool(name: str) -> BackupError:
    return BackupError(_l("%(tool)s was not found: install the PostgreSQL client tools "
                          "(Debian: postgresql-client).", tool=name))


@contextmanager
def _data_lock(data_dir: Path, exclusive: bool) -> Iterator[None]:
    """One restore at a time, and never while a backup reads the files."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise BackupError(_l("Another backup or restore of this data directory is "
                                     "running; try again when it has finished.")) from None
            raise
        yield
    finally:
        os.close(fd)


def _run(cmd: list[str], env: dict, what: str) -> None:
    """Run a PostgreSQL client tool; its error output becomes the message."""
    try:
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    except FileNotFoundError:
        raise _missing_tool(cmd[0]) from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[-2000:]
        raise BackupError(_l("%(what)s failed: %(error)s", what=what, error=err))


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise _missing_tool(name)
    return path


def libpq_env(url: str) -> dict[str, str]:
    """The environment that points libpq tools at the database of ``url``:
    host, port, user, password (PGPASSWORD) and options (PGOPTIONS) — so no
    secret appears on a command line."""
    u = make_url(url)
    env = dict(os.environ)
    given = {"host": u.host, "port": u.port, "user": u.username, "password": u.password,
             "dbname": u.database}
    for key, value in u.query.items():
        if key not in _LIBPQ_ENV:
            raise BackupError(_l("The database URL parameter %(name)s cannot be passed to "
                                 "the PostgreSQL tools.", name=key))
        given[key] = value[-1] if isinstance(value, tuple) else value
    for key, value in given.items():
        if value is not None and value != "":
            env[_LIBPQ_ENV[key]] = str(value)
    return env


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sqlite_path(db: Database) -> Path:
    path = make_url(db.url).database
    if not path:
        raise BackupError(_l("The SQLite database URL names no file."))
    return Path(path)


def _sqlite_revisions(conn: sqlite3.Connection) -> list[str]:
    has = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' "
                       "AND name='alembic_version'").fetchone()
    if not has:
        return []
    return sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version"))


def _files_of(data_dir: Path) -> list[tuple[str, Path]]:
    """(path in the backup, path on disk) of every kept file, sorted;
    temporary files (``.name``, ``*.part``) are left out."""
    out = []
    for top in FILE_DIRS:
        root = data_dir / top
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                if name.startswith(".") or name.endswith(".part"):
                    continue
                path = Path(dirpath) / name
                rel = path.relative_to(data_dir).as_posix()
                if _SAFE_PATH.match(rel) and path.is_file() and not path.is_symlink():
                    out.append((rel, path))
    return sorted(out)


# -- backup ----------------------------------------------------------------
def _sqlite_snapshot(db: Database, tmp: Path) -> tuple[Path, list[str], dict]:
    source = _sqlite_path(db)
    if not source.is_file():
        raise BackupError(_l("There is no database file at %(path)s.", path=str(source)))
    target = tmp / DB_MEMBER["sqlite"]
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        # One step: a single read transaction, so one consistent snapshot
        # while writers go on (WAL).
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")
        check = dst.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(_l("The database failed SQLite's integrity check: %(error)s",
                                 error=check))
        revisions = _sqlite_revisions(dst)
    except sqlite3.Error as e:
        raise BackupError(_l("Copying the database failed: %(error)s", error=str(e))) from None
    finally:
        dst.close()
        src.close()
    return target, revisions, {}


def _pg_dump(db: Database, tmp: Path) -> tuple[Path, list[str], dict]:
    pg_dump = _tool("pg_dump")
    env = libpq_env(db.url)
    target = tmp / DB_MEMBER["postgresql"]
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump reads the very snapshot the revisions are read in.
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            schema = conn.scalar(text("SELECT current_schema()"))
            if not schema:
                raise BackupError(_l("The database connection has no current schema."))
            has_version = conn.scalar(text("SELECT to_regclass(:t) IS NOT NULL"),
                                      {"t": f"{_quote_ident(schema)}.alembic_version"})
            revisions = sorted(conn.scalars(text(
                f"SELECT version_num FROM {_quote_ident(schema)}.alembic_version"))) \
                if has_version else []
            extensions = [{"name": n, "schema": s} for n, s in conn.execute(text(
                "SELECT e.extname, n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname <> 'plpgsql' ORDER BY e.extname"))]
            server = conn.scalar(text("SHOW server_version"))
            _run([pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}",
                  f"--schema={_quote_ident(schema)}", f"--file={target}"], env, "pg_dump")
    return target, revisions, {"schema": schema, "extensions": extensions,
                               "server_version": server}


def _add(tf: tarfile.TarFile, name: str, path: Path, mode: int = 0o644) -> dict:
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size = st.st_size
        info.mtime = int(st.st_mtime)
        info.mode = mode
        reader = _Hashing(fh)
        tf.addfile(info, reader)
    return {"size": reader.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tf: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(timezone.utc).timestamp())
    info.mode = 0o644
    tf.addfile(info, io.BytesIO(data))


def create(db: Database, data_dir: str | Path, target: str | Path, migrations: Migrations,
           *, source: dict | None = None) -> dict:
    """Write a backup of ``db`` and the data directory's files to ``target``;
    returns its manifest.  Safe while the app runs."""
    kind = kind_of(db)
    data_dir = Path(data_dir).resolve()
    target = Path(target).absolute()
    if not target.parent.is_dir():
        raise BackupError(_l("The folder %(path)s does not exist.", path=str(target.parent)))
    if target.is_dir():
        raise BackupError(_l("%(path)s is a folder; give a file name.", path=str(target)))
    gz = target.name.endswith((".tar.gz", ".tgz"))
    with _data_lock(data_dir, exclusive=False), \
            tempfile.TemporaryDirectory(prefix=".qudao-backup-", dir=target.parent) as tmp:
        snap = _sqlite_snapshot if kind == "sqlite" else _pg_dump
        dbfile, revisions, extra = snap(db, Path(tmp))
        files = _files_of(data_dir)
        part = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
        try:
            # The backup holds everything (password hashes too): owner only.
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz" if gz else "w",
                                  format=tarfile.PAX_FORMAT) as tf:
                    _add_bytes(tf, MARKER, json.dumps({"format": FORMAT,
                                                       "version": VERSION}).encode())
                    db_entry = _add(tf, DB_MEMBER[kind], dbfile, 0o600)
                    entries = []
                    for rel, path in files:
                        try:
                            entry = _add(tf, FILES_PREFIX + rel, path,
                                         0o444 if rel.startswith("documents/") else 0o644)
                        except FileNotFoundError:
                            continue  # removed since it was listed
                        entries.append({"path": rel, **entry})
                    manifest = {
                        "format": FORMAT,
                        "version": VERSION,
                        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        "database": {"kind": kind, "member": DB_MEMBER[kind], **db_entry,
                                     **extra},
                        "alembic": {"revisions": revisions,
                                    "code_heads": sorted(migrations.heads)},
                        "source": dict(source or {}),
                        "files": entries,
                    }
                    _add_bytes(tf, MANIFEST, json.dumps(manifest, indent=1,
                                                        ensure_ascii=False).encode("utf-8"))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(part, target)
        except OSError as e:
            raise BackupError(_l("Writing the backup failed: %(error)s", error=str(e))) from None
        finally:
            if part.exists():
                part.unlink()
    return manifest


# -- reading a backup --------------------------------------------------------
_READ_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError)


def _not_ours() -> BackupError:
    return BackupError(_l("This file is not a Qudao backup."))


def _damaged(detail: str) -> BackupError:
    return BackupError(_l("The backup file is damaged (%(detail)s).", detail=detail))


def _valid_manifest(m: object) -> dict:
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise _not_ours()
    version = m.get("version")
    if not isinstance(version, int) or version < 1:
        raise _not_ours()
    if version > VERSION:
        raise BackupError(_l("This backup was written by a newer Qudao (backup format "
                             "%(version)s); upgrade Qudao before restoring it.",
                             version=version))
    try:
        database = m["database"]
        assert database["kind"] in DB_MEMBER and database["member"] == DB_MEMBER[database["kind"]]
        assert isinstance(database["size"], int) and isinstance(database["sha256"], str)
        revisions = m["alembic"]["revisions"]
        assert isinstance(revisions, list) and all(isinstance(r, str) for r in revisions)
        files = m["files"]
        assert isinstance(files, list)
        seen = set()
        for f in files:
            assert isinstance(f["path"], str) and _SAFE_PATH.match(f["path"])
            assert ".." not in f["path"].split("/") and f["path"] not in seen
            assert isinstance(f["size"], int) and isinstance(f["sha256"], str)
            seen.add(f["path"])
    except (KeyError, TypeError, AssertionError):
        raise _damaged(_l("the manifest is incomplete")) from None
    return m


def read_manifest(path: str | Path) -> dict:
    """The checked manifest of the backup at ``path``; refuses any other file."""
    try:
        tf = tarfile.open(path, "r:*")
    except tarfile.ReadError:
        raise _not_ours() from None
    except _READ_ERRORS as e:
        raise _damaged(str(e) or type(e).__name__) from None
    with tf:
        try:
            first = tf.next()
        except _READ_ERRORS:
            raise _not_ours() from None
        if first is None or first.name != MARKER:
            raise _not_ours()
        try:
            member = tf.getmember(MANIFEST)
            if not member.isfile() or member.size > MAX_MANIFEST_BYTES:
                raise _damaged(_l("the manifest is incomplete"))
            manifest = json.loads(tf.extractfile(member).read().decode("utf-8"))
        except KeyError:
            raise _damaged(_l("it ends early, without its manifest")) from None
        except ValueError:  # not JSON, or not UTF-8
            raise _damaged(_l("the manifest is incomplete")) from None
        except _READ_ERRORS as e:
            raise _damaged(str(e) or type(e).__name__) from None
    return _valid_manifest(manifest)


def current_schema(db: Database) -> str | None:
    if db.is_sqlite:
        return None
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT current_schema()"))


def check(manifest: dict, db: Database, migrations: Migrations) -> bool:
    """Refuse a backup this installation cannot take; returns True when the
    restored database will need ``qudao db upgrade``."""
    kind, here = manifest["database"]["kind"], kind_of(db)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if kind != here:
        raise BackupError(_l("This backup holds a %(theirs)s database but this installation "
                             "uses %(ours)s; restore it into the same kind of database.",
                             theirs=names[kind], ours=names[here]))
    revisions = set(manifest["alembic"]["revisions"])
    unknown = sorted(revisions - migrations.known)
    if unknown:
        raise BackupError(_l("This backup comes from a newer Qudao or from plugins not installed "
                             "here (unknown migrations: %(revs)s); install that version "
                             "first.", revs=", ".join(unknown)))
    if kind == "postgresql":
        schema = manifest["database"].get("schema")
        ours = current_schema(db)
        if schema != ours:
            raise BackupError(_l("This backup holds the schema %(theirs)s but this database "
                                 "uses %(ours)s.", theirs=str(schema), ours=str(ours)))
    return bool(revisions) and revisions != set(migrations.heads)


# -- restore ---------------------------------------------------------------
def _unpack(path: Path, manifest: dict, stage: Path) -> Path:
    """Every member into ``stage`` (files under ``stage/new``), each hashed
    against the manifest; returns the staged database file."""
    expected = {FILES_PREFIX + f["path"]: f for f in manifest["files"]}
    dbinfo = manifest["database"]
    expected[dbinfo["member"]] = dbinfo
    seen: set[str] = set()
    new = stage / "new"
    try:
        with tarfile.open(path, "r:*") as tf:
            for member in tf:
                if member.name in (MANIFEST, MARKER):
                    continue
                want = expected.get(member.name)
                if want is None or member.name in seen or not member.isfile():
                    raise _damaged(_l("unexpected member %(name)s", name=member.name))
                seen.add(member.name)
                if member.name == dbinfo["member"]:
                    out, mode = stage / member.name, 0o600
                else:
                    out = new / member.name[len(FILES_PREFIX):]
                    mode = 0o444 if member.name.startswith(FILES_PREFIX + "documents/") else 0o644
                out.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                src = tf.extractfile(member)
                with open(out, "wb") as fh:
                    for chunk in iter(lambda: src.read(CHUNK), b""):
                        digest.update(chunk)
                        size += len(chunk)
                        fh.write(chunk)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(out, mode)
                if size != want["size"] or digest.hexdigest() != want["sha256"]:
                    raise _damaged(_l("%(name)s does not match its checksum", name=member.name))
    except BackupError:
        raise
    except _READ_ERRORS as e:
        raise _damaged(str(e) or type(e).__name__) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise _damaged(_l("%(count)s members are missing, e.g. %(name)s",
                          count=len(missing), name=missing[0]))
    return stage / dbinfo["member"]


def _check_sqlite(staged: Path, manifest: dict) -> None:
    conn = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        revisions = _sqlite_revisions(conn)
    except sqlite3.Error as e:
        raise _damaged(str(e)) from None
    finally:
        conn.close()
    if result != "ok" or revisions != sorted(manifest["alembic"]["revisions"]):
        raise _damaged(_l("the database copy fails its check"))


def _sqlite_replace(staged: Path, db: Database) -> None:
    """Copy the staged database into the live file in one write transaction
    (the backup API): other connections see all of it or none of it."""
    live = _sqlite_path(db)
    live.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{staged}?mode=ro", uri=True)
    dst = sqlite3.connect(live, timeout=30)
    try:
        dst.execute("PRAGMA busy_timeout=30000")
        src.backup(dst, pages=-1)
    except sqlite3.Error as e:
        raise BackupError(_l("Replacing the database failed: %(error)s", error=str(e))) from None
    finally:
        dst.close()
        src.close()


def _pg_script(staged: Path, stage: Path, env: dict) -> Path:
    """The SQL that recreates the backup's schema objects and data
    (``pg_restore --clean --if-exists --no-owner``), without dropping or
    creating the schema itself (other objects, e.g. extensions, live in it)."""
    pg_restore = _tool("pg_restore")
    listing = subprocess.run([pg_restore, "--list", str(staged)], env=env,
                             stdin=subprocess.DEVNULL, capture_output=True)
    if listing.returncode != 0:
        raise _damaged(listing.stderr.decode("utf-8", "replace").strip()[-500:])
    lines = []
    for line in listing.stdout.decode("utf-8", "replace").splitlines():
        if re.match(r"^\d+; \d+ \d+ (SCHEMA|COMMENT - SCHEMA|ACL - SCHEMA) ", line):
            line = ";" + line
        lines.append(line)
    uselist = stage / "toc.list"
    uselist.write_text("\n".join(lines) + "\n", encoding="utf-8")
    script = stage / "restore.sql"
    _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--exit-on-error", f"--use-list={uselist}", f"--file={script}", str(staged)],
         env, "pg_restore")
    return script


def _pg_prelude(stage: Path, manifest: dict) -> Path:
    """Before the script, in the same transaction: wait for table locks at
    most PG_LOCK_TIMEOUT, make sure the schema and extensions exist, and drop
    every table, view and sequence of the schema (those of an extension
    excepted), so tables newer than the backup do not stay behind."""
    info = manifest["database"]
    schema = info["schema"]
    lines = ["SET client_min_messages = warning;",
             f"SET lock_timeout = {_quote_literal(PG_LOCK_TIMEOUT)};",
             f"CREATE SCHEMA IF NOT EXISTS {_quote_ident(schema)};"]
    for ext in info.get("extensions", []):
        lines.append(f"CREATE EXTENSION IF NOT EXISTS {_quote_ident(ext['name'])} "
                     f"WITH SCHEMA {_quote_ident(ext['schema'])};")
    lines.append(f"""DO $qudao$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = {_quote_literal(schema)} AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                             AND d.objid = c.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP %s IF EXISTS %I.%I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                                  ELSE 'TABLE' END,
                   {_quote_literal(schema)}, r.relname);
  END LOOP;
END
$qudao$;""")
    prelude = stage / "prelude.sql"
    prelude.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return prelude


def _pg_replace(prelude: Path, script: Path, env: dict) -> None:
    psql = _tool("psql")
    _run([psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1",
          "--single-transaction", f"--file={prelude}", f"--file={script}"], env, "psql")


def restore(db: Database, data_dir: str | Path, path: str | Path,
            migrations: Migrations) -> RestoreResult:
    """Replace the database and the data directory's files with the backup
    at ``path``.  All or nothing: on any failure the data are as before."""
    path = Path(path)
    data_dir = Path(data_dir).resolve()
    manifest = read_manifest(path)
    needs_upgrade = check(manifest, db, migrations)
    kind = manifest["database"]["kind"]
    with _data_lock(data_dir, exclusive=True):
        stage = data_dir / f".restore-{secrets.token_hex(6)}"
        stage.mkdir()
        keep_stage = False
        try:
            staged = _unpack(path, manifest, stage)
            if kind == "sqlite":
                _check_sqlite(staged, manifest)
            else:
                env = libpq_env(db.url)
                script = _pg_script(staged, stage, env)
                prelude = _pg_prelude(stage, manifest)
            for name in FILE_DIRS + CLEARED_DIRS:
                (stage / "new" / name).mkdir(parents=True, exist_ok=True)
            (stage / "old").mkdir()
            db.engine.dispose()  # no pooled connection of ours in the way
            done: list[tuple[str, str]] = []
            try:
                for name in FILE_DIRS + CLEARED_DIRS:
                    live = data_dir / name
                    if live.exists():
                        os.rename(live, stage / "old" / name)
                        done.append(("out", name))
                    os.rename(stage / "new" / name, live)
                    done.append(("in", name))
                if kind == "sqlite":
                    _sqlite_replace(staged, db)
                else:
                    _pg_replace(prelude, script, env)
            except BaseException:
                try:
                    for step, name in reversed(done):
                        if step == "in":
                            os.rename(data_dir / name, stage / "new" / name)
                        else:
                            os.rename(stage / "old" / name, data_dir / name)
                except OSError as e:
                    keep_stage = True
                    raise RestoreIncomplete(_l("The restore failed and the previous files could not "
                                         "be put back (%(error)s); they are in %(path)s.",
                                         error=str(e), path=str(stage / "old"))) from e
                raise
        except OSError as e:
            raise BackupError(_l("The restore failed: %(error)s", error=str(e))) from None
        finally:
            if not keep_stage:
                shutil.rmtree(stage, ignore_errors=True)
    return RestoreResult(manifest, needs_upgrade)

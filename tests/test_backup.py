"""`qudao backup FILE` / `qudao restore FILE`: the database and the archived
documents and attachments come back exactly as they were; a damaged,
foreign or incompatible file is refused and changes nothing; a restore
that fails half-way leaves the data as they were — on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, inspect, select, text

from core import attachments
from core import backup as backup_mod
from core.cli import main as qudao
from core.documents import IssuedDocument
from core.documents import service as documents
from core.models import Attachment
from plugins.customers.api import Customer
from plugins.finance.models import Invoice, Payment
from plugins.finance.services import receivables
from plugins.finance.services import ledger
from plugins.finance.tests.helpers import FinanceWorld

D = Decimal


@pytest.fixture
def enabled_plugins():
    return ["customers", "finance"]


@pytest.fixture
def world(app, make_user, make_org):
    return FinanceWorld.build(app, make_user, make_org)


def _cli(app, *args, input=None):
    return CliRunner().invoke(qudao, list(args), obj=ScriptInfo(create_app=lambda: app),
                              input=input, catch_exceptions=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def data(app, world):
    """A posted invoice, a payment against it, the invoice issued as an
    archived PDF and an attachment; the customer owes 400.00."""
    db = app.extensions["qudao"].db
    a = world.customers["a"]
    with db.session() as s:
        inv = receivables.post_invoice(s, a, [{"description": "55寸电视", "unit_price": "1000.00"}])
        receivables.record_payment(s, a, "600.00", allocations="auto")
        att = attachments.save(s, io.BytesIO(b"%PDF-1.4 contract scan\n%%EOF\n"), "合同.pdf",
                               res_table="customers_customer", res_id=a)
        inv_id, att_id = inv.id, att.id
    with db.session() as s:
        doc = documents.issue(s, "finance.invoice", inv_id, world.user(s, "finance"),
                              locale="zh_CN")
        doc_id = doc.id
    return {"customer": a, "invoice": inv_id, "doc": doc_id, "att": att_id}


def _state(app, data) -> dict:
    """What a user would look at: balances, counts, names, files."""
    db = app.extensions["qudao"].db
    root = Path(app.config["DATA_DIR"])
    with db.session() as s:
        doc = s.get(IssuedDocument, data["doc"])
        att = s.get(Attachment, data["att"])
        return {
            "balance": ledger.customer_balance(s, data["customer"]),
            "invoices": s.scalar(select(func.count(Invoice.id))),
            "payments": s.scalar(select(func.count(Payment.id))),
            "customers": sorted(s.scalars(select(Customer.name))),
            "doc": None if doc is None else (doc.sha256, doc.storage_path),
            "att": None if att is None else (att.sha256, att.storage_name),
            "files": sorted(p.relative_to(root).as_posix() for top in ("documents", "attachments")
                            for p in (root / top).rglob("*") if p.is_file()),
        }


def _change_everything(app, world, data) -> None:
    """After the backup: a new invoice, a renamed and a new customer, the
    archived PDF and the attachment deleted, a stray file added."""
    db = app.extensions["qudao"].db
    root = Path(app.config["DATA_DIR"])
    with db.session() as s:
        receivables.post_invoice(s, data["customer"], [{"description": "冰箱", "unit_price": "999.99"}])
        s.get(Customer, data["customer"]).name = "改过的名字"
    world.make_customer("备份之后的新客户", world.users["sales1"].id)
    with db.session() as s:
        (root / "documents" / s.get(IssuedDocument, data["doc"]).storage_path).unlink()
        attachments.path_of(s, s.get(Attachment, data["att"])).unlink()
    (root / "documents" / "zz").mkdir(parents=True, exist_ok=True)
    (root / "documents" / "zz" / "stray.pdf").write_bytes(b"%PDF-stray")


def test_backup_then_restore_brings_everything_back(app, world, data, tmp_path):
    before = _state(app, data)
    assert before["balance"] == D("400.00") and before["invoices"] == 1
    target = tmp_path / "backups" / "qudao.tar"
    target.parent.mkdir()
    made = _cli(app, "backup", str(target))
    assert made.exit_code == 0, made.output
    assert "backup written" in made.output and target.is_file()
    assert [p.name for p in target.parent.iterdir()] == ["qudao.tar"]  # no temp file left
    assert target.stat().st_mode & 0o077 == 0  # it holds password hashes: owner only

    with tarfile.open(target) as tf:
        manifest = json.load(tf.extractfile("manifest.json"))
    assert manifest["format"] == "qudao-backup" and manifest["version"] == 1
    assert manifest["database"]["kind"] == app.extensions["qudao"].db.engine.dialect.name
    assert sorted(f["path"] for f in manifest["files"]) == before["files"]

    _change_everything(app, world, data)
    # A table the backup does not know (a newer migration), pointing at one
    # it does: the restore still replaces the database as a whole.
    with app.extensions["qudao"].db.session() as s:
        s.execute(text("CREATE TABLE zz_newer (id INTEGER PRIMARY KEY, "
                       "user_id INTEGER REFERENCES core_user (id))"))
        s.execute(text("INSERT INTO zz_newer VALUES (1, :u)"), {"u": world.users["sales1"].id})
    changed = _state(app, data)
    assert changed["balance"] == D("1399.99") and changed != before

    done = _cli(app, "restore", str(target), "--yes")
    assert done.exit_code == 0, done.output
    assert "restored" in done.output
    after = _state(app, data)
    assert after == before
    assert after["balance"] == D("400.00")
    assert "zz_newer" not in inspect(app.extensions["qudao"].db.engine).get_table_names()

    verify = _cli(app, "finance", "verify")
    assert verify.exit_code == 0, verify.output
    assert verify.output.startswith("OK")
    root = Path(app.config["DATA_DIR"])
    with app.extensions["qudao"].db.session() as s:
        for doc in s.scalars(select(IssuedDocument)):
            pdf = root / "documents" / doc.storage_path
            assert _sha(pdf) == doc.sha256
            genuine = _cli(app, "documents", "verify", str(pdf))
            assert genuine.exit_code == 0 and "GENUINE" in genuine.output
        att = s.get(Attachment, data["att"])
        assert _sha(attachments.path_of(s, att)) == att.sha256
    assert not list(root.glob(".restore-*"))


def test_a_backup_restores_onto_a_new_machine(app, world, data, tmp_path):
    """Disaster recovery: an empty data directory and a database without
    tables (PostgreSQL: the same schema name, as a new server would have)."""
    from core.app import create_app
    from core.db import Base

    before = _state(app, data)
    target = tmp_path / "qudao.tar"
    assert _cli(app, "backup", str(target)).exit_code == 0
    db = app.extensions["qudao"].db
    if db.is_sqlite:
        url = f"sqlite:///{tmp_path / 'new-machine.db'}"
    else:
        url = db.url
        Base.metadata.drop_all(db.engine)
    db.dispose()
    new = create_app({"DATA_DIR": str(tmp_path / "new-data"), "DATABASE_URL": url,
                      "SECRET_KEY": "another"})
    try:
        done = _cli(new, "restore", str(target), "--yes")
        assert done.exit_code == 0, done.output
        assert _state(new, data) == before
        assert _cli(new, "finance", "verify").exit_code == 0
    finally:
        new.extensions["qudao"].db.dispose()


def test_a_compressed_backup_restores_too(app, world, data, tmp_path):
    before = _state(app, data)
    target = tmp_path / "qudao.tar.gz"
    assert _cli(app, "backup", str(target)).exit_code == 0
    with open(target, "rb") as fh:
        assert fh.read(2) == b"\x1f\x8b"
    _change_everything(app, world, data)
    done = _cli(app, "restore", str(target), "--yes")
    assert done.exit_code == 0, done.output
    assert _state(app, data) == before


def test_restore_asks_first_and_no_keeps_everything(app, world, data, tmp_path):
    target = tmp_path / "qudao.tar"
    assert _cli(app, "backup", str(target)).exit_code == 0
    _change_everything(app, world, data)
    changed = _state(app, data)
    answer = _cli(app, "restore", str(target), input="n\n")
    assert answer.exit_code == 1 and "Continue?" in answer.output
    assert _state(app, data) == changed


# -- refused files -------------------------------------------------------------
def _rewrite(src: Path, dst: Path, change) -> None:
    """A copy of the backup ``src`` whose manifest went through ``change``."""
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for member in tin:
            if member.name == "manifest.json":
                manifest = json.load(tin.extractfile(member))
                change(manifest)
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                tout.addfile(member, io.BytesIO(raw))
            else:
                tout.addfile(member, tin.extractfile(member))


def _flip_byte_in(src: Path, dst: Path, member_prefix: str) -> None:
    with tarfile.open(src) as tf:
        member = next(m for m in tf if m.name.startswith(member_prefix))
        where = member.offset_data + member.size // 2
    raw = bytearray(src.read_bytes())
    raw[where] ^= 0x01
    dst.write_bytes(bytes(raw))


def _refusals(tmp_path: Path, good: Path, app) -> dict[str, Path]:
    out = {}
    out["text"] = tmp_path / "notes.txt"
    out["text"].write_text("这不是备份\n", encoding="utf-8")
    out["foreign_tar"] = tmp_path / "other.tar"
    with tarfile.open(out["foreign_tar"], "w") as tf:
        info = tarfile.TarInfo("readme.txt")
        info.size = 5
        tf.addfile(info, io.BytesIO(b"hello"))
    out["damaged_pdf"] = tmp_path / "damaged-pdf.tar"
    _flip_byte_in(good, out["damaged_pdf"], "files/documents/")
    out["damaged_db"] = tmp_path / "damaged-db.tar"
    _flip_byte_in(good, out["damaged_db"], "database.")
    out["truncated"] = tmp_path / "truncated.tar"
    out["truncated"].write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    other = "postgresql" if app.extensions["qudao"].db.is_sqlite else "sqlite"
    out["other_kind"] = tmp_path / "other-kind.tar"
    _rewrite(good, out["other_kind"], lambda m: m["database"].update(
        kind=other, member=backup_mod.DB_MEMBER[other]))
    out["newer"] = tmp_path / "newer.tar"
    _rewrite(good, out["newer"], lambda m: m["alembic"].update(revisions=["ffffffff0001"]))
    out["newer_format"] = tmp_path / "newer-format.tar"
    _rewrite(good, out["newer_format"], lambda m: m.update(version=99))
    return out


REFUSED = {
    "text": "不是渠道的备份文件",
    "foreign_tar": "不是渠道的备份文件",
    "damaged_pdf": "与校验值不符",
    "damaged_db": "与校验值不符",
    "truncated": "备份文件已损坏",
    "other_kind": "请恢复到同类数据库",
    "newer": "ffffffff0001",
    "newer_format": "更新版本的渠道",
}


def test_foreign_damaged_and_incompatible_files_are_refused_and_change_nothing(
        app, world, data, tmp_path):
    good = tmp_path / "good.tar"
    assert _cli(app, "backup", str(good)).exit_code == 0
    _change_everything(app, world, data)
    changed = _state(app, data)
    root = Path(app.config["DATA_DIR"])
    for name, path in _refusals(tmp_path, good, app).items():
        res = _cli(app, "restore", str(path), "--yes")
        assert res.exit_code == 1, (name, res.output)
        assert REFUSED[name] in res.output, (name, res.output)
        assert _state(app, data) == changed, name
        assert not list(root.glob(".restore-*")), name
    # The good one still works after all that.
    assert _cli(app, "restore", str(good), "--yes").exit_code == 0
    assert _state(app, data)["balance"] == D("400.00")


def test_a_backup_from_known_migrations_restores_and_says_to_upgrade(app, world, data, tmp_path):
    """The database is stamped with a revision the code knows but that is
    not a head: the restore goes ahead and tells the operator what to run."""
    from alembic.script import ScriptDirectory

    from core.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(app))
    core_head = script.get_revision("core@head")
    older = core_head.down_revision
    assert isinstance(older, str)
    with app.extensions["qudao"].db.session() as s:
        s.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        s.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": older})
    target = tmp_path / "qudao.tar"
    assert _cli(app, "backup", str(target)).exit_code == 0
    _change_everything(app, world, data)
    done = _cli(app, "restore", str(target), "--yes")
    assert done.exit_code == 0, done.output
    assert "qudao db upgrade" in done.output
    with app.extensions["qudao"].db.session() as s:
        assert s.scalar(text("SELECT version_num FROM alembic_version")) == older


# -- failing half-way ------------------------------------------------------------
def test_a_restore_failing_at_the_database_puts_the_files_back(app, world, data, tmp_path,
                                                               monkeypatch):
    target = tmp_path / "qudao.tar"
    assert _cli(app, "backup", str(target)).exit_code == 0
    _change_everything(app, world, data)
    changed = _state(app, data)

    if app.extensions["qudao"].db.is_sqlite:
        def broken(staged, db):
            raise backup_mod.BackupError("disk full")

        monkeypatch.setattr(backup_mod, "_sqlite_replace", broken)
    else:
        # A real failure inside psql's transaction, after the prelude has
        # dropped every table and the script has recreated them.
        real_run = backup_mod._run

        def failing_psql(cmd, env, what):
            if what == "psql":
                cmd = cmd + ["--command=SELECT 1/0"]
            return real_run(cmd, env, what)

        monkeypatch.setattr(backup_mod, "_run", failing_psql)
    res = _cli(app, "restore", str(target), "--yes")
    assert res.exit_code == 1
    assert "existing data are unchanged" in res.output
    assert _state(app, data) == changed
    assert _cli(app, "finance", "verify").exit_code == 0
    assert not list(Path(app.config["DATA_DIR"]).glob(".restore-*"))


# -- while the app runs ------------------------------------------------------------
def test_a_backup_taken_while_payments_are_posted_is_consistent(app, world, tmp_path):
    """Writers keep posting payments in other threads while the backup runs;
    the restored ledger agrees with the restored payments to the cent."""
    db = app.extensions["qudao"].db
    a = world.customers["a"]
    stop = threading.Event()
    errors = []

    def writer():
        try:
            while not stop.is_set():
                with db.session() as s:
                    receivables.record_payment(s, a, "12.34")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    with db.session() as s:
        receivables.record_payment(s, a, "12.34")
    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        target = tmp_path / "live.tar"
        made = _cli(app, "backup", str(target))
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == [] and made.exit_code == 0, made.output
    done = _cli(app, "restore", str(target), "--yes")
    assert done.exit_code == 0, done.output
    assert _cli(app, "finance", "verify").exit_code == 0
    with db.session() as s:
        n = s.scalar(select(func.count(Payment.id)))
        assert n >= 1
        assert ledger.customer_balance(s, a) == D("-12.34") * n


# -- PostgreSQL credentials ------------------------------------------------------
def test_the_database_url_reaches_the_postgresql_tools_through_the_environment():
    env = backup_mod.libpq_env("postgresql+psycopg://qudao:s%40cret@db.internal:5433/qd"
                               "?sslmode=require&options=-csearch_path%3Dsales")
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == (
        "db.internal", "5433", "qudao", "qd")
    assert env["PGPASSWORD"] == "s@cret"
    assert env["PGSSLMODE"] == "require" and env["PGOPTIONS"] == "-csearch_path=sales"
    with pytest.raises(backup_mod.BackupError, match="prepare_threshold"):
        backup_mod.libpq_env("postgresql+psycopg://u@h/d?prepare_threshold=0")


def test_no_password_on_a_command_line(app, world, data, tmp_path, monkeypatch):
    db = app.extensions["qudao"].db
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    from sqlalchemy.engine import make_url

    # The test server trusts local connections: the password is passed and ignored.
    monkeypatch.setattr(db, "url", make_url(db.url).set(password="pw-Zq81-not-needed")
                        .render_as_string(hide_password=False))
    calls = []
    real = backup_mod.subprocess.run

    def spy(cmd, *args, **kw):
        calls.append((cmd, kw.get("env") or {}))
        return real(cmd, *args, **kw)

    monkeypatch.setattr(backup_mod.subprocess, "run", spy)
    target = tmp_path / "qudao.tar"
    assert _cli(app, "backup", str(target)).exit_code == 0
    assert _cli(app, "restore", str(target), "--yes").exit_code == 0
    tools = [Path(cmd[0]).name for cmd, _env in calls]
    assert {"pg_dump", "pg_restore", "psql"} <= set(tools)
    for cmd, env in calls:
        assert not any("pw-Zq81" in part for part in cmd), cmd
        assert env["PGPASSWORD"] == "pw-Zq81-not-needed"

"""Issued documents are archived: the same bytes on every download, a verify
page that recognises a genuine file and rejects a changed one, access as
for the record itself, and the same service from the command line."""
import io
import re

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select

from core.cli import main as qudao
from core.documents import IssuedDocument
from qddocs import helpers
from qddocs.models import Sheet  # noqa: F401  (its table must exist)


@pytest.fixture
def app_config():
    return helpers.CONFIG


def _issue_on_web(client, sheet_id, spec="qddocs.statement", **form):
    resp = client.post_form(f"/documents/issue/{spec}/{sheet_id}", form)
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    download = resp.headers["Location"]
    doc_id = int(re.search(r"/documents/(\d+)/download", download).group(1))
    return doc_id, client.get(download)


def test_issue_archives_and_every_download_returns_identical_bytes(app, client, db):
    sheet_id = helpers.make_sheet(app, "admin")
    client.login("admin")
    doc_id, first = _issue_on_web(client, sheet_id)
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert "attachment" in first.headers["Content-Disposition"]
    again = client.get(f"/documents/{doc_id}/download")
    assert again.get_data() == first.get_data()
    doc = db.get(IssuedDocument, doc_id)
    db.rollback()
    assert doc.size == len(first.get_data())
    assert doc.number == f"DZD/{doc.issued_at.year}/00001"
    assert doc.record_id == str(sheet_id) and doc.spec == "qddocs.statement"
    assert doc.owner_id == helpers.user(db, "admin").id
    import hashlib
    assert doc.sha256 == hashlib.sha256(first.get_data()).hexdigest()
    listing = client.get("/documents/").get_data(as_text=True)
    assert doc.number in listing
    # issuing again is a new document with the next number
    _doc2, second = _issue_on_web(client, sheet_id)
    db.rollback()  # a fresh snapshot
    assert db.scalar(select(func.count()).select_from(IssuedDocument)) == 2
    assert second.get_data() != first.get_data()


def test_verify_page_accepts_a_genuine_file_and_rejects_one_changed_byte(app, client):
    sheet_id = helpers.make_sheet(app, "admin")
    client.login("admin")
    _doc_id, resp = _issue_on_web(client, sheet_id)
    pdf = resp.get_data()
    client.logout()
    anonymous = app.test_client()  # anyone holding a copy may check it
    page = anonymous.post_form("/documents/verify",
                               {"file": (io.BytesIO(pdf), "statement.pdf")},
                               content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-genuine="1"' in html and "DZD/" in html and "客户对账单" in html

    changed = bytearray(pdf)
    changed[len(changed) // 2] ^= 0x01
    page = anonymous.post_form("/documents/verify",
                               {"file": (io.BytesIO(bytes(changed)), "statement.pdf")},
                               content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert 'data-genuine="0"' in html and "DZD/" not in html

    import hashlib
    digest = hashlib.sha256(pdf).hexdigest()
    page = anonymous.post_form("/documents/verify", {"sha256": "  " + digest.upper() + " "})
    assert 'data-genuine="1"' in page.get_data(as_text=True)


def test_verify_page_refuses_bad_input_with_a_message(app, client):
    bad = client.post_form("/documents/verify", {"file": (io.BytesIO(b"GIF89a..."), "x.pdf")},
                           content_type="multipart/form-data")
    assert bad.status_code == 400 and "data-genuine" not in bad.get_data(as_text=True)
    assert client.post_form("/documents/verify", {"sha256": "xyz"}).status_code == 400
    assert client.post_form("/documents/verify", {}).status_code == 400
    # without the CSRF token nothing is checked
    assert client.post("/documents/verify", data={"sha256": "0" * 64}).status_code == 400


def test_other_peoples_records_and_documents_answer_404(app, client, make_user, make_org):
    make_org("DOC-A", "甲办事处")
    make_org("DOC-B", "乙办事处")
    make_user("doc_sales_a", "salesperson", org_code="DOC-A")
    make_user("doc_sales_b", "salesperson", org_code="DOC-B")
    sheet_a = helpers.make_sheet(app, "doc_sales_a")
    client.login("doc_sales_b")
    assert client.post_form(f"/documents/issue/qddocs.statement/{sheet_a}").status_code == 404
    assert client.post_form("/documents/issue/qddocs.nosuch/1").status_code == 404
    assert client.post_form("/documents/issue/qddocs.free/missing").status_code == 404
    client.logout()
    client.login("doc_sales_a")
    doc_id, resp = _issue_on_web(client, sheet_a)
    assert resp.status_code == 200
    client.logout()
    client.login("doc_sales_b")
    assert client.get(f"/documents/{doc_id}/download").status_code == 404
    assert "DZD/" not in client.get("/documents/").get_data(as_text=True)


def test_issuing_needs_the_specs_permission_and_a_post_with_csrf(app, client, make_user):
    make_user("doc_auditor", "auditor")
    sheet_id = helpers.make_sheet(app, "admin")
    client.login("doc_auditor")
    assert client.post_form(f"/documents/issue/qddocs.statement/{sheet_id}").status_code == 403
    client.logout()
    client.login("admin")
    assert client.get(f"/documents/issue/qddocs.statement/{sheet_id}").status_code == 405
    no_csrf = client.post(f"/documents/issue/qddocs.statement/{sheet_id}")
    assert no_csrf.status_code == 400


def test_a_disabled_plugins_documents_drop_out(app, client, db):
    from core import services

    sheet_id = helpers.make_sheet(app, "admin")
    services.disable_plugin(db, "qddocs")
    db.commit()
    client.login("admin")
    assert client.post_form(f"/documents/issue/qddocs.statement/{sheet_id}").status_code == 404


def _cli(app, *args):
    return CliRunner().invoke(qudao, list(args), obj=ScriptInfo(create_app=lambda: app),
                              catch_exceptions=False)


def test_cli_lists_renders_and_verifies(app, tmp_path, make_user):
    listing = _cli(app, "documents", "list")
    assert listing.exit_code == 0
    line = next(ln for ln in listing.output.splitlines() if ln.startswith("qddocs.statement"))
    assert line.split()[:3] == ["qddocs.statement", "qddocs", "qddocs.print"]

    sheet_id = helpers.make_sheet(app, "admin")
    out = tmp_path / "statement.pdf"
    res = _cli(app, "documents", "render", "qddocs.statement", str(sheet_id), "-o", str(out),
               "--as", "admin")
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF-") and "DZD/" in res.output
    assert "客户对账单" in helpers.pdftotext(out.read_bytes())

    ok = _cli(app, "documents", "verify", str(out))
    assert ok.exit_code == 0 and "GENUINE" in ok.output and "qddocs.statement" in ok.output
    assert re.search(r"issued at: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Asia/Shanghai\)", ok.output)
    changed = bytearray(out.read_bytes())
    changed[-10] ^= 0x20
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(changed))
    bad = _cli(app, "documents", "verify", str(forged))
    assert bad.exit_code != 0 and "NOT GENUINE" in bad.output

    make_user("cli_auditor", "auditor")
    refused = _cli(app, "documents", "render", "qddocs.statement", str(sheet_id), "-o",
                   str(tmp_path / "x.pdf"), "--as", "cli_auditor")
    assert refused.exit_code != 0 and not (tmp_path / "x.pdf").exists()


def test_a_damaged_archive_file_is_reported_not_served(app, client, db):
    from pathlib import Path

    sheet_id = helpers.make_sheet(app, "admin")
    client.login("admin")
    doc_id, _resp = _issue_on_web(client, sheet_id)
    doc = db.get(IssuedDocument, doc_id)
    path = Path(app.config["DATA_DIR"]) / "documents" / doc.storage_path
    path.chmod(0o644)
    path.write_bytes(b"%PDF-1.7 tampered")
    resp = client.get(f"/documents/{doc_id}/download")
    assert resp.status_code == 302


def test_the_letterhead_logo_is_uploaded_by_an_admin_and_printed(app, client, db, make_user):
    make_user("logo_sales", "salesperson")
    client.login("logo_sales")
    assert client.get("/documents/letterhead").status_code == 403
    client.logout()
    client.login("admin")
    refused = client.post_form("/documents/letterhead",
                               {"logo": (io.BytesIO(b"%PDF-1.4 not an image"), "logo.png")},
                               content_type="multipart/form-data", follow_redirects=True)
    assert "logo-preview" not in refused.get_data(as_text=True)
    saved = client.post_form("/documents/letterhead", {"logo": (io.BytesIO(helpers.PNG), "logo.png")},
                             content_type="multipart/form-data", follow_redirects=True)
    assert "logo-preview" in saved.get_data(as_text=True)
    sheet_id = helpers.make_sheet(app, "admin")
    doc_id, resp = _issue_on_web(client, sheet_id)
    assert b"/Image" in helpers.all_bytes(resp.get_data())


def test_a_spec_with_an_undeclared_sequence_is_refused_at_start_up(app_config, tmp_path):
    import types

    from core.app import create_app
    from core.hookspecs import hookimpl
    from core.plugins import PluginError
    from core.registry import DocumentSpec, Manifest, Permission

    mod = types.ModuleType("qudao_test_badseq")
    mod.MANIFEST = Manifest(name="badseq", label_zh="坏", label_en="Bad", version="0")
    mod.register_permissions = hookimpl(lambda: [Permission("badseq.print", "p")])
    mod.register_documents = hookimpl(lambda: [DocumentSpec(
        "badseq.doc", "Doc", "badseq/pdf/doc.html", lambda s, r, u: {}, "badseq.print",
        sequence="badseq.nosuch")])
    with pytest.raises(PluginError, match="undeclared sequence"):
        create_app({"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                    "SECRET_KEY": "t", "PLUGINS": ["badseq"], "EXTRA_PLUGINS": [mod]})


def test_a_disabled_plugins_archived_pdf_cannot_be_downloaded(app, client, db):
    """Issue 20: the archive of a switched-off plugin is out of reach like its pages."""
    from core import services

    sheet_id = helpers.make_sheet(app, "admin")
    client.login("admin")
    doc_id, resp = _issue_on_web(client, sheet_id)
    assert resp.status_code == 200
    services.disable_plugin(db, "qddocs")
    db.commit()
    assert client.get(f"/documents/{doc_id}/download").status_code == 404
    services.enable_plugin(db, "qddocs")
    db.commit()
    assert client.get(f"/documents/{doc_id}/download").status_code == 200


# -- a full disk (issue 20) ------------------------------------------------------------
class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, fh):
        self.fh = fh

    def write(self, _data):
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


def _parts(app):
    from pathlib import Path

    return sorted(p.name for p in Path(app.config["DATA_DIR"]).rglob("*.part"))


def test_a_full_disk_while_archiving_leaves_no_part_file_and_says_so(app, client, db, monkeypatch):
    import builtins

    from core.documents import archive

    sheet_id = helpers.make_sheet(app, "admin")
    client.login("admin")

    def full_open(path, mode="r", *a, **kw):
        fh = builtins.open(path, mode, *a, **kw)
        return _FullDisk(fh) if "w" in mode else fh

    monkeypatch.setattr(archive, "open", full_open, raising=False)
    resp = client.post_form(f"/documents/issue/qddocs.statement/{sheet_id}", {},
                            follow_redirects=True)
    assert resp.status_code == 200
    assert "文件无法保存：服务器磁盘已满" in resp.get_data(as_text=True)
    assert _parts(app) == []
    assert db.scalar(select(func.count()).select_from(IssuedDocument)) == 0


def test_a_full_disk_while_uploading_leaves_no_part_file_and_says_so(app, client, db, monkeypatch):
    from pathlib import Path

    from core.models import Attachment

    real_open = Path.open

    def full_open(self, mode="r", *a, **kw):
        fh = real_open(self, mode, *a, **kw)
        return _FullDisk(fh) if "w" in mode and self.name.endswith(".part") else fh

    client.login("admin")
    monkeypatch.setattr(Path, "open", full_open)
    resp = client.post_form("/documents/letterhead", {"logo": (io.BytesIO(helpers.PNG), "logo.png")},
                            content_type="multipart/form-data")
    monkeypatch.undo()
    assert resp.status_code == 200
    assert "文件无法保存：服务器磁盘已满" in resp.get_data(as_text=True)
    assert _parts(app) == []
    assert db.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_long_upload_name_keeps_its_extension(app, client, db):
    from core.models import Attachment

    client.login("admin")
    long_name = "很长的公司标志文件名" * 30 + ".png"
    resp = client.post_form("/documents/letterhead", {"logo": (io.BytesIO(helpers.PNG), long_name)},
                            content_type="multipart/form-data")
    assert resp.status_code == 302
    name = db.scalar(select(Attachment.filename))
    assert len(name) <= 200 and name.endswith(".png") and name.startswith("很长的公司标志")


def test_fit_filename_keeps_the_extension():
    from core.files import fit_filename

    assert fit_filename("a" * 300 + ".pdf", 120) == "a" * 116 + ".pdf"
    assert fit_filename("short.pdf", 120) == "short.pdf"
    assert fit_filename("x" * 50, 10) == "x" * 10  # no extension: a plain cut

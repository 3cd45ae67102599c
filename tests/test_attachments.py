"""Uploads are typed by content, size-limited, kept outside static, and
downloadable only by people who may see the owning record."""
import io
import types

import pytest
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core import attachments
from core.attachments import AttachmentError
from core.db import Base, OwnedMixin
from core.hookspecs import hookimpl
from core.registry import Manifest

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class AttNote(OwnedMixin, Base):
    __tablename__ = "atttest_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))


def _plugin():
    mod = types.ModuleType("qudao_test_att_plugin")
    mod.MANIFEST = Manifest("atttest", "附件测试", "Attachment test", "0.1")
    mod.register_models = hookimpl(lambda: [AttNote])
    return mod


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": [_plugin()]}


def _save(db, data, name="x.pdf", **kw):
    return attachments.save(db, io.BytesIO(data), name, **kw)


def test_pdf_accepted_and_hashed_outside_static(app, db):
    import hashlib

    att = _save(db, PDF, "营业执照.pdf")
    db.commit()
    assert att.content_type == "application/pdf"
    assert att.sha256 == hashlib.sha256(PDF).hexdigest()
    path = attachments.path_of(db, att)
    assert path.read_bytes() == PDF
    assert "static" not in str(path) and att.storage_name not in att.filename


def test_type_checked_by_content_not_name(app, db):
    with pytest.raises(AttachmentError):
        _save(db, b"MZ\x90\x00 evil exe", "licence.pdf")
    with pytest.raises(AttachmentError):
        _save(db, PNG, "photo.png", allowed=("pdf",))
    assert _save(db, PNG, "looks-like.pdf", allowed=("png",)).content_type == "image/png"


def test_size_limit_keeps_nothing(app, db):
    from core import settings

    settings.set(db, "core.attachment_max_mb", 1)
    before = list((attachments.storage_root(db)).rglob("*"))
    with pytest.raises(AttachmentError):
        _save(db, PDF + b"0" * (1024 * 1024 + 10))
    after = [p for p in attachments.storage_root(db).rglob("*") if p.is_file()]
    assert [p for p in after if p not in before] == []


def test_download_follows_record_access(app, db, client, make_user):
    from core.models import OrgUnit
    from sqlalchemy import select

    a = make_user("att_a", "salesperson")
    make_user("att_b", "salesperson")
    hq = db.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    note = AttNote(title="t", org_unit_id=hq.id, owner_id=a.id)
    db.add(note)
    db.flush()
    att = _save(db, PDF, "合同.pdf", res_table="atttest_note", res_id=note.id)
    db.commit()
    client.login("att_a")
    resp = client.get(f"/attachments/{att.id}")
    assert resp.status_code == 200 and resp.data == PDF
    assert "attachment" in resp.headers["Content-Disposition"]
    client.logout()
    client.login("att_b")
    assert client.get(f"/attachments/{att.id}").status_code == 404
    assert client.get("/attachments/999999").status_code == 404

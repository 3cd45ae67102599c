"""Helpers shared by the document and job tests."""
from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import zlib

from pypdf import PdfReader
from sqlalchemy import select

SUBSET = re.compile(r"^[A-Z]{6}\+")
#: A 1×1 red PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
CONFIG = {"EXTRA_PLUGINS": ["qddocs.plugin"]}


def make_sheet(app, username: str, title: str = "测试单据", rows: int = 3) -> int:
    from core.models import User

    from .models import Sheet

    with app.extensions["qudao"].db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        sheet = Sheet(title=title, rows=rows, org_unit_id=user.org_unit_id, owner_id=user.id)
        s.add(sheet)
        s.flush()
        return sheet.id


def user(session, username: str):
    from core.models import User

    return session.scalar(select(User).where(User.username == username))


def pdftotext(data: bytes) -> str:
    """poppler's text extraction (what a user gets by copying the text)."""
    assert shutil.which("pdftotext"), "poppler-utils is part of the set-up step"
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def pypdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def fonts(data: bytes) -> dict[str, bool]:
    """{BaseFont: embedded?} for every font used on every page."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        res = page.get("/Resources")
        res = res.get_object() if res is not None else {}
        for ref in (res.get("/Font") or {}).values():
            font = ref.get_object()
            desc_fonts = font.get("/DescendantFonts")
            target = desc_fonts[0].get_object() if desc_fonts else font
            desc = target.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"]).lstrip("/")] = embedded
    return found


def all_bytes(pdf: bytes) -> bytes:
    """Every stream of the PDF, decompressed, to look for what is inside."""
    reader = PdfReader(io.BytesIO(pdf))
    chunks = [pdf]
    for obj_id in range(1, len(reader.xref_objStm) + 400):
        try:
            obj = reader.get_object(obj_id)
        except Exception:  # noqa: BLE001 - ids past the end
            continue
        if hasattr(obj, "get_data"):
            try:
                chunks.append(obj.get_data())
            except (zlib.error, ValueError, NotImplementedError):
                pass
    return b"\n".join(chunks)

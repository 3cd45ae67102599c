"""Attachments: files kept under ``DATA_DIR/attachments`` (never under static),
stored by random name, hashed with SHA-256, typed by their bytes — not by
the name or the browser's Content-Type — and size-limited."""
from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import BinaryIO, Iterable

from sqlalchemy.orm import Session

from . import settings
from .files import discard, fit_filename, write_failed
from .i18n import _l
from .models import Attachment

#: kind -> (content type, test on the first bytes)
SNIFFERS = {
    "pdf": ("application/pdf", lambda b: b.startswith(b"%PDF-")),
    "png": ("image/png", lambda b: b.startswith(b"\x89PNG\r\n\x1a\n")),
    "jpeg": ("image/jpeg", lambda b: b.startswith(b"\xff\xd8\xff")),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             lambda b: b.startswith(b"PK\x03\x04")),
    "csv": ("text/csv", lambda b: _looks_like_text(b)),
}
IMAGES_AND_PDF = ("pdf", "png", "jpeg")


class AttachmentError(ValueError):
    """Refused upload; the message is for the user."""


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            head.decode(enc)
            return True
        except UnicodeDecodeError:
            # A multi-byte character may be cut at the end of the sample.
            try:
                head[:-3].decode(enc)
                return True
            except UnicodeDecodeError:
                continue
    return False


def sniff(head: bytes, allowed: Iterable[str]) -> tuple[str, str] | None:
    """(kind, content type) of the first matching allowed kind, else None."""
    for kind in allowed:
        ctype, test = SNIFFERS[kind]
        if test(head):
            return kind, ctype
    return None


def storage_root(session: Session) -> Path:
    root = Path(session.ext.config["DATA_DIR"]) / "attachments"
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_of(session: Session, att: Attachment) -> Path:
    return storage_root(session) / att.storage_name[:2] / att.storage_name


def save(session: Session, stream: BinaryIO, filename: str, *, allowed: Iterable[str] = IMAGES_AND_PDF,
         res_table: str | None = None, res_id: str | int | None = None, purpose: str | None = None,
         org_unit_id: int | None = None, user_id: int | None = None) -> Attachment:
    """Store an upload and add its row to the session; refuse wrong types and
    oversize files before anything is kept."""
    allowed = tuple(allowed)
    limit = int(settings.get(session, "core.attachment_max_mb")) * 1024 * 1024
    head = stream.read(4096)
    found = sniff(head, allowed)
    if found is None:
        raise AttachmentError(_l("This file type is not accepted here. Allowed: %(kinds)s.",
                                 kinds=", ".join(k.upper() for k in allowed)))
    kind, ctype = found
    name = secrets.token_hex(20)
    try:
        root = storage_root(session) / name[:2]
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AttachmentError(write_failed(exc)) from exc
    target = root / name
    digest = hashlib.sha256()
    size = 0
    tmp = target.with_suffix(".part")
    try:
        with tmp.open("wb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise AttachmentError(_l("The file is larger than %(mb)s MB.", mb=limit // 1048576))
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(1 << 16)
        if size == 0:
            raise AttachmentError(_l("The file is empty."))
        os.replace(tmp, target)
    except OSError as exc:
        # A full disk: nothing kept, and the user is told why (issue 20).
        raise AttachmentError(write_failed(exc)) from exc
    finally:
        discard(tmp)
    safe_name = fit_filename(os.path.basename(filename or "file").replace("\x00", ""), 200) or "file"
    att = Attachment(filename=safe_name, content_type=ctype, size=size, sha256=digest.hexdigest(),
                     storage_name=name, res_table=res_table,
                     res_id=None if res_id is None else str(res_id), purpose=purpose,
                     org_unit_id=org_unit_id, uploaded_by=user_id)
    session.add(att)
    session.flush()
    return att


def read_bytes(session: Session, att: Attachment) -> bytes:
    return path_of(session, att).read_bytes()

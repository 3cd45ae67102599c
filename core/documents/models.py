"""The archive of issued documents: one row per PDF handed out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, OwnedMixin, utcnow
from ..models import User


class IssuedDocument(OwnedMixin, Base):
    """An issued PDF.  ``owner_id`` is the issuer and ``org_unit_id`` the
    issuer's unit, so the default access rule scopes the archive like any
    business record.  The bytes live under ``DATA_DIR/documents`` at
    ``storage_path``, named by their SHA-256, and are never rewritten."""

    __tablename__ = "core_document"
    __audited__ = True
    __table_args__ = (Index("ix_core_document_record", "spec", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(64), index=True)
    spec: Mapped[str] = mapped_column(String(80))
    #: The title as printed, in the language it was issued in.
    title: Mapped[str] = mapped_column(String(200))
    record_id: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_path: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    issuer: Mapped[User | None] = relationship(foreign_keys="IssuedDocument.owner_id",
                                               lazy="joined")

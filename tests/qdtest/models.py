from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, OwnedMixin, TimestampMixin


class Note(OwnedMixin, TimestampMixin, Base):
    __tablename__ = "qdtest_note"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), default="")
    title: Mapped[str] = mapped_column(String(120))

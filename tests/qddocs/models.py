from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, OwnedMixin, TimestampMixin


class Sheet(OwnedMixin, TimestampMixin, Base):
    """A record to print: owned, so the default access rule applies."""

    __tablename__ = "qddocs_sheet"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    rows: Mapped[int] = mapped_column(default=3)

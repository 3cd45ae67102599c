"""Marketing campaigns on the branch's seven touchpoints (seed 004): a theme
per zone and period, the scripts staff use and the gifts on display.
Referrals and gifts may name the campaign they belong to."""
from __future__ import annotations

from datetime import date

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, Versioned

#: the seven touchpoints: ticket, waiting area, self-service, e-banking, VIP room, high counter, low counter
TOUCHPOINTS = ("ticket", "waiting", "self_service", "ebanking", "vip", "high_counter", "low_counter")


class BankCampaign(TimestampMixin, Versioned, Base):
    __tablename__ = "banking_rm_campaign"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    theme: Mapped[str | None] = mapped_column(String(200))
    touchpoint: Mapped[str | None] = mapped_column(String(16))  # one of TOUCHPOINTS; None = all
    zone: Mapped[str | None] = mapped_column(String(40))
    start_on: Mapped[date]
    end_on: Mapped[date]
    script: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

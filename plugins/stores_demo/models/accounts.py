"""Key accounts: the deep profile beside the customer, the pipeline (stage
and its history), first-contact templates, the contact log and handovers.

The customer itself (name, kind, owner, org unit) lives in the customers
plugin; one ``StoresDemoAccount`` row per customer of a key-account kind
holds what the department learns about it (seed 002 §2.3 二.2, §四.2)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, Versioned, utcnow

#: The seed's business flow chart (002 §二.1), in order: stage numbers 1…13.
STAGES = (
    "network", "gather", "confirmed", "seek_contact", "first_talk", "needs", "opportunity",
    "close", "choose", "deal", "revisit", "value_added", "repeat",
)
FIRST_STAGE, LAST_STAGE = 1, len(STAGES)

#: Where a lead came from (002 §2.3 二.2(1)).
LEAD_SOURCES = ("friend", "relative", "classmate", "colleague", "mall_sales", "platform",
                "direct_sales", "walk_in", "other")

#: low / medium / high: price, product and environment sensitivity; the
#: decision factors (002 §2.3 三: spend against income, need for a unique
#: style, complexity of the purchase) pace the follow-ups.
LEVELS = ("low", "medium", "high")

#: Contact channels (002 §三: SMS/WeChat, phone, e-mail; mailings of brochures).
SMS, PHONE, EMAIL, MAIL, MEETING = "sms", "phone", "email", "mail", "meeting"
CHANNELS = (SMS, PHONE, EMAIL, MAIL, MEETING)
TEMPLATE_CHANNELS = (SMS, PHONE, EMAIL)
OUTCOMES = ("reached", "no_answer", "interested", "declined", "meeting_set")

#: Handover rules
ROUND_ROBIN, BY_KIND = "round_robin", "by_kind"
HANDOVER_RULES = (ROUND_ROBIN, BY_KIND)


class StoresDemoAccount(TimestampMixin, Versioned, Base):
    """The profile and pipeline position of one key account (a customer)."""
    __tablename__ = "stores_demo_account"
    __audited__ = True
    __table_args__ = (
        Index("ix_stores_demo_account_stage_since", "stage", "stage_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), unique=True)
    is_organisation: Mapped[bool] = mapped_column(default=False)
    #: the person's (or the organisation contact's) mobile: personal data
    mobile: Mapped[str] = mapped_column(String(40), default="", info={"pii": "mobile"})

    # Pipeline: 1…13 (``STAGES``); ``stage_since`` is when it entered it.
    stage: Mapped[int] = mapped_column(default=FIRST_STAGE)
    stage_since: Mapped[datetime] = mapped_column(default=utcnow)
    #: the next contact agreed in the latest contact log entry
    next_contact_on: Mapped[date | None] = mapped_column(index=True)

    # Lead source and introducer (another key account)
    lead_source: Mapped[str | None] = mapped_column(String(20))
    introducer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="SET NULL"), index=True)
    competitor_brands: Mapped[str | None] = mapped_column(String(200))

    # Person (002 §四.2(1)): economy, health, family, work, social circle,
    # hobbies, culture, aspirations, personality
    economy: Mapped[str | None] = mapped_column(Text)
    health: Mapped[str | None] = mapped_column(Text)
    family: Mapped[str | None] = mapped_column(Text)
    work: Mapped[str | None] = mapped_column(Text)
    social_circle: Mapped[str | None] = mapped_column(Text)
    hobbies: Mapped[str | None] = mapped_column(Text)
    culture: Mapped[str | None] = mapped_column(Text)
    aspirations: Mapped[str | None] = mapped_column(Text)
    personality: Mapped[str | None] = mapped_column(Text)
    # What they own and need (002 §2.3 二.2(2)): pieces owned (style, count,
    # amount), needs (purchase, style, service), buying habits, purpose of
    # past purchases
    pieces_owned: Mapped[str | None] = mapped_column(Text)
    needs: Mapped[str | None] = mapped_column(Text)
    buying_habits: Mapped[str | None] = mapped_column(Text)
    purchase_purposes: Mapped[str | None] = mapped_column(Text)
    price_sensitivity: Mapped[str | None] = mapped_column(String(8))
    product_sensitivity: Mapped[str | None] = mapped_column(String(8))
    environment_sensitivity: Mapped[str | None] = mapped_column(String(8))
    # Decision factors (002 §2.3 三)
    spend_to_income: Mapped[str | None] = mapped_column(String(8))
    uniqueness_need: Mapped[str | None] = mapped_column(String(8))
    purchase_complexity: Mapped[str | None] = mapped_column(String(8))

    # Organisation (002 §四.2(1), §2.3 二.2(3))
    decision_maker: Mapped[str | None] = mapped_column(String(120))
    buyer: Mapped[str | None] = mapped_column(String(120))
    end_user: Mapped[str | None] = mapped_column(String(120))
    need_department: Mapped[str | None] = mapped_column(String(120))
    deciding_department: Mapped[str | None] = mapped_column(String(120))


class StoresDemoStageMove(Base):
    """One move of an account through the pipeline: date, who, note."""
    __tablename__ = "stores_demo_stage_move"
    __audited__ = True
    __table_args__ = (Index("ix_stores_demo_stage_move_customer", "customer_id", "moved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    from_stage: Mapped[int | None]
    to_stage: Mapped[int] = mapped_column(index=True)
    moved_on: Mapped[date]
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: who moved it, and the account's owner at the time
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"), index=True)
    #: days spent in ``from_stage``
    days_in_stage: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)


class StoresDemoContactTemplate(TimestampMixin, Base):
    """A first-contact message: SMS/WeChat text, phone script or e-mail."""
    __tablename__ = "stores_demo_contact_template"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class StoresDemoContact(Base):
    """One contact with an account; the next contact date is mandatory."""
    __tablename__ = "stores_demo_contact"
    __audited__ = True
    __table_args__ = (Index("ix_stores_demo_contact_customer_on", "customer_id", "contacted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    contacted_on: Mapped[date]
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    next_contact_on: Mapped[date]
    template_id: Mapped[int | None] = mapped_column(ForeignKey("stores_demo_contact_template.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoresDemoHandover(Base):
    """A leaving developer's accounts handed to colleagues in one step."""
    __tablename__ = "stores_demo_handover"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    rule: Mapped[str] = mapped_column(String(16))
    #: ``{to_user_id: [customer ids]}``
    assignments: Mapped[dict] = mapped_column(JSON)
    accounts: Mapped[int]
    reason: Mapped[str | None] = mapped_column(Text)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)

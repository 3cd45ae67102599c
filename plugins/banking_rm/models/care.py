"""After-sale care (seed 004 §五.2 客户日常关系管理): maturity calls, yield
watches, the care calendar's important dates and greeting tasks, periodic
wealth check-ups (财富诊断), the customer value-improvement plan the branch
head reviews, gifts within a yearly ceiling, and the discount / expense
requests approved by tier (the seed's sales-management appendix).

Every row belongs to a retail customer and follows that customer's access."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, TimestampMixin, Versioned

Rate = Numeric(7, 4)

# -- care tasks ---------------------------------------------------------------
MATURITY, BIRTHDAY, SPECIAL_DATE, CHECKUP = "maturity", "birthday", "date", "checkup"
FESTIVAL = "festival"
TASK_KINDS = (MATURITY, BIRTHDAY, SPECIAL_DATE, CHECKUP, FESTIVAL)
TASK_OPEN, TASK_DONE = "open", "done"
#: what the customer does with money that matures (feeds the next sale)
RENEWED, MOVED, WITHDRAWN, UNREACHABLE = "renewed", "moved", "withdrawn", "unreachable"
OUTCOMES = (RENEWED, MOVED, WITHDRAWN, UNREACHABLE)

# -- plans and approvals --------------------------------------------------------
DRAFT, SUBMITTED, APPROVED, RETURNED = "draft", "submitted", "approved", "returned"
PLAN_STATES = (DRAFT, SUBMITTED, APPROVED, RETURNED)
PENDING, REJECTED = "pending", "rejected"
REQUEST_STATES = (PENDING, APPROVED, REJECTED)
DISCOUNT, EXPENSE = "discount", "expense"
REQUEST_KINDS = (DISCOUNT, EXPENSE)
LEVEL_MANAGER, LEVEL_HEAD = "manager", "head"


class BankCareTask(TimestampMixin, Versioned, Base):
    """One thing to do for a customer by a date: a maturity call, a birthday
    or special-date greeting, a festival greeting, a check-up.  ``ref`` names
    what it is about (``holding:12``, ``birthday``, ``date:3``,
    ``festival:spring``) so a task is made once: the unique constraint below
    is what makes a second run (or two at once) add nothing."""
    __tablename__ = "banking_rm_care_task"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("customer_id", "kind", "ref", "due_on", name="uq_banking_rm_care_task_once"),
        Index("ix_banking_rm_care_task_user_status_due", "user_id", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    kind: Mapped[str] = mapped_column(String(12))
    ref: Mapped[str] = mapped_column(String(40))
    holding_id: Mapped[int | None] = mapped_column(ForeignKey("banking_rm_holding.id", ondelete="CASCADE"),
                                                   index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(8), default=TASK_OPEN)
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    done_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class BankHoldingWatch(TimestampMixin, Base):
    """Yield watch on a wealth product or fund: an alert when its yield falls
    below ``floor_rate`` or below the rate the customer was told to expect."""
    __tablename__ = "banking_rm_holding_watch"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    holding_id: Mapped[int] = mapped_column(ForeignKey("banking_rm_holding.id", ondelete="CASCADE"),
                                            unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    floor_rate: Mapped[Decimal | None] = mapped_column(Rate)
    expected_rate: Mapped[Decimal | None] = mapped_column(Rate)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class BankSpecialDate(TimestampMixin, Base):
    """A date that matters to the customer (wedding, a child's birthday …),
    greeted every year on its month and day."""
    __tablename__ = "banking_rm_special_date"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    label: Mapped[str] = mapped_column(String(80))
    on: Mapped[date]


class BankCheckup(TimestampMixin, Base):
    """One wealth check-up (财富诊断): what was found, the plan, the follow-up."""
    __tablename__ = "banking_rm_checkup"
    __audited__ = True
    __table_args__ = (Index("ix_banking_rm_checkup_customer_done", "customer_id", "done_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    done_on: Mapped[date]
    findings: Mapped[str] = mapped_column(Text)
    plan: Mapped[str | None] = mapped_column(Text)
    follow_up_on: Mapped[date | None]


class BankValuePlan(TimestampMixin, Versioned, Base):
    """The customer value-improvement plan (客户价值提升计划): the manager's
    goals, reviewed by the branch head (approve, or return with a comment)."""
    __tablename__ = "banking_rm_value_plan"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    aum_target: Mapped[Decimal]
    products: Mapped[str | None] = mapped_column(String(200))
    goals: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    reviewed_at: Mapped[datetime | None]


class BankGift(TimestampMixin, Base):
    """A gift to a customer; the year's gifts stay within the ceiling."""
    __tablename__ = "banking_rm_gift"
    __audited__ = True
    __table_args__ = (Index("ix_banking_rm_gift_customer_year", "customer_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    given_on: Mapped[date]
    year: Mapped[int] = mapped_column(Integer)
    item: Mapped[str] = mapped_column(String(120))
    value: Mapped[Decimal]
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("banking_rm_campaign.id"))
    note: Mapped[str | None] = mapped_column(Text)


class BankApproval(TimestampMixin, Versioned, Base):
    """A discount or expense request; its tier says who may approve it."""
    __tablename__ = "banking_rm_approval"
    __audited__ = True
    __table_args__ = (Index("ix_banking_rm_approval_status_level", "status", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers_customer.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    #: a discount in percent (3.5 = 3.5 %), or an expense amount
    rate: Mapped[Decimal | None] = mapped_column(Rate)
    amount: Mapped[Decimal | None]
    reason: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_at: Mapped[datetime | None]
    comment: Mapped[str | None] = mapped_column(Text)

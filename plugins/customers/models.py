"""Tables of the customer master: customers, contacts, account-opening
applications, MAN checks, evaluations, visits and follow-up tasks.

Other plugins never import this module: they use ``plugins.customers.api``.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, OwnedMixin, TimestampMixin, utcnow, Versioned

from .services import searchindex

# Status life cycle (domain: prospect → applying → active → suspended → eliminated).
PROSPECT, APPLYING, ACTIVE, SUSPENDED, ELIMINATED = (
    "prospect", "applying", "active", "suspended", "eliminated",
)
STATUSES = (PROSPECT, APPLYING, ACTIVE, SUSPENDED, ELIMINATED)
GRADES = ("A", "B", "C")


class Customer(Versioned, OwnedMixin, TimestampMixin, Base):
    """One legal entity, one account: licence and tax numbers are unique."""

    __tablename__ = "customers_customer"
    __audited__ = True
    # Derived figures, rewritten by every grading run and visit: not audited
    # (the grade itself is).
    __audit_exclude__ = ("grade_amount", "grade_share", "graded_at", "last_visit_on",
                         "search_also")
    __table_args__ = (
        Index("ix_customers_customer_org_grade", "org_unit_id", "grade"),
        Index("ix_customers_customer_region", "province", "city"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PROSPECT, index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(255), default="")

    # Region: dealers' coverage rule keys on it.
    province: Mapped[str] = mapped_column(String(40), default="")
    city: Mapped[str] = mapped_column(String(40), default="")
    county: Mapped[str] = mapped_column(String(40), default="")
    town: Mapped[str] = mapped_column(String(60), default="")
    # Personal data (issue 18): masked on pages and outputs, core.privacy.
    address: Mapped[str] = mapped_column(String(255), default="", info={"pii": "address"})
    phone: Mapped[str] = mapped_column(String(40), default="", info={"pii": "phone"})

    # Legal data (companies).
    legal_person: Mapped[str] = mapped_column(String(80), default="")
    #: What else the search box finds the customer by: legal person, contacts'
    #: names and phones, pinyin initials (services/searchwords.py).  Derived.
    search_also: Mapped[str] = mapped_column(Text, default="", server_default="")
    licence_no: Mapped[str | None] = mapped_column(String(18), unique=True)
    tax_no: Mapped[str | None] = mapped_column(String(30), unique=True)

    # Grade: ``grade`` is the effective one (override, else computed) so lists
    # filter and sort on one indexed column.
    grade: Mapped[str | None] = mapped_column(String(1))
    grade_computed: Mapped[str | None] = mapped_column(String(1))
    grade_override: Mapped[str | None] = mapped_column(String(1))
    grade_override_reason: Mapped[str | None] = mapped_column(Text)
    grade_amount: Mapped[Decimal | None]
    grade_share: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    graded_at: Mapped[datetime | None]

    # Loyalty typology (seed 000 §三.5).
    loyalty_type: Mapped[str | None] = mapped_column(String(20))
    loyalty_note: Mapped[str | None] = mapped_column(Text)

    # The boss's personal notes (seed 000 §六.1).
    boss_family: Mapped[str | None] = mapped_column(Text)
    boss_hobbies: Mapped[str | None] = mapped_column(Text)
    boss_personality: Mapped[str | None] = mapped_column(Text)
    real_decider: Mapped[str | None] = mapped_column(String(120))
    notes: Mapped[str | None] = mapped_column(Text)

    #: Date of the latest visit record; kept by the visit service for the
    #: overdue list and the "last visit" filter.
    last_visit_on: Mapped[date | None] = mapped_column(index=True)

    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="Contact.id"
    )

    @property
    def grade_is_manual(self) -> bool:
        return self.grade_override is not None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"

    def __repr__(self) -> str:
        return f"<Customer {self.code}>"


# The search box's index (plugins/customers/services/searchindex.py): pg_trgm GIN on
# PostgreSQL, declared here so the models and the migration agree (built by
# searchindex's DDL, which names the operator class's schema, never by
# create_all itself); on SQLite an FTS5 table with triggers.
Index(searchindex.PG_INDEX,
      searchindex.search_text(Customer).label("search_text"),
      postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"},
      ).ddl_if(callable_=lambda *a, **kw: False)
Index(searchindex.PG_BIGRAM_INDEX, searchindex.bigrams(Customer).label("bigrams"),
      postgresql_using="gin").ddl_if(callable_=lambda *a, **kw: False)
searchindex.install_events(Customer.__table__)
searchindex.install_orm_events(Customer)


class Contact(Versioned, TimestampMixin, Base):
    __tablename__ = "customers_contact"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="", info={"pii": "phone"})
    wechat: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str] = mapped_column(String(200), default="", info={"pii": "email"})
    birthday: Mapped[date | None]
    is_decider: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship(back_populates="contacts")


# Account opening (seed 000 §四.E).
DRAFT, SUBMITTED, APPROVED, REJECTED = "draft", "submitted", "approved", "rejected"


class Application(TimestampMixin, Base):
    """An account-opening application; its four documents are core
    attachments with ``res_table="customers_application"``."""

    __tablename__ = "customers_application"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    note: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship()


class ManCheck(Base):
    """A MAN qualification (seed 003 §二.1) with the desire checks and ability notes."""

    __tablename__ = "customers_man_check"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    money: Mapped[bool]
    authority: Mapped[bool]
    need: Mapped[bool]
    outcome: Mapped[str] = mapped_column(String(20))
    # Five desire checks.
    interest_product: Mapped[bool] = mapped_column(default=False)
    interest_buying: Mapped[bool] = mapped_column(default=False)
    needs_met: Mapped[bool] = mapped_column(default=False)
    trust_product: Mapped[bool] = mapped_column(default=False)
    good_impression: Mapped[bool] = mapped_column(default=False)
    # Ability.
    credit_status: Mapped[str] = mapped_column(String(255), default="")
    payment_plan: Mapped[str] = mapped_column(String(255), default="")
    notes: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class Evaluation(Versioned, Base):
    """Five-criteria evaluation for one period (seed 001 第三讲第五节)."""

    __tablename__ = "customers_evaluation"
    __audited__ = True
    __table_args__ = (UniqueConstraint("customer_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    period: Mapped[str] = mapped_column(String(10))  # "2026-Q1" or "2026-03"
    transaction: Mapped[int]
    profitability: Mapped[int]
    safety: Mapped[int]
    growth: Mapped[int]
    cooperation: Mapped[int]
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    action: Mapped[str] = mapped_column(String(12))  # reward / support / eliminate
    notes: Mapped[str | None] = mapped_column(Text)
    evaluated_at: Mapped[datetime] = mapped_column(default=utcnow)
    evaluated_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


# Visits: one row from plan to record.
PLANNED, DONE, CANCELLED = "planned", "done", "cancelled"


class Visit(Versioned, TimestampMixin, Base):
    """A planned visit (date, purpose, objectives) that becomes a visit record
    (time in/out, findings, competitors, agreed actions, next visit)."""

    __tablename__ = "customers_visit"
    __audited__ = True
    __table_args__ = (
        Index("ix_customers_visit_user_date", "user_id", "visit_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"))
    visit_date: Mapped[date]
    state: Mapped[str] = mapped_column(String(12), default=PLANNED)
    purpose: Mapped[str] = mapped_column(String(12), default="service")  # service / special
    objectives: Mapped[list] = mapped_column(JSON, default=list)
    objective_note: Mapped[str | None] = mapped_column(Text)
    # The record.
    time_in: Mapped[datetime | None]
    time_out: Mapped[datetime | None]
    first_visit: Mapped[bool] = mapped_column(default=False)
    found_stock: Mapped[str | None] = mapped_column(Text)
    found_samples: Mapped[str | None] = mapped_column(Text)
    open_issues: Mapped[str | None] = mapped_column(Text)
    recent_sales: Mapped[str | None] = mapped_column(Text)
    competitor_notes: Mapped[str | None] = mapped_column(Text)
    agreed_actions: Mapped[str | None] = mapped_column(Text)
    objective_met: Mapped[bool | None]
    next_visit_on: Mapped[date | None]

    customer: Mapped[Customer] = relationship()


class FollowUp(TimestampMixin, Base):
    __tablename__ = "customers_followup"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers_visit.id", ondelete="SET NULL")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(255))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()


class PurchaseHistory(Base):
    """Purchases a customer made before the platform (as the previous system
    reported them): the customers plugin reports them to grading through its
    own ``customer_purchase_amounts`` hook, beside the other plugins' orders,
    so grades computed from them survive every recompute (issue 21 #8)."""

    __tablename__ = "customers_purchase_history"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers_customer.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(index=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    note: Mapped[str] = mapped_column(String(255), default="")


CHILD_MODELS = (Contact, Application, ManCheck, Evaluation, Visit, FollowUp, PurchaseHistory)
ALL_MODELS = (Customer,) + CHILD_MODELS

"""Core tables: users, roles, org tree, settings, sequences, audit, attachments,
plugin state and login attempts.  All prefixed ``core_``."""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .db import Base, TimestampMixin, Versioned, utcnow

user_role = Table(
    "core_user_role",
    Base.metadata,
    Column("user_id", ForeignKey("core_user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True),
)

#: Row scope a role grants; the broadest of a user's roles wins.
SCOPE_OWN, SCOPE_ORG, SCOPE_ALL = "own", "org", "all"
SCOPE_RANK = {SCOPE_OWN: 0, SCOPE_ORG: 1, SCOPE_ALL: 2}


class OrgUnit(Versioned, TimestampMixin, Base):
    """company → branch company → office / bank branch / store.

    ``path`` is the materialised chain of ids ("/1/4/9/") so that "this unit
    and below" is one indexed prefix match.
    """

    __tablename__ = "core_org_unit"
    __audited__ = True
    KINDS = ("company", "branch", "office", "bank_branch", "store")

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("core_org_unit.id"))
    path: Mapped[str] = mapped_column(String(255), default="/", index=True)
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped["OrgUnit | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class Role(Versioned, TimestampMixin, Base):
    __tablename__ = "core_role"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(8), default=SCOPE_OWN)
    #: A read-only role (auditor) can never change anything, whatever its permissions.
    read_only: Mapped[bool] = mapped_column(default=False)
    builtin: Mapped[bool] = mapped_column(default=False)

    permissions: Mapped[list["RolePermission"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def permission_codes(self) -> set[str]:
        return {p.code for p in self.permissions}


class RolePermission(Base):
    __tablename__ = "core_role_permission"

    role_id: Mapped[int] = mapped_column(
        ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(80), primary_key=True)


class User(UserMixin, Versioned, TimestampMixin, Base):
    __tablename__ = "core_user"
    __audited__ = True
    # A sign-in is not a change of the account: it goes to ``SignIn``.
    __audit_exclude__ = ("password_hash", "session_token", "last_login_at")

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Rotated on logout, password change and role change; old sessions die.
    session_token: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_hex(16)
    )
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    active: Mapped[bool] = mapped_column(default=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_org_unit.id"))
    last_login_at: Mapped[datetime | None]

    org_unit: Mapped[OrgUnit | None] = relationship(lazy="joined")
    roles: Mapped[list[Role]] = relationship(secondary=user_role, lazy="selectin")

    # Flask-Login -------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    # Access helpers ----------------------------------------------------
    @property
    def permission_codes(self) -> set[str]:
        codes: set[str] = set()
        for r in self.roles:
            codes |= r.permission_codes
        return codes

    @property
    def scope(self) -> str:
        if not self.roles:
            return SCOPE_OWN
        return max((r.scope for r in self.roles), key=SCOPE_RANK.__getitem__)

    @property
    def read_only(self) -> bool:
        return bool(self.roles) and all(r.read_only for r in self.roles)

    @property
    def is_admin(self) -> bool:
        return any(r.name == "admin" for r in self.roles)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def rotate_session(self) -> None:
        self.session_token = secrets.token_hex(16)


class PluginState(Base):
    """The enabled set, shared by every worker process through the database.
    Audited: each switch is in the audit trail with who and why."""

    __tablename__ = "core_plugin_state"
    __audited__ = True
    __audit_exclude__ = ("changed_at",)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class PluginScope(Base):
    """A plugin used by part of the org tree: one row per org unit whose
    subtree uses the plugin.  A plugin without rows is used by the whole
    company.  Audited like the enabled switch."""

    __tablename__ = "core_plugin_scope"
    __audited__ = True
    __audit_exclude__ = ("changed_at",)
    __table_args__ = (UniqueConstraint("plugin", "org_unit_id",
                                       name="uq_core_plugin_scope_plugin_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(String(64), index=True)
    org_unit_id: Mapped[int] = mapped_column(
        ForeignKey("core_org_unit.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class Setting(Base):
    __tablename__ = "core_setting"
    __audited__ = True

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))


class Sequence(Base):
    """Gapless counters: one row per (key, year), bumped in the caller's transaction."""

    __tablename__ = "core_sequence"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)


class AuditLog(Base):
    __tablename__ = "core_audit_log"
    __table_args__ = (Index("ix_core_audit_log_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    table_name: Mapped[str] = mapped_column(String(80))
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    #: {"field": [old, new], ...}
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship(lazy="joined")


class Attachment(Base):
    __tablename__ = "core_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The owning record, e.g. ("customers_customer", "42"), and what it is for.
    res_table: Mapped[str | None] = mapped_column(String(80), index=True)
    res_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("core_org_unit.id"))
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignIn(Base):
    """The sign-in log: one row per successful sign-in (the change history
    records changes, not sign-ins; issue 21, item 25)."""

    __tablename__ = "core_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"),
                                         index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """Failed logins, kept in the database so every worker sees the same count."""

    __tablename__ = "core_login_attempt"
    __table_args__ = (
        Index("ix_core_login_attempt_user_at", "username", "at"),
        Index("ix_core_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)

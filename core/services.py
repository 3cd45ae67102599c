"""Core business actions: users, roles, org units, plugin switching.

No Flask here: every function takes the SQLAlchemy session and is usable
from views, the CLI, jobs and tests alike.  Callers commit.
"""
from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from . import audit
from .models import (
    SCOPE_ALL,
    SCOPE_ORG,
    SCOPE_OWN,
    OrgUnit,
    PluginState,
    Role,
    RolePermission,
    User,
)
from .i18n import _l
from .models import AuditLog
from .registry import RoleSpec
from .security import hash_password


class ServiceError(ValueError):
    """A refused action; the message is shown to the user as is."""


# FOR NO KEY UPDATE on PostgreSQL: two state changes of one row queue up,
# while inserting a child row (an order line, an allocation), whose foreign
# key takes KEY SHARE on the parent, does not wait — a ledger posting that
# references a locked invoice cannot deadlock with that invoice's reversal.
# ``of`` names the record's own table: joined eager loads are outer joins,
# which PostgreSQL does not lock.
def _row_lock(model) -> dict:
    return {"key_share": True, "of": model}


def lock(session: Session, record: Any, ident: Any = None) -> Any:
    """Lock one record for the rest of the transaction and return it fresh.

    Every state-changing service starts with ``obj = lock(session, obj)``
    (or ``lock(session, Model, id)``, which returns None for an unknown id)
    and checks the state it relies on only afterwards.  PostgreSQL: SELECT …
    FOR NO KEY UPDATE, so a second writer of the row waits here until the
    first commits and then reads what it committed.  SQLite ignores the
    clause but writes are serialised by BEGIN IMMEDIATE (core.db); reading
    the row again here means the check sees this write transaction's data,
    not an object loaded in an earlier one.  Pending changes are flushed
    first; loaded relationships are read again on next access."""
    if isinstance(record, type):
        return session.get(record, ident, with_for_update=_row_lock(record),
                           populate_existing=True)
    state = sa_inspect(record)
    if state.key is None:  # not yet in the database: nobody else can see it
        return record
    if state.session_id != session.hash_key:  # loaded by another session
        return session.get(type(record), state.identity, with_for_update=_row_lock(type(record)),
                           populate_existing=True)
    session.flush()
    session.refresh(record, with_for_update=_row_lock(type(record)))
    return record


def lock_rows(session: Session, stmt) -> list:
    """The rows of ``stmt`` (a ``select(Model)``), locked and fresh, in id
    order so that two transactions locking overlapping sets cannot deadlock."""
    entity = stmt.column_descriptions[0]["entity"]
    return list(session.execute(
        stmt.order_by(None).order_by(entity.id).with_for_update(**_row_lock(entity))
        .execution_options(populate_existing=True)).scalars())


DEFAULT_ROLES = (
    RoleSpec("admin", "管理员 / Administrator", SCOPE_ALL),
    RoleSpec("manager", "销售经理 / Manager", SCOPE_ORG),
    RoleSpec("salesperson", "业务员 / Salesperson", SCOPE_OWN),
    RoleSpec("finance", "财务 / Finance", SCOPE_ORG),
    RoleSpec("auditor", "审计 / Auditor", SCOPE_ALL, read_only=True),
)


def _builtin_role_labels() -> dict[str, Any]:
    return {"admin": _l("Administrator"), "manager": _l("Manager"),
            "salesperson": _l("Salesperson"), "finance": _l("Finance"),
            "auditor": _l("Auditor")}


def role_label(ext, role, locale: str | None) -> str:
    """A role's name in the reader's language: a built-in role whose label
    nobody changed and a plugin's role read as declared, translated (the stored
    "业务员 / Salesperson" was shown to every user); a label an admin gave
    it in the form "中文 / English" shows the half of the reader's language."""
    label = role.label or role.name
    default = {spec.name: spec.label for spec in DEFAULT_ROLES}.get(role.name)
    if default is not None and label == default:
        return str(_builtin_role_labels()[role.name])
    spec = ext.roles.get(role.name)
    if spec is not None:  # a plugin's role: stored in whichever language created it
        return str(spec.label)
    if " / " in label:
        zh, en = label.split(" / ", 1)
        return en if (locale or "").startswith("en") else zh
    return label


# -- roles ----------------------------------------------------------------
def ensure_roles(session: Session) -> dict[str, Role]:
    specs = list(DEFAULT_ROLES) + list(session.ext.roles.values())
    existing = {r.name: r for r in session.execute(select(Role)).scalars()}
    for spec in specs:
        if spec.name not in existing:
            role = Role(name=spec.name, label=str(spec.label), scope=spec.scope,
                        read_only=spec.read_only, builtin=True)
            session.add(role)
            existing[spec.name] = role
    session.flush()
    return existing


def grant_defaults(session: Session, plugin: str) -> None:
    """Give the roles the default permissions a plugin declares; admin gets all.

    Runs once per plugin, when it is first enabled, so an admin's later
    changes to a role are never overwritten.
    """
    ext = session.ext
    roles = ensure_roles(session)
    for code, perm in ext.permissions.items():
        if ext.host.plugin_of(code) != plugin:
            continue
        for rname in set(perm.default_roles) | {"admin"}:
            role = roles.get(rname)
            if role is not None and code not in role.permission_codes:
                role.permissions.append(RolePermission(code=code))
    session.flush()


def set_role_permissions(session: Session, role: Role, codes: set[str]) -> None:
    known = set(session.ext.permissions)
    unknown = codes - known
    if unknown:
        raise ServiceError(_l("Unknown permission(s): %(codes)s", codes=", ".join(sorted(unknown))))
    before = role.permission_codes
    if before == codes:
        return
    role.permissions = [p for p in role.permissions if p.code in codes] + [
        RolePermission(code=c) for c in sorted(codes - before)
    ]
    session.flush()
    # Holders of the role sign in again: a server-side invalidation.
    for user in session.execute(select(User).where(User.roles.any(Role.id == role.id))).scalars():
        user.rotate_session()


# -- plugins --------------------------------------------------------------
def enable_plugin(session: Session, name: str, *, with_deps: bool = False,
                  user_id: int | None = None, reason: str | None = None) -> list[str]:
    """Switch ``name`` on (and its dependencies with ``with_deps``); the
    switch is in the audit trail with ``reason``."""
    host = session.ext.host
    if reason:
        audit.set_reason(session, reason)
    known = {r.name for r in session.execute(select(PluginState)).scalars()}
    turned_on = host.enable(session, name, with_deps=with_deps, user_id=user_id)
    session.flush()
    session.info.pop("enabled", None)
    for n in turned_on:
        if n not in known:
            grant_defaults(session, n)
    return turned_on


def disable_plugin(session: Session, name: str, *, user_id: int | None = None,
                   reason: str | None = None) -> None:
    if reason:
        audit.set_reason(session, reason)
    session.ext.host.disable(session, name, user_id=user_id)
    session.flush()
    session.info.pop("enabled", None)


def set_plugin_scope(session: Session, name: str, org_units, *, user_id: int | None = None,
                     reason: str | None = None) -> bool:
    """Let the subtrees of ``org_units`` (OrgUnit rows or ids; empty: the
    whole company) use plugin ``name``; in the audit trail with ``reason``.
    Returns whether anything changed."""
    if reason:
        audit.set_reason(session, reason)
    ids = [u if isinstance(u, int) else u.id for u in org_units]
    changed = session.ext.host.set_scope(session, name, ids, user_id=user_id)
    session.info.pop("enabled", None)
    return changed


# -- org units ------------------------------------------------------------
def create_org_unit(session: Session, code: str, name: str, kind: str,
                    parent: OrgUnit | None = None) -> OrgUnit:
    code = code.strip()
    if kind not in OrgUnit.KINDS:
        raise ServiceError(_l("Unknown org unit kind: %(kind)s", kind=kind))
    if session.scalar(select(OrgUnit.id).where(OrgUnit.code == code)):
        raise ServiceError(_l("Org unit code %(code)s is already used.", code=code))
    unit = OrgUnit(code=code, name=name.strip(), kind=kind, parent=parent,
                   parent_id=parent.id if parent else None)
    session.add(unit)
    session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    session.flush()
    return unit


def move_org_unit(session: Session, unit: OrgUnit, new_parent: OrgUnit | None) -> None:
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise ServiceError(_l("An org unit cannot move below itself."))
    old = unit.path
    new = (new_parent.path if new_parent else "/") + f"{unit.id}/"
    unit.parent_id = new_parent.id if new_parent else None
    unit.path = new
    session.flush()
    # Descendants: rewrite the path prefix in one statement.
    from sqlalchemy import func

    session.execute(
        update(OrgUnit)
        .where(OrgUnit.path.startswith(old), OrgUnit.id != unit.id)
        .values(path=func.replace(OrgUnit.path, old, new))
        .execution_options(synchronize_session="fetch")
    )


# -- users ----------------------------------------------------------------
def create_user(session: Session, username: str, password: str | None, roles: list[str],
                org_unit: OrgUnit | None = None, full_name: str = "",
                locale: str = "zh_CN") -> tuple[User, str]:
    """Create a user; returns (user, password) — generated when not given."""
    username = username.strip()
    if not username or len(username) > 64:
        raise ServiceError(_l("A username has 1 to 64 characters."))
    if session.scalar(select(User.id).where(User.username == username)):
        raise ServiceError(_l("User %(name)s already exists.", name=username))
    if password is None:
        password = secrets.token_urlsafe(12)
    if len(password) < 8:
        raise ServiceError(_l("A password has at least 8 characters."))
    all_roles = ensure_roles(session)
    missing = [r for r in roles if r not in all_roles]
    if missing:
        raise ServiceError(_l("Unknown role(s): %(names)s", names=", ".join(missing)))
    user = User(username=username, full_name=full_name, password_hash=hash_password(password),
                org_unit=org_unit, locale=locale, roles=[all_roles[r] for r in roles])
    session.add(user)
    session.flush()
    return user, password


def set_user_roles(session: Session, user: User, roles: list[Role], reason: str | None = None) -> None:
    if {r.id for r in user.roles} == {r.id for r in roles}:
        return
    before = sorted(r.name for r in user.roles)
    user.roles = list(roles)
    user.rotate_session()  # a role change signs the user out everywhere
    session.add(AuditLog(user_id=session.info.get("audit_user_id"), table_name="core_user",
                         record_id=str(user.id), action="update",
                         changes={"roles": [before, sorted(r.name for r in roles)]},
                         reason=reason))
    session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    if len(password) < 8:
        raise ServiceError(_l("A password has at least 8 characters."))
    user.password_hash = hash_password(password)
    user.rotate_session()
    session.flush()


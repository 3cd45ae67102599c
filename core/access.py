"""Row access: one function, ``scoped_select``, for every list, detail,
export, PDF, report and API query.

The WHERE clauses come from the ``scope_query`` hook of every enabled plugin
(core's own implements the default owner / org-unit rule) and are ANDed, so
no plugin can widen what another one narrows.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from . import state_cache
from .models import SCOPE_ALL, SCOPE_ORG, OrgUnit, User

#: The largest id any column can hold (PostgreSQL bigint).
MAX_ID = 2**63 - 1

VIEW, EDIT, DELETE = "view", "edit", "delete"


class AccessDenied(Exception):
    """The user may not do this; the web layer turns it into 403."""


def hooks_for(session: Session):
    """Hook callers for the plugins enabled as seen by this session."""
    ext = session.ext
    enabled = session.info.get("enabled")
    if enabled is None:
        enabled = session.info["enabled"] = ext.host.enabled(session)
    return ext.host.hooks(enabled)


def subtree_ids(org_unit_id: int | None) -> Select:
    """SELECT of the ids of an org unit and all units below it."""
    if org_unit_id is None:
        return select(OrgUnit.id).where(false())
    me = select(OrgUnit.path).where(OrgUnit.id == org_unit_id).scalar_subquery()
    return select(OrgUnit.id).where(OrgUnit.path.startswith(me, autoescape=False))


def default_rule(model: Any, user: User, action: str) -> list:
    """Salesperson: own rows; manager: own org unit and below; admin/auditor: all.
    A read-only user (auditor) may view but never change."""
    clauses: list = []
    if action != VIEW and user.read_only:
        return [false()]
    has_owner = hasattr(model, "owner_id")
    has_org = hasattr(model, "org_unit_id")
    if not (has_owner or has_org):
        return clauses
    scope = user.scope
    if scope == SCOPE_ALL:
        return clauses
    if scope == SCOPE_ORG or not has_owner:
        if has_org:
            clauses.append(model.org_unit_id.in_(subtree_ids(user.org_unit_id)))
        return clauses
    clauses.append(model.owner_id == user.id)
    return clauses


def parent_ids(parent: Any, user: User, action: str = VIEW) -> Select:
    """SELECT of the parent ids ``user`` may ``action`` under the default rule:
    child rows (visits, order lines …) follow their parent's access."""
    pk = parent.__mapper__.primary_key[0]
    return select(pk).where(*default_rule(parent, user, action))


def scope_clauses(session: Session, model: Any, user: User, action: str = VIEW) -> list:
    return hooks_for(session).flat("scope_query", model=model, user=user, action=action)


def scoped_select(session: Session, model: Any, user: User, action: str = VIEW) -> Select:
    """``select(model)`` limited to the rows ``user`` may ``action``."""
    return select(model).where(*scope_clauses(session, model, user, action))


def kept_statement(session: Session, user: User, key: tuple, build: Callable[[], Any]):
    """A statement built by ``build()`` from ``user``'s access scope and the
    settings, kept per process for ``key`` and the user's id until users,
    roles, org units, plugins or settings change (``core.state_cache``) —
    for a page that builds the same large statement on every request (the
    home page's widgets).  ``key`` names everything else the statement
    depends on (its own name, the day, a limit).  Built afresh outside a
    request, when the request cannot share what the process keeps
    (``core.state_cache.shared``) and when ``user`` is not the signed-in
    user."""
    shared = state_cache.shared(session)
    if shared is None or user is not shared.signed_in():
        return build()
    return shared.state.kept(shared.version, ("statement", user.id) + key, build)


def scoped_get(session: Session, model: Any, ident: Any, user: User, action: str = VIEW):
    """One row by primary key if the user may see it, else None (callers answer 404)."""
    pk = model.__mapper__.primary_key[0]
    if isinstance(ident, str):
        # Ids kept as text (attachments' res_id): PostgreSQL will not compare
        # an integer column with a string.
        try:
            ident = pk.type.python_type(ident)
        except (TypeError, ValueError, NotImplementedError):
            return None
    if isinstance(ident, int) and not -MAX_ID <= ident <= MAX_ID:
        return None  # no such row, and no overflow in the query (issue 20)
    stmt = scoped_select(session, model, user, action).where(pk == ident)
    return session.execute(stmt).scalar_one_or_none()


def user_plugins(session: Session, user: Any) -> frozenset[str]:
    """The enabled plugins ``user`` uses (``PluginHost.for_user``): those
    scoped to a part of the org tree overlapping their org unit.  From the
    process's cache when ``session`` is the request's own and untouched."""
    ext = session.ext
    enabled = session.info.get("enabled")
    if enabled is None:
        enabled = session.info["enabled"] = ext.host.enabled(session)
    shared = state_cache.shared(session)
    scopes = shared.state.scopes() if shared is not None else None
    if scopes is None:
        scopes = ext.host.scopes(session)
        if shared is not None:
            shared.state.put_scopes(shared.version, scopes)
    return ext.host.for_user(enabled, scopes, user)


def has_permission(session: Session, user: User, code: str) -> bool:
    """True when one of the user's roles holds ``code`` and its plugin is
    enabled and used by the user's part of the org tree."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    ext = session.ext
    perm = ext.permissions.get(code)
    if perm is None or ext.host.plugin_of(code) not in user_plugins(session, user):
        return False
    return code in user.permission_codes


def require(session: Session, user: User, code: str) -> None:
    if not has_permission(session, user, code):
        raise AccessDenied(code)

"""The signed-in user as plain data (``CachedUser``): what ``current_user``
is on a page, kept per process by ``core.state_cache.StateCache``."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_login import UserMixin
from sqlalchemy import inspect

from ..models import SCOPE_OWN, SCOPE_RANK, User
from .request import db_session


@dataclass(frozen=True)
class OrgUnitInfo:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    active: bool


@dataclass(frozen=True)
class RoleInfo:
    id: int
    name: str
    label: str
    scope: str
    read_only: bool
    builtin: bool
    permission_codes: frozenset


class CachedUser(UserMixin):
    """The signed-in user as plain data: what ``current_user`` is on a page.

    It answers what the ORM ``User`` answers for reading (id, username,
    full_name, email, locale, org_unit_id, org_unit, roles, scope,
    read_only, is_admin, permission_codes, display_name, get_id); any other
    attribute is read from the user's row in the request's session.  It
    cannot be changed, added to a session or assigned to a relationship:
    load the row for that (``current_user.orm()``).
    """

    def __init__(self, **values: Any):
        for k, v in values.items():
            object.__setattr__(self, k, v)

    @classmethod
    def of(cls, user) -> "CachedUser":
        unit = user.org_unit
        roles = tuple(
            RoleInfo(r.id, r.name, r.label, r.scope, r.read_only, r.builtin,
                     frozenset(r.permission_codes))
            for r in sorted(user.roles, key=lambda r: r.id)
        )
        codes: frozenset = frozenset().union(*(r.permission_codes for r in roles))
        return cls(
            id=user.id, username=user.username, full_name=user.full_name, email=user.email,
            locale=user.locale, active=user.active, session_token=user.session_token,
            org_unit_id=user.org_unit_id,
            org_unit=None if unit is None else OrgUnitInfo(
                unit.id, unit.code, unit.name, unit.kind, unit.parent_id, unit.path, unit.active),
            roles=roles,
            permission_codes=codes,
            scope=(max((r.scope for r in roles), key=SCOPE_RANK.__getitem__)
                   if roles else SCOPE_OWN),
            read_only=bool(roles) and all(r.read_only for r in roles),
            is_admin=any(r.name == "admin" for r in roles),
        )

    # Flask-Login
    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def orm(self):
        """This user's ``core.models.User`` row in the request's session."""
        return db_session().get(User, self.id)

    def __getattr__(self, name: str):
        # Only reached for names not above: the row's other columns
        # (last_login_at, created_at …) are read from the row itself.
        if name not in _user_columns():
            raise AttributeError(name)
        return getattr(self.orm(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(
            f"current_user is read-only here; change the row: current_user.orm().{name} = …")

    def __hash__(self) -> int:
        return hash(("user", self.id))

    def __repr__(self) -> str:
        return f"<CachedUser {self.id} {self.username}>"


_COLUMNS: frozenset | None = None


def _user_columns() -> frozenset:
    global _COLUMNS
    if _COLUMNS is None:
        _COLUMNS = frozenset(a.key for a in inspect(User).attrs)
    return _COLUMNS

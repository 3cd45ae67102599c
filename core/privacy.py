"""Personal data (issue 18): masked everywhere by default, revealed one value
at a time with a purpose and an audit row.

A plugin marks a column as personal data with ``info={"pii": KIND}`` on its
``mapped_column`` (no migration: ``info`` is not DDL).  Pages show such
values through the ``pii()`` template helper (``core.web.privacy``), outputs
(exports, job results) through :func:`disclosure`, PDFs through
:func:`mask`.  Nothing here imports Flask.

The mask rules never show more than the rule allows: when a value is too
short for the rule, fewer characters are kept, down to none.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from . import access
from .db import utcnow
from .i18n import _l
from .models import AuditLog

#: The permission that lets a user reveal a value (and export clear values).
REVEAL = "core.reveal_pii"
#: ``core_audit_log.action`` of a reveal row.
ACTION = "reveal"
STARS = "****"


class RevealError(ValueError):
    """The reveal was refused for a reason the user can fix (no purpose)."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _keep(s: str, head: int, tail: int) -> str:
    """``s`` with all but ``head`` leading and ``tail`` trailing characters
    starred; at least 4 characters and 30 % of the value stay hidden."""
    n = len(s)
    if n == 0:
        return ""
    hidden_min = max(4, -(-n * 3 // 10))
    while head + tail > 0 and n - head - tail < hidden_min:
        if head >= tail:
            head -= 1
        else:
            tail -= 1
    return s[:head] + "*" * (n - head - tail) + s[n - tail:]


def _digits(s: str) -> str:
    return re.sub(r"[\s\-()（）.]", "", s)


_MOBILE = re.compile(r"^(?:\+?86)?(1\d{10})$")


def mask_mobile(value: Any) -> str:
    """``13812345678`` → ``138****5678`` (first 3 and last 4 kept)."""
    s = _text(value)
    if not s:
        return ""
    d = _digits(s)
    m = _MOBILE.match(d)
    return _keep(m.group(1) if m else d, 3, 4)


def mask_landline(value: Any) -> str:
    """``0571-87654321`` → ``0571-****4321``: the area code (a place) and the
    last 4 digits kept."""
    s = _text(value)
    if not s:
        return ""
    d = _digits(s).lstrip("+")
    if d.startswith("0") and len(d) >= 10:
        area = d[:3] if d[1] in "12" else d[:4]
        return f"{area}-{_keep(d[len(area):], 0, 4)}"
    return _keep(d, 0, 4)


def mask_phone(value: Any) -> str:
    """A phone column that may hold either: a mobile number gets the mobile
    rule, anything else the landline rule."""
    s = _text(value)
    if _MOBILE.match(_digits(s).lstrip("+") if s.startswith("+") else _digits(s)):
        return mask_mobile(s)
    return mask_landline(s)


def mask_id_card(value: Any) -> str:
    """Resident ID: ``110101199003071234`` → ``110***********1234``."""
    return _keep(_digits(_text(value)).upper(), 3, 4)


def mask_bank_card(value: Any) -> str:
    """Bank card or account: only the last 4 digits, grouped: ``**** **** **** 1234``."""
    d = _digits(_text(value))
    if not d:
        return ""
    kept = _keep(d, 0, 4)
    tail = kept.lstrip("*")
    return "**** **** **** " + tail if tail else STARS


_REGION = re.compile(
    r"^(?P<province>[^\d\s]{2,8}?(?:省|自治区|特别行政区))?"
    r"(?P<city>[^\d\s]{2,10}?(?:市|自治州|地区|盟))?")


def mask_address(value: Any) -> str:
    """``浙江省杭州市西湖区文三路 1 号`` → ``浙江省杭州市****``: province and city
    kept, the rest hidden; an address without them is hidden whole."""
    s = _text(value)
    if not s:
        return ""
    m = _REGION.match(s)
    prefix = (m.group("province") or "") + (m.group("city") or "") if m else ""
    if len(prefix) >= len(s):
        return s  # nothing below the city: a region is not personal
    return prefix + STARS


def mask_email(value: Any) -> str:
    """``alice@example.com`` → ``a***@example.com``."""
    s = _text(value)
    if not s:
        return ""
    local, at, domain = s.rpartition("@")
    if not at or not local:
        return STARS
    return (local[0] if len(local) > 1 else "") + "***@" + domain


def mask_name(value: Any) -> str:
    """``张三丰`` → ``张**``: the first character kept (not used by default:
    names are how people find a record)."""
    s = _text(value)
    if not s:
        return ""
    return s[0] + "*" * max(1, len(s) - 1) if len(s) > 1 else "*"


MASKS: dict[str, Callable[[Any], str]] = {
    "mobile": mask_mobile, "landline": mask_landline, "phone": mask_phone,
    "id_card": mask_id_card, "bank_card": mask_bank_card, "address": mask_address,
    "email": mask_email, "name": mask_name,
}


def mask(value: Any, kind: str) -> str:
    """``value`` masked by the rule of ``kind`` (one of :data:`MASKS`);
    an unknown kind hides the whole value."""
    fn = MASKS.get(kind)
    if fn is None:
        return STARS if _text(value) else ""
    return fn(value)


def pii_fields(model: Any) -> dict[str, str]:
    """``{attribute: kind}`` of the columns of ``model`` marked ``info={"pii": kind}``."""
    try:
        mapper = sa_inspect(model)
    except Exception:  # noqa: BLE001 - not a mapped class
        return {}
    mapper = getattr(mapper, "mapper", mapper)
    out = {}
    for attr in mapper.column_attrs:
        kind = attr.columns[0].info.get("pii")
        if kind:
            out[attr.key] = kind
    return out


def can_reveal(session: Session, user: Any) -> bool:
    return access.has_permission(session, user, REVEAL)


def audit_reveal(session: Session, user: Any, table: str, record_id: Any,
                 fields: list[str] | tuple[str, ...], purpose: str, **extra: Any) -> None:
    """One audit row: who saw which fields of which record (``*`` for an
    export of many), and why.  Added to ``session``; the caller commits."""
    changes: dict[str, Any] = {"fields": list(fields), **extra}
    session.add(AuditLog(at=utcnow(), user_id=getattr(user, "id", None), table_name=table,
                         record_id=str(record_id)[:64], action=ACTION, changes=changes,
                         reason=purpose))


def reveal(session: Session, user: Any, model: Any, ident: Any, field: str,
           purpose: str) -> str:
    """The clear value of ``field`` of one record the user may see, with an
    audit row (not committed).  Raises ``AccessDenied`` without the
    permission, ``LookupError`` for an unmarked field or a record the user
    may not see (404: ids reveal nothing), ``RevealError`` without a purpose."""
    if not can_reveal(session, user):
        raise access.AccessDenied(REVEAL)
    if field not in pii_fields(model):
        raise LookupError(field)
    row = access.scoped_get(session, model, ident, user)
    if row is None:
        raise LookupError(ident)
    purpose = _text(purpose)
    if not purpose:
        raise RevealError(_l("Say why you need to see this value."))
    pk = sa_inspect(row).mapper.primary_key_from_instance(row)
    audit_reveal(session, user, model.__tablename__, ":".join(str(i) for i in pk), [field],
                 purpose[:500])
    return _text(getattr(row, field))


class Disclosure:
    """How personal data leaves in one output (an export, a job's file):
    clear for a user who may reveal, masked for everyone else.  Call it as
    ``d(value, kind)``."""

    def __init__(self, clear: bool):
        self.clear = clear

    def __call__(self, value: Any, kind: str) -> str:
        if self.clear:
            return "" if value is None else str(value)
        return mask(value, kind)


MASKED = Disclosure(False)


def disclosure(session: Session, user: Any, *, table: str, fields: list[str] | tuple[str, ...],
               purpose: str = "export", record_id: Any = "*", **extra: Any) -> Disclosure:
    """The :class:`Disclosure` for ``user`` (masked without a user); when it
    is clear, an audit row for the whole output is added to ``session``
    (the caller commits, once the output is made)."""
    if user is None or not can_reveal(session, user):
        return MASKED
    audit_reveal(session, user, table, record_id, fields, purpose, **extra)
    return Disclosure(True)

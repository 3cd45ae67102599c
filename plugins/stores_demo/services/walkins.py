"""Walk-ins: capture a visitor who did not buy, and give the seller a
follow-up task for them at once (seed 002 §一.2).

Capturing takes a name, a mobile number and what the visitor looked at;
the task is due ``stores_demo.walkin_followup_days`` days later."""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from core import settings
from core.i18n import _l
from core.services import ServiceError

from ..models.pieces import StoresDemoPiece
from ..models.tasks import FROM_WALKIN, StoresDemoTask
from ..models.walkins import BAND_CODES, INTERESTS, StoresDemoWalkin
from . import tasks as task_svc
from core import clock

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def clean_mobile(value: str | None) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not _MOBILE.match(digits):
        raise ServiceError(_l("%(value)s is not a mainland mobile number (11 digits starting with 1).",
                              value=(value or "").strip() or "—"))
    return digits


def capture(session: Session, user, *, name: str, mobile: str, interest: str,
            budget_band: str | None = None, piece_id: int | None = None, note: str | None = None,
            today: date | None = None) -> StoresDemoWalkin:
    """Record a walk-in served by ``user`` and create their follow-up task."""
    today = today or clock.today()
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("Give the visitor's name (a surname is enough: 王女士)."))
    if len(name) > 80:
        raise ServiceError(_l("The name is too long (at most %(n)s characters).", n=80))
    mobile = clean_mobile(mobile)
    if interest not in INTERESTS:
        raise ServiceError(_l("Choose what the visitor came for."))
    budget_band = budget_band or None
    if budget_band is not None and budget_band not in BAND_CODES:
        raise ServiceError(_l("Unknown budget band."))
    piece = None
    if piece_id:
        piece = session.get(StoresDemoPiece, piece_id)
        if piece is None:
            raise ServiceError(_l("This piece does not exist."))
    w = StoresDemoWalkin(visited_on=today, name=name, mobile=mobile, interest=interest,
                         budget_band=budget_band, piece_id=piece.id if piece else None,
                         note=(note or "").strip() or None, owner_id=user.id,
                         org_unit_id=user.org_unit_id)
    session.add(w)
    session.flush()
    days = settings.get(session, "stores_demo.walkin_followup_days")
    looked_at = f" · {piece.sku} {piece.name}" if piece else ""
    task_svc.create_task(session, title=str(_l("Follow up walk-in %(name)s", name=name)) + looked_at,
                         due_on=today + timedelta(days=days), owner_id=user.id,
                         org_unit_id=user.org_unit_id, source=FROM_WALKIN, walkin_id=w.id)
    return w


def not_followed_up(stmt):
    """Narrow ``select(StoresDemoWalkin)`` (already scoped) to the walk-ins
    whose follow-up task is still open."""
    open_task = exists().where(and_(StoresDemoTask.walkin_id == StoresDemoWalkin.id,
                                    StoresDemoTask.done.is_(False)))
    return stmt.where(open_task)


def task_of(session: Session, walkin_ids) -> dict[int, StoresDemoTask]:
    rows = session.execute(select(StoresDemoTask).where(StoresDemoTask.walkin_id.in_(list(walkin_ids)))).scalars()
    return {t.walkin_id: t for t in rows}

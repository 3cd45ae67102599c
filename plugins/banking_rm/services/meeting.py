"""The evening meeting (营销夕会, at least weekly): the day's league, the
day's referrals and spot-check results, the problems raised and the next
day's focus — a page and a PDF (core.documents)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.i18n import _l
from core.models import User
from plugins.customers.api import Customer

from ..models.activity import BankMeeting, BankReferral
from ..models.clients import ACTIVITY_KINDS
from .activity import FRONT_KINDS, KIND_LABELS, ROLE_LABELS, branch_users, league, recent_checks
from .referrals import STATE_LABELS
from .touchpoints import PRODUCT_LABELS


def meeting_row(session: Session, user, day: date) -> BankMeeting | None:
    if user.org_unit_id is None:
        return None
    return session.execute(select(BankMeeting).where(BankMeeting.org_unit_id == user.org_unit_id,
                                                     BankMeeting.day == day)).scalar_one_or_none()


def save_notes(session: Session, user, day: date, problems: str, focus: str) -> BankMeeting:
    from core.services import ServiceError

    if user.org_unit_id is None:
        raise ServiceError(_l("Only a member of a branch holds its evening meeting."))
    m = meeting_row(session, user, day)
    if m is None:
        m = BankMeeting(org_unit_id=user.org_unit_id, day=day)
        session.add(m)
    m.problems = (problems or "").strip() or None
    m.focus = (focus or "").strip() or None
    m.user_id = user.id
    session.flush()
    return m


def day_referrals(session: Session, user, day: date) -> list:
    lo, hi = clock.utc_bounds(day)
    R = BankReferral
    ref, rec = User.__table__.alias("referrer"), User.__table__.alias("receiver")
    stmt = (select(R, Customer.name, ref.c.full_name, ref.c.username, rec.c.full_name, rec.c.username)
            .join(Customer, Customer.id == R.customer_id)
            .join(ref, ref.c.id == R.referrer_id).join(rec, rec.c.id == R.receiver_id)
            .where(R.referrer_id.in_(branch_users(user)), R.created_at >= lo, R.created_at < hi)
            .order_by(R.id))
    return [{"customer": cname, "referrer": f1 or u1, "receiver": f2 or u2,
             "product": PRODUCT_LABELS.get(r.product_kind, r.product_kind),
             "state": STATE_LABELS.get(r.state, r.state), "amount": r.amount}
            for r, cname, f1, u1, f2, u2 in session.execute(stmt)]


def meeting_data(session: Session, user, day: date) -> dict:
    lg = league(session, user, "day", day)
    week = league(session, user, "week", day)
    week_score = {r.key: r.score for r in week["people"]}
    kinds = ACTIVITY_KINDS + FRONT_KINDS
    people = [{"rank": r.rank, "name": r.name, "role": ROLE_LABELS.get(r.role, r.role),
               "counts": [r.counts.get(k, 0) for k in kinds], "total": r.total, "score": r.score,
               "week_score": week_score.get(r.key, 0)} for r in lg["people"]]
    checks = [{"who": u.display_name, "kind": KIND_LABELS.get(a.kind, a.kind),
               "result": c.result, "note": c.note or ""}
              for c, a, u in recent_checks(session, user, day, day)]
    m = meeting_row(session, user, day)
    return {"day": day, "kinds": [KIND_LABELS[k] for k in kinds],
            "targets": [lg["targets"][k] for k in kinds], "people": people,
            "referrals": day_referrals(session, user, day), "checks": checks,
            "problems": (m.problems if m else "") or "", "focus": (m.focus if m else "") or "",
            "branch": user.org_unit.name if user.org_unit else ""}


def meeting_context(session: Session, record_id: str, user) -> dict | None:
    """DocumentSpec context: ``record_id`` is the day (YYYY-MM-DD)."""
    try:
        day = date.fromisoformat(str(record_id))
    except ValueError:
        return None
    data = meeting_data(session, user, day)
    data["title"] = _l("Evening meeting")
    return data

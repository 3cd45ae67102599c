"""5-20-30: logging activities from the phone page, the league table (one
SQL aggregate per view, grouped by person or by role) and the branch
head's spot checks (a false activity leaves the league).

Seed 004: a wealth manager meets 5 customers, calls 20 and messages 30 a
day (a bulk send counts once per recipient); the lobby manager and the
teller greet, talk and make the one-sentence (30-second) referral pitch.
Targets are settings."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from core import access, settings
from core.db import utcnow
from core.i18n import _l
from core.models import Role, User, user_role
from core.services import ServiceError
from plugins.customers.api import Customer

from ..declarations import BRANCH_HEAD, LOBBY, TELLER, WEALTH
from ..models import BankActivity, BankCampaign
from ..models.activity import ALL_KINDS, CHECK_RESULTS, FALSE, FRONT_KINDS, BankSpotCheck
from ..models.clients import ACTIVITY_KINDS, MESSAGE
from core import clock

#: roles shown in the league, in this order; front-line roles follow the front kinds
LEAGUE_ROLES = (WEALTH, LOBBY, TELLER, BRANCH_HEAD, "salesperson", "manager")
FRONT_ROLES = (LOBBY, TELLER)
PERIODS = ("day", "week", "month", "year")
MAX_BULK = 500

KIND_LABELS = {
    "meeting": _l("Met"), "call": _l("Called"), "message": _l("Messaged"),
    "greet": _l("Greeting"), "talk": _l("Conversation"), "pitch": _l("Referral pitch"),
}
ROLE_LABELS = {
    WEALTH: _l("Wealth manager"), LOBBY: _l("Lobby manager"), TELLER: _l("Teller"),
    BRANCH_HEAD: _l("Branch head"), "salesperson": _l("Salesperson"), "manager": _l("Manager"),
}
KIND_HINTS = {
    "meeting": _l("a customer met, at the branch or outside"),
    "call": _l("a customer called"),
    "message": _l("SMS, WeChat or e-mail; bulk sends count per recipient"),
    "greet": _l("5 seconds: welcome and help"),
    "talk": _l("20 seconds: identify and ask"),
    "pitch": _l("30 seconds: one sentence, then refer"),
}


def targets(session: Session) -> dict[str, int]:
    return {k: int(settings.get(session, f"banking_rm.target_{k}")) for k in ALL_KINDS}


def branch_users(user) -> Select:
    """SELECT of the ids of the users of ``user``'s branch (their org unit and below)."""
    if user.scope == "all":
        return select(User.id)
    return select(User.id).where(User.org_unit_id.in_(access.subtree_ids(user.org_unit_id)))


def branch_customer(session: Session, user, customer_id) -> Customer | None:
    """A customer of the user's branch (front-line staff serve every customer
    who walks in, not only their own), or None.  By id when the text is a
    number, else by code.  The statement (the branch's org subtree is a
    sub-select) is kept per user and lookup (``access.kept_statement``): the
    phone page logs an activity with one tap, and building it cost more than
    running it (``bench/FINDINGS.md``, case 12)."""
    text = str(customer_id or "").strip()
    if not text:
        return None
    by_id = text.isdigit() and len(text) < 12
    stmt = access.kept_statement(session, user, ("banking_rm.branch_customer", by_id),
                                 lambda: _branch_customer_select(user, by_id))
    value = int(text) if by_id else text[:32]
    return session.execute(stmt, {"rm_customer": value}).scalar_one_or_none()


def _branch_customer_select(user, by_id: bool) -> Select:
    key = Customer.id if by_id else Customer.code
    stmt = select(Customer).where(key == bindparam("rm_customer"))
    if user.scope != "all":
        stmt = stmt.where(or_(Customer.org_unit_id.in_(access.subtree_ids(user.org_unit_id)),
                              Customer.owner_id == user.id))
    return stmt


def is_front(user) -> bool:
    names = {r.name for r in user.roles}
    return bool(names & set(FRONT_ROLES)) and WEALTH not in names


def kinds_for(user) -> tuple:
    return FRONT_KINDS if is_front(user) else ACTIVITY_KINDS


def campaign_or_none(session: Session, campaign_id, on: date) -> int | None:
    if campaign_id in (None, ""):
        return None
    try:
        c = session.get(BankCampaign, int(campaign_id))
    except (TypeError, ValueError):
        c = None
    if c is None:
        raise ServiceError(_l("Unknown campaign."))
    if not (c.start_on <= on <= c.end_on):
        raise ServiceError(_l("The campaign %(name)s does not run on %(day)s.", name=c.name, day=on))
    return c.id


def log_activity(session: Session, user, kind: str, *, customer_id=None, count=1,
                 topic: str = "", note: str = "", campaign_id=None,
                 day: date | None = None, now: datetime | None = None) -> list[BankActivity]:
    """Log one activity (or a bulk message: one row per recipient)."""
    if kind not in ALL_KINDS:
        raise ServiceError(_l("Unknown activity kind."))
    try:
        n = int(count or 1)
    except (TypeError, ValueError):
        raise ServiceError(_l("The number of recipients must be a whole number.")) from None
    if n < 1 or n > MAX_BULK:
        raise ServiceError(_l("The number of recipients must be between 1 and %(n)s.", n=MAX_BULK))
    if n > 1 and kind != MESSAGE:
        raise ServiceError(_l("Only a message can go to several recipients at once."))
    now = now or utcnow()
    today = clock.today()
    day = day or today
    if day > today:
        raise ServiceError(_l("An activity cannot be logged for a day in the future."))
    cid = None
    if customer_id not in (None, ""):
        c = branch_customer(session, user, customer_id)
        if c is None:
            raise ServiceError(_l("Unknown customer."))
        cid = c.id
    camp = campaign_or_none(session, campaign_id, day)
    batch = secrets.token_hex(8) if n > 1 else None
    rows = [BankActivity(user_id=user.id, customer_id=cid, kind=kind, day=day, at=now,
                         topic=(topic or "").strip()[:120] or None,
                         note=(note or "").strip() or None, batch=batch, campaign_id=camp)
            for _ in range(n)]
    session.add_all(rows)
    session.flush()
    return rows


def undo_last(session: Session, user, day: date | None = None) -> BankActivity:
    """Take back one's own last activity of the day (a mistaken tap); a bulk
    message goes back whole.  A spot-checked activity stays."""
    from sqlalchemy import delete

    day = day or clock.today()
    A = BankActivity
    last = session.execute(select(A).where(A.user_id == user.id, A.day == day)
                           .order_by(A.id.desc()).limit(1)).scalar_one_or_none()
    if last is None:
        raise ServiceError(_l("Nothing logged today to take back."))
    if last.check_state is not None:
        raise ServiceError(_l("This activity has been checked already."))
    same = (A.batch == last.batch) if last.batch else (A.id == last.id)
    done = session.execute(delete(A).where(A.user_id == user.id, same, A.check_state.is_(None))
                           .execution_options(synchronize_session=False))
    if done.rowcount == 0:
        raise ServiceError(_l("This activity has been checked already."))
    return last


def my_counts(session: Session, user, day: date) -> dict[str, int]:
    """Today's counts of one person, per kind (false ones left out)."""
    A = BankActivity
    rows = session.execute(select(A.kind, func.count()).where(
        A.user_id == user.id, A.day == day, _valid()).group_by(A.kind)).all()
    return {k: int(n) for k, n in rows}


def my_counts_between(session: Session, user, start: date, end: date) -> dict[str, int]:
    A = BankActivity
    rows = session.execute(select(A.kind, func.count()).where(
        A.user_id == user.id, A.day >= start, A.day <= end, _valid()).group_by(A.kind)).all()
    return {k: int(n) for k, n in rows}


def _valid():
    A = BankActivity
    return or_(A.check_state.is_(None), A.check_state != FALSE)


def period_bounds(period: str, day: date) -> tuple[date, date]:
    if period == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    if period == "month":
        start = day.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    return day, day


def working_days(start: date, end: date) -> int:
    n, d = 0, start
    while d <= end:
        n += d.weekday() < 5
        d += timedelta(days=1)
    return max(n, 1)


def league_statement(user_ids, start: date, end: date) -> Select:
    """The league's aggregate: activities per person and kind in [start, end],
    false ones left out."""
    A = BankActivity
    stmt = select(A.user_id, A.kind, func.count().label("n")).where(A.day >= start, A.day <= end,
                                                                   _valid())
    if user_ids is not None:  # None: the whole company (a user who sees everything)
        stmt = stmt.where(A.user_id.in_(user_ids))
    return stmt.group_by(A.user_id, A.kind)


def role_statement(user_ids, start: date, end: date) -> Select:
    A = BankActivity
    stmt = (select(Role.name, A.kind, func.count().label("n"))
            .join(user_role, user_role.c.user_id == A.user_id)
            .join(Role, Role.id == user_role.c.role_id)
            .where(A.day >= start, A.day <= end, _valid(), Role.name.in_(LEAGUE_ROLES)))
    if user_ids is not None:
        stmt = stmt.where(A.user_id.in_(user_ids))
    return stmt.group_by(Role.name, A.kind)


@dataclass
class LeagueRow:
    key: object
    name: str
    role: str
    front: bool
    counts: dict = field(default_factory=dict)
    total: int = 0
    score: int = 0  # % of the period's target reached, each kind capped at 100 %
    rank: int = 0


def _score(counts: dict, kinds: tuple, tgt: dict, days: int) -> int:
    parts = []
    for k in kinds:
        goal = tgt[k] * days
        parts.append(1.0 if goal <= 0 else min(counts.get(k, 0) / goal, 1.0))
    return round(100 * sum(parts) / len(parts)) if parts else 0


def league(session: Session, user, period: str = "day", day: date | None = None) -> dict:
    """Per person and per role for the day, week or month containing ``day``."""
    day = day or clock.today()
    period = period if period in PERIODS else "day"
    start, end = period_bounds(period, day)
    days = working_days(start, end)
    tgt = targets(session)
    ids = None if user.scope == "all" else branch_users(user)
    who = (select(User.id, User.full_name, User.username, Role.name)
           .join(user_role, user_role.c.user_id == User.id).join(Role, Role.id == user_role.c.role_id)
           .where(User.active.is_(True), Role.name.in_(LEAGUE_ROLES)))
    if ids is not None:
        who = who.where(User.id.in_(ids))
    people = session.execute(who).all()
    rows: dict[int, LeagueRow] = {}
    for uid, full, uname, role in people:
        r = rows.get(uid)
        if r is None or LEAGUE_ROLES.index(role) < LEAGUE_ROLES.index(r.role):
            rows[uid] = LeagueRow(uid, full or uname, role, role in FRONT_ROLES)
    for uid, kind, n in session.execute(league_statement(ids, start, end)):
        r = rows.get(uid)
        if r is None:
            continue
        r.counts[kind] = int(n)
        r.total += int(n)
    for r in rows.values():
        r.score = _score(r.counts, FRONT_KINDS if r.front else ACTIVITY_KINDS, tgt, days)
    ranked = sorted(rows.values(), key=lambda r: (-r.score, -r.total, r.name))
    for i, r in enumerate(ranked, 1):
        r.rank = i
    roles: dict[str, LeagueRow] = {}
    for name, kind, n in session.execute(role_statement(ids, start, end)):
        r = roles.setdefault(name, LeagueRow(name, name, name, name in FRONT_ROLES))
        r.counts[kind] = int(n)
        r.total += int(n)
    role_rows = [roles[n] for n in LEAGUE_ROLES if n in roles]
    return {"period": period, "day": day, "start": start, "end": end, "days": days,
            "targets": tgt, "people": ranked, "roles": role_rows}


# -- spot checks -------------------------------------------------------------

def sample(session: Session, user, *, days: int = 7, size: int | None = None,
           today: date | None = None) -> list[BankActivity]:
    """A random sample of the branch's unchecked activities of the last ``days``
    days (never the checker's own)."""
    today = today or clock.today()
    size = size or int(settings.get(session, "banking_rm.spot_sample"))
    A = BankActivity
    stmt = (select(A).where(A.user_id.in_(branch_users(user)), A.user_id != user.id,
                            A.check_state.is_(None), A.day >= today - timedelta(days=days),
                            A.day <= today)
            .order_by(func.random()).limit(size))
    return list(session.execute(stmt).scalars())


def branch_activity(session: Session, user, activity_id) -> BankActivity | None:
    try:
        ident = int(activity_id)
    except (TypeError, ValueError):
        return None
    A = BankActivity
    return session.execute(select(A).where(A.id == ident, A.user_id.in_(branch_users(user)))
                           ).scalar_one_or_none()


def spot_check(session: Session, user, activity: BankActivity, result: str,
               note: str = "") -> BankSpotCheck:
    """Mark one activity verified or false; checked once, by someone else."""
    if result not in CHECK_RESULTS:
        raise ServiceError(_l("Choose verified or false."))
    if activity.user_id == user.id:
        raise ServiceError(_l("Nobody checks their own activities."))
    if result == FALSE and not (note or "").strip():
        raise ServiceError(_l("Say what was found when an activity is marked false."))
    done = session.execute(
        update(BankActivity).where(BankActivity.id == activity.id, BankActivity.check_state.is_(None))
        .values(check_state=result).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_l("This activity has been checked already."))
    row = BankSpotCheck(activity_id=activity.id, result=result, note=(note or "").strip() or None,
                        checked_by=user.id)
    session.add(row)
    session.flush()
    return row


def recent_checks(session: Session, user, start: date, end: date) -> list:
    """Spot checks made in [start, end] on the branch's activities, with who was checked."""
    A, C = BankActivity, BankSpotCheck
    lo, hi = clock.utc_bounds(start, end)
    stmt = (select(C, A, User).join(A, A.id == C.activity_id).join(User, User.id == A.user_id)
            .where(A.user_id.in_(branch_users(user)), C.checked_at >= lo, C.checked_at < hi)
            .order_by(C.checked_at.desc()))
    return list(session.execute(stmt).all())


def check_scores(session: Session, user, start: date, end: date) -> list:
    """Per person: activities checked in the period and how many were verified."""
    A, C = BankActivity, BankSpotCheck
    lo, hi = clock.utc_bounds(start, end)
    stmt = (select(User.id, User.full_name, User.username, func.count(C.id),
                   func.count(C.id).filter(C.result == "verified"))
            .join(A, A.id == C.activity_id).join(User, User.id == A.user_id)
            .where(A.user_id.in_(branch_users(user)), C.checked_at >= lo, C.checked_at < hi)
            .group_by(User.id, User.full_name, User.username).order_by(User.username))
    return [{"name": full or uname, "checked": int(n), "verified": int(v or 0),
             "score": round(100 * int(v or 0) / int(n)) if n else 0}
            for _uid, full, uname, n, v in session.execute(stmt)]

"""The pipeline: the seed's 13 stages (002 §二.1) as a board, stage moves
with their history, and the two reports (conversion per stage, pipeline by
stage and owner).  No Flask; callers commit.

A move is one conditional UPDATE ``... WHERE stage = <the stage the user
saw>``: of two people moving the same account at once exactly one wins, the
other is told the account moved meanwhile."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, union_all, update
from sqlalchemy.orm import Session

from core.access import has_permission, kept_statement
from core.db import utcnow
from core.i18n import _l
from core.models import User
from core.services import ServiceError
from plugins.customers import api as customers

from ..declarations import KINDS, STAGE_SKIP
from ..models.accounts import STAGES, StoresDemoAccount, StoresDemoStageMove
from core import clock

#: accounts shown per column of the board (the longest in the stage first)
BOARD_CARDS = 8


def move_stage(session: Session, user: User, customer, to_stage: int, *, from_stage: int,
               note: str = "", moved_on: date | None = None) -> StoresDemoStageMove:
    """Move ``customer`` from ``from_stage`` (what the user saw) to
    ``to_stage``.  Moving forward more than one stage needs STAGE_SKIP;
    moving back is always allowed (an account can cool down)."""
    try:
        to_stage, from_stage = int(to_stage), int(from_stage)
    except (TypeError, ValueError):
        raise ServiceError(_l("Unknown pipeline stage.")) from None
    if not 1 <= to_stage <= len(STAGES):
        raise ServiceError(_l("Unknown pipeline stage."))
    if to_stage == from_stage:
        raise ServiceError(_l("The account is already in this stage."))
    if to_stage > from_stage + 1 and not has_permission(session, user, STAGE_SKIP):
        raise ServiceError(_l("Moving past a stage needs the permission to skip stages: "
                              "move one stage at a time."))
    note = (note or "").strip()
    if len(note) > 2000:
        raise ServiceError(_l("The note is too long (at most 2000 characters)."))
    today = clock.today()
    moved_on = moved_on or today
    if moved_on > today:
        raise ServiceError(_l("A stage move cannot be dated in the future."))
    A = StoresDemoAccount
    since = session.scalar(select(A.stage_since).where(A.customer_id == customer.id))
    if since is None:
        raise ServiceError(_l("Only key accounts are in the pipeline."))
    now = utcnow()
    done = session.execute(update(A).where(A.customer_id == customer.id, A.stage == from_stage)
                           .values(stage=to_stage, stage_since=now)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_l("Someone moved this account meanwhile; look at its stage again."))
    days = max(0, (now - since).days) if isinstance(since, datetime) else None
    move = StoresDemoStageMove(customer_id=customer.id, from_stage=from_stage, to_stage=to_stage,
                               moved_on=moved_on, moved_at=now, user_id=user.id,
                               owner_id=customer.owner_id, days_in_stage=days, note=note or None)
    session.add(move)
    session.flush()
    return move


def history(session: Session, customer_id: int) -> list[StoresDemoStageMove]:
    return list(session.scalars(select(StoresDemoStageMove)
                                .where(StoresDemoStageMove.customer_id == customer_id)
                                .order_by(StoresDemoStageMove.moved_at.desc(),
                                          StoresDemoStageMove.id.desc())))


# -- the board ----------------------------------------------------------------------
@dataclass
class BoardFilter:
    owner_id: int | None = None
    kind: str = ""


def visible(session: Session, user: User) -> list:
    """The WHERE clauses on Customer that every enabled plugin's scope rule
    gives ``user`` (ANDed), applied to the customer row itself: no
    ``id IN (SELECT …)`` over the whole customer table."""
    where = customers.scoped_customers(session, user).whereclause
    return [] if where is None else [where]


def _scoped(session: Session, user: User, f: BoardFilter):
    C, A = customers.Customer, StoresDemoAccount
    where = visible(session, user)
    if f.owner_id:
        where.append(C.owner_id == f.owner_id)
    if f.kind in KINDS:
        where.append(C.kind == f.kind)
    return C, A, where


def board(session: Session, user: User, f: BoardFilter) -> list[dict]:
    """One column per stage: its count and the ``BOARD_CARDS`` accounts
    longest in it.  Two queries: one GROUP BY for the counts, and one UNION
    ALL of a ``LIMIT`` query per stage for the cards (each an index range
    scan on (stage, stage_since) that stops after ``BOARD_CARDS`` rows; a
    window over every account would sort them all, and a query per stage
    paid the round trip thirteen times).  Both statements are kept per user
    and filter (``kept_statement``): building them cost more than the cards'
    query."""
    key = (f.owner_id, f.kind)
    counts = dict(session.execute(kept_statement(
        session, user, ("stores_demo.board_counts",) + key, lambda: _counts_stmt(session, user, f))).all())
    by_stage: dict[int, list] = {}
    for row in session.execute(kept_statement(
            session, user, ("stores_demo.board_cards",) + key, lambda: _cards_stmt(session, user, f))):
        by_stage.setdefault(row.stage, []).append(row)
    return [{"stage": n, "code": code, "count": int(counts.get(n, 0)), "cards": by_stage.get(n, [])}
            for n, code in enumerate(STAGES, start=1)]


def _counts_stmt(session: Session, user: User, f: BoardFilter):
    C, A, where = _scoped(session, user, f)
    return select(A.stage, func.count()).join(C, C.id == A.customer_id).where(*where).group_by(A.stage)


def _cards_stmt(session: Session, user: User, f: BoardFilter):
    C, A, where = _scoped(session, user, f)
    per_stage = [select(A.stage.label("stage"), A.stage_since.label("stage_since"), C.id.label("id"),
                        C.code.label("code"), C.name.label("name"), C.kind.label("kind"),
                        A.id.label("account_id"))
                 .join(C, C.id == A.customer_id).where(A.stage == n, *where)
                 .order_by(A.stage_since, A.id).limit(BOARD_CARDS).subquery(f"s{n}")
                 for n in range(1, len(STAGES) + 1)]
    u = union_all(*[select(sq.c.stage, sq.c.stage_since, sq.c.id, sq.c.code, sq.c.name, sq.c.kind,
                           sq.c.account_id) for sq in per_stage]).subquery("cards")
    return select(u.c.stage, u.c.stage_since, u.c.id, u.c.code, u.c.name, u.c.kind).order_by(
        u.c.stage, u.c.stage_since, u.c.account_id)


def this_hour() -> datetime:
    """The current hour: a kept page showing days in stage is drawn afresh
    at least hourly, so its day counts are never more than an hour late."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


def days_since(when: datetime | None, now: datetime | None = None) -> int | None:
    if when is None:
        return None
    return max(0, ((now or utcnow()) - when).days)


# -- reports ------------------------------------------------------------------------
def conversion(session: Session, user: User, f: BoardFilter) -> list[dict]:
    """Per stage: accounts that reached it (now in it or beyond), how many of
    those went on to the next stage, the rate, and the average days spent
    in the stage by the moves out of it."""
    C, A, where = _scoped(session, user, f)
    now_in = dict(session.execute(select(A.stage, func.count()).join(C, C.id == A.customer_id)
                                  .where(*where).group_by(A.stage)).all())
    avg_days = dict(session.execute(
        select(StoresDemoStageMove.from_stage, func.avg(StoresDemoStageMove.days_in_stage))
        .join(C, C.id == StoresDemoStageMove.customer_id)
        .where(*where, StoresDemoStageMove.from_stage.is_not(None),
               StoresDemoStageMove.to_stage > StoresDemoStageMove.from_stage)
        .group_by(StoresDemoStageMove.from_stage)).all())
    out, reached_after = [], 0
    reached = [0] * (len(STAGES) + 2)
    for n in range(len(STAGES), 0, -1):
        reached_after += int(now_in.get(n, 0))
        reached[n] = reached_after
    for n, code in enumerate(STAGES, start=1):
        went_on = reached[n + 1] if n < len(STAGES) else None
        rate = (round(100 * went_on / reached[n], 1) if went_on is not None and reached[n] else None)
        days = avg_days.get(n)
        out.append({"stage": n, "code": code, "now": int(now_in.get(n, 0)), "reached": reached[n],
                    "went_on": went_on, "rate": rate,
                    "avg_days": round(float(days), 1) if days is not None else None})
    return out


def by_owner(session: Session, user: User, f: BoardFilter) -> tuple[list, list]:
    """Rows ``(owner_id, owner name, {stage: count}, total)`` and the column
    totals, from one GROUP BY owner, stage."""
    C, A, where = _scoped(session, user, f)
    name = func.coalesce(func.nullif(User.full_name, ""), User.username)
    rows = session.execute(select(C.owner_id, name, A.stage, func.count())
                           .select_from(C).join(A, A.customer_id == C.id)
                           .outerjoin(User, User.id == C.owner_id).where(*where)
                           .group_by(C.owner_id, name, A.stage)).all()
    owners: dict = {}
    totals = [0] * (len(STAGES) + 1)
    for owner_id, owner, stage, n in rows:
        o = owners.setdefault(owner_id, {"owner_id": owner_id, "owner": owner or "—",
                                         "stages": {}, "total": 0})
        o["stages"][stage] = int(n)
        o["total"] += int(n)
        totals[stage - 1] += int(n)
        totals[-1] += int(n)
    return sorted(owners.values(), key=lambda o: str(o["owner"])), totals

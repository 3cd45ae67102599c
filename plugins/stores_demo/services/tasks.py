"""Follow-up tasks: create one, mark it done, list a seller's open ones.

Marking done is one conditional UPDATE (``WHERE done IS FALSE``): of two
clicks on the same task (a double submit, two tabs) exactly one counts,
and the other is told the task was already done."""
from __future__ import annotations

from datetime import date

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.dates import parse_day
from core.i18n import _l
from core.models import AuditLog
from core.services import ServiceError

from ..models.tasks import FROM_OTHER, TASK_SOURCES, StoresDemoTask
from core import clock

MAX_TITLE = 200


def clean_title(title: str | None) -> str:
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("Say what is to be done."))
    if len(title) > MAX_TITLE:
        raise ServiceError(_l("The task is too long (at most %(n)s characters).", n=MAX_TITLE))
    return title


def create_task(session: Session, *, title: str, due_on, owner_id: int | None, org_unit_id: int,
                customer_id: int | None = None, source: str = FROM_OTHER, walkin_id: int | None = None,
                event_id: int | None = None, note: str | None = None) -> StoresDemoTask:
    """A task for ``owner_id``; ``due_on`` a date or the form's text."""
    if source not in TASK_SOURCES:
        raise ServiceError(_l("Unknown task source: %(source)s", source=source))
    due = due_on if isinstance(due_on, date) else parse_day(due_on)
    task = StoresDemoTask(title=clean_title(title), due_on=due, owner_id=owner_id,
                          org_unit_id=org_unit_id, customer_id=customer_id, source=source,
                          walkin_id=walkin_id, event_id=event_id, note=(note or "").strip() or None)
    session.add(task)
    session.flush()
    return task


def mark_done(session: Session, task: StoresDemoTask | int, user, *, outcome: str | None = None,
              today: date | None = None) -> int:
    """Close a task (the caller found it in the user's scope).  Returns its id."""
    ident = task if isinstance(task, int) else task.id
    outcome = (outcome or "").strip() or None
    if outcome and len(outcome) > 2000:
        raise ServiceError(_l("The outcome is too long (at most %(n)s characters).", n=2000))
    today = today or clock.today()
    t = StoresDemoTask.__table__
    done = session.execute(
        update(t).where(t.c.id == ident, t.c.done.is_(False))
        .values(done=True, done_on=today, done_by=getattr(user, "id", None), outcome=outcome,
                updated_at=utcnow()))
    if done.rowcount != 1:
        raise ServiceError(_l("This task was already done."))
    # A Core UPDATE passes the ORM's audit listener by: write its row here.
    session.execute(insert(AuditLog.__table__).values(
        at=utcnow(), user_id=getattr(user, "id", None), table_name=t.name, record_id=str(ident),
        action="update", reason=None,
        changes={"done": [False, True], "done_on": [None, today.isoformat()],
                 "done_by": [None, getattr(user, "id", None)], "outcome": [None, outcome]}))
    session.expire_all()
    return ident


def open_tasks(session: Session, user, *, limit: int = 200) -> list[StoresDemoTask]:
    """The user's own open tasks, the most urgent first."""
    return list(session.execute(
        select(StoresDemoTask).where(StoresDemoTask.owner_id == user.id, StoresDemoTask.done.is_(False))
        .order_by(StoresDemoTask.due_on, StoresDemoTask.id).limit(limit)).scalars())


def team_counts(session: Session, user, today: date, *, since: date) -> list[dict]:
    """Per colleague whose tasks ``user`` may see (a manager: the org unit
    and below): open, overdue, due today, and done since ``since`` — one
    grouped query over the scoped tasks."""
    from sqlalchemy import case, func

    from core.access import scoped_select
    from core.models import User

    T = scoped_select(session, StoresDemoTask, user).subquery()
    open_ = T.c.done.is_(False)
    rows = session.execute(
        select(T.c.owner_id, User.full_name, User.username,
               func.sum(case((open_, 1), else_=0)).label("open"),
               func.sum(case((open_ & (T.c.due_on < today), 1), else_=0)).label("overdue"),
               func.sum(case((open_ & (T.c.due_on == today), 1), else_=0)).label("today"),
               func.sum(case((T.c.done.is_(True) & (T.c.done_on >= since), 1), else_=0)).label("done"))
        .join(User, User.id == T.c.owner_id)
        .where(or_(open_, T.c.done_on >= since))
        .group_by(T.c.owner_id, User.full_name, User.username)
        .order_by(func.sum(case((open_ & (T.c.due_on < today), 1), else_=0)).desc(), User.username))
    return [{"owner_id": r.owner_id, "name": r.full_name or r.username, "open": int(r.open or 0),
             "overdue": int(r.overdue or 0), "today": int(r.today or 0), "done": int(r.done or 0)}
            for r in rows]


def team_tasks(session: Session, user, today: date, *, owner_id: int | None = None,
               overdue_only: bool = False, offset: int = 0, limit: int = 50) -> list:
    """Open tasks of the colleagues ``user`` may see, the most urgent first,
    with the owner's and the customer's names (one query)."""
    from sqlalchemy.orm import aliased

    from core.access import scoped_select
    from core.models import User
    from plugins.customers.api import Customer

    T = StoresDemoTask
    owner = aliased(User)
    stmt = (scoped_select(session, T, user).where(T.done.is_(False))
            .add_columns(owner.full_name, owner.username, Customer.name)
            .join(owner, owner.id == T.owner_id, isouter=True)
            .join(Customer, Customer.id == T.customer_id, isouter=True))
    if owner_id:
        stmt = stmt.where(T.owner_id == owner_id)
    if overdue_only:
        stmt = stmt.where(T.due_on < today)
    rows = session.execute(stmt.order_by(T.due_on, T.id).offset(offset).limit(limit)).all()
    return [{"task": t, "owner": full or uname or "", "customer": cname or ""}
            for t, full, uname, cname in rows]

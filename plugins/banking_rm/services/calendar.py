"""The care calendar (seed 004: 节日、生日、特别纪念日祝福问候): birthdays
and the customer's special dates in the next days, festivals, and greeting
tasks with a message template.

The upcoming dates are one statement on SQLite and PostgreSQL alike: each
date becomes month × 100 + day and is compared with the window's bounds,
which wrap at the year's end; 29 February counts as 28 February in a year
without it, so that birthday is greeted every year, never skipped."""
from __future__ import annotations

import calendar as cal
from datetime import date, timedelta

from sqlalchemy import String, case, cast, extract, func, literal, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.access import EDIT
from core.db import utcnow
from core.i18n import _l
from core.models import AuditLog
from core.services import ServiceError
from core.fields import optional_text, required_text
from plugins.customers.api import ELIMINATED, Customer, customer_ids_for

from ..declarations import KIND_RETAIL
from ..models.care import (BIRTHDAY, FESTIVAL, SPECIAL_DATE, TASK_DONE, TASK_OPEN, BankCareTask,
                           BankSpecialDate)
from ..models.clients import BankRetailProfile
from .care_inputs import setting, to_date, transition
from core import clock

#: the festivals' names by key (the key names the festival in a task's ``ref``)
FESTIVAL_NAMES = {
    "new_year": _l("New Year's Day"), "women": _l("Women's Day"), "labour": _l("Labour Day"),
    "children": _l("Children's Day"), "national": _l("National Day"), "spring": _l("Spring Festival"),
    "lantern": _l("Lantern Festival"), "dragon_boat": _l("Dragon Boat Festival"),
    "mid_autumn": _l("Mid-Autumn Festival"), "double_ninth": _l("Double Ninth Festival"),
}
#: festivals on fixed days, and the lunar ones by year (Gregorian dates)
FIXED_FESTIVALS = ((1, 1, "new_year"), (3, 8, "women"), (5, 1, "labour"), (6, 1, "children"), (10, 1, "national"))
LUNAR_FESTIVALS = {
    2026: ((2, 17, "spring"), (3, 3, "lantern"), (6, 19, "dragon_boat"), (9, 25, "mid_autumn"),
           (10, 18, "double_ninth")),
    2027: ((2, 6, "spring"), (2, 20, "lantern"), (6, 9, "dragon_boat"), (9, 15, "mid_autumn"),
           (10, 8, "double_ninth")),
    2028: ((1, 26, "spring"), (2, 9, "lantern"), (5, 28, "dragon_boat"), (10, 3, "mid_autumn"),
           (10, 26, "double_ninth")),
}


def horizon(session: Session, days=None) -> int:
    try:
        n = int(days) if days not in (None, "") else int(setting(session, "care_days"))
    except (TypeError, ValueError):
        n = int(setting(session, "care_days"))
    return max(1, min(90, n))


def _md(col):
    return extract("month", col) * 100 + extract("day", col)


def _window(col, today: date, days: int):
    """month-day of ``col`` within [today, today + days] (days < 365)."""
    end = today + timedelta(days=days)
    # The February inside the window: 29 February is the 28th in a common year.
    feb_year = today.year if today.month <= 2 else today.year + 1
    md = _md(col)
    md = case((md == 229, 229 if cal.isleap(feb_year) else 228), else_=md)
    lo, hi = today.month * 100 + today.day, end.month * 100 + end.day
    return md.between(lo, hi) if lo <= hi else or_(md >= lo, md <= hi)


def next_occurrence(on: date, today: date) -> date:
    for year in (today.year, today.year + 1):
        day = on.day if not (on.month == 2 and on.day == 29 and not cal.isleap(year)) else 28
        d = date(year, on.month, day)
        if d >= today:
            return d
    raise AssertionError("unreachable")


def upcoming_stmt(user, today: date, days: int, manager_id: int | None = None):
    scope = Customer.id.in_(customer_ids_for(user))
    mine = [Customer.owner_id == manager_id] if manager_id else []
    births = (select(literal(BIRTHDAY).label("kind"), Customer.id.label("customer_id"), Customer.code,
                     Customer.name, Customer.owner_id, BankRetailProfile.birthday.label("on"),
                     cast(null(), String).label("label"), literal(0).label("date_id"))
              .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
              .where(BankRetailProfile.birthday.is_not(None), _window(BankRetailProfile.birthday, today, days),
                     scope, *mine))
    specials = (select(literal(SPECIAL_DATE).label("kind"), Customer.id, Customer.code, Customer.name,
                       Customer.owner_id, BankSpecialDate.on, BankSpecialDate.label, BankSpecialDate.id)
                .join(BankSpecialDate, BankSpecialDate.customer_id == Customer.id)
                .where(_window(BankSpecialDate.on, today, days), scope, *mine))
    return union_all(births, specials)


def upcoming(session: Session, user, today: date, days: int, manager_id: int | None = None) -> list[dict]:
    """Birthdays and special dates in the window, soonest first, with the
    date they fall on this time and the greeting task if one was made."""
    rows = session.execute(upcoming_stmt(user, today, days, manager_id)).all()
    out = []
    for r in rows:
        when = next_occurrence(r.on, today)
        ref = BIRTHDAY if r.kind == BIRTHDAY else f"date:{r.date_id}"
        out.append({"kind": r.kind, "customer_id": r.customer_id, "code": r.code, "name": r.name,
                    "owner_id": r.owner_id, "on": r.on, "when": when, "days_left": (when - today).days,
                    "label": r.label, "ref": ref,
                    "years": when.year - r.on.year if r.kind == BIRTHDAY else None})
    out.sort(key=lambda e: (e["when"], e["name"]))
    if out:
        tasks = session.execute(select(BankCareTask.customer_id, BankCareTask.ref, BankCareTask.due_on,
                                       BankCareTask.id, BankCareTask.status)
                                .where(BankCareTask.kind.in_((BIRTHDAY, SPECIAL_DATE)),
                                       BankCareTask.due_on >= today,
                                       BankCareTask.due_on <= today + timedelta(days=days),
                                       BankCareTask.customer_id.in_(customer_ids_for(user)))).all()
        by = {(c, ref, d): (i, st) for c, ref, d, i, st in tasks}
        for e in out:
            e["task_id"], e["task_status"] = by.get((e["customer_id"], e["ref"], e["when"]), (None, None))
    return out


def festival_days(today: date, days: int) -> list[tuple[date, str]]:
    """``(date, key)`` of the festivals in [today, today + days], soonest first."""
    end = today + timedelta(days=days)
    out = []
    for year in {today.year, end.year}:
        for m, d, key in FIXED_FESTIVALS + LUNAR_FESTIVALS.get(year, ()):
            when = date(year, m, d)
            if today <= when <= end:
                out.append((when, key))
    return sorted(out)


def festivals(today: date, days: int) -> list[tuple[date, object]]:
    return [(when, FESTIVAL_NAMES[key]) for when, key in festival_days(today, days)]


def festival_ref(key: str) -> str:
    return f"festival:{key}"


def festival_overview(session: Session, user, today: date, days: int) -> list[dict]:
    """The festivals in the window, each with its greeting tasks among the
    customers the user may see: how many were made, how many are done."""
    out = []
    days_keys = festival_days(today, days)
    counts = {}
    if days_keys:
        T = BankCareTask
        rows = session.execute(
            select(T.ref, T.due_on, func.count(T.id), func.sum(case((T.status == TASK_DONE, 1), else_=0)))
            .where(T.kind == FESTIVAL, T.due_on >= today, T.due_on <= today + timedelta(days=days),
                   T.customer_id.in_(customer_ids_for(user)))
            .group_by(T.ref, T.due_on)).all()
        counts = {(ref, due): (int(n), int(done or 0)) for ref, due, n, done in rows}
    for when, key in days_keys:
        made, done = counts.get((festival_ref(key), when), (0, 0))
        out.append({"on": when, "key": key, "name": FESTIVAL_NAMES[key], "made": made, "done": done})
    return out


def make_festival_tasks(session: Session, user, key: str, on, today: date, days: int) -> int:
    """A greeting task for the festival ``key`` on ``on`` for every retail
    customer the user may serve, assigned to the customer's manager (the
    maker when the customer has none).  One INSERT … SELECT that skips
    what exists (``ON CONFLICT DO NOTHING`` on the task's unique key), so
    running it twice — or two people at the same moment — adds nothing.
    Returns the number of tasks made."""
    day = on if isinstance(on, date) else to_date(session, on, _l("Date"), window=False)
    if (day, key) not in festival_days(today, days):
        raise ServiceError(_l("Choose a festival of the coming %(n)s days.", n=days))
    name = FESTIVAL_NAMES[key]
    title = str(_l("%(festival)s greeting: %(name)s", festival=name, name="\x00"))
    head, _sep, tail = title.partition("\x00")
    now = utcnow()
    C, T = Customer, BankCareTask
    rows = (select(C.id, func.coalesce(C.owner_id, user.id), literal(FESTIVAL), literal(festival_ref(key)),
                   func.substr(literal(head) + C.name + literal(tail), 1, 200), literal(day),
                   literal(TASK_OPEN), literal(now), literal(now), literal(1))
            .join(BankRetailProfile, BankRetailProfile.customer_id == C.id)
            .where(C.kind == KIND_RETAIL, C.status != ELIMINATED, C.id.in_(customer_ids_for(user, EDIT))))
    stmt = _insert_ignore(session).from_select(
        ["customer_id", "user_id", "kind", "ref", "title", "due_on", "status", "created_at", "updated_at",
         "version"], rows)
    # RETURNING gives the rows inserted (the skipped ones are not returned),
    # where a driver's rowcount of INSERT … SELECT may be -1
    made = len(session.execute(stmt.returning(T.id)).all())
    if made:
        # the bulk INSERT bypasses the ORM's audit listener: one row for the lot
        session.add(AuditLog(at=now, user_id=user.id, table_name=T.__tablename__,
                             record_id=f"{festival_ref(key)}:{day.isoformat()}"[:64], action="create",
                             changes={"kind": [None, FESTIVAL], "due_on": [None, day.isoformat()],
                                      "tasks": [None, made]},
                             reason=session.info.get("audit_reason")))
        session.flush()
    return made


def _insert_ignore(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(BankCareTask).on_conflict_do_nothing(
        index_elements=["customer_id", "kind", "ref", "due_on"])


def make_greeting_tasks(session: Session, user, today: date, days: int) -> int:
    """A greeting task for each upcoming birthday and special date without one."""
    made = 0
    for e in upcoming(session, user, today, days):
        if e["task_id"]:
            continue
        title = (_l("Birthday greeting: %(name)s", name=e["name"]) if e["kind"] == BIRTHDAY
                 else _l("Greeting for %(label)s: %(name)s", label=e["label"], name=e["name"]))
        session.add(BankCareTask(customer_id=e["customer_id"], user_id=e["owner_id"], kind=e["kind"],
                                 ref=e["ref"], due_on=e["when"], title=str(title), status=TASK_OPEN))
        made += 1
    try:
        session.flush()
    except IntegrityError:
        raise ServiceError(_l("Someone made these tasks at the same moment; reload the page.")) from None
    return made


def complete_task(session: Session, task: BankCareTask, user, *, note=None) -> None:
    note = optional_text(note, _l("Note"))
    transition(session, BankCareTask, task.id, (TASK_OPEN,),
               {"status": TASK_DONE, "note": note, "done_at": utcnow(), "done_by": user.id},
               _l("This task is already done."))


def add_special_date(session: Session, customer: Customer, *, label, on) -> BankSpecialDate:
    label = required_text(label, _l("What the date is"), 80)
    day = to_date(session, on, _l("Date"), window=False)
    if day > clock.today():
        raise ServiceError(_l("A special date is one that has happened (a wedding, a birth)."))
    row = BankSpecialDate(customer_id=customer.id, label=label, on=day)
    session.add(row)
    session.flush()
    return row


def open_tasks(user, today: date, days: int, manager_id: int | None = None):
    conds = [BankCareTask.status == TASK_OPEN, BankCareTask.due_on <= today + timedelta(days=days),
             BankCareTask.customer_id.in_(customer_ids_for(user))]
    if manager_id:
        conds.append(BankCareTask.user_id == manager_id)
    return (select(BankCareTask, Customer.name, Customer.code)
            .join(Customer, Customer.id == BankCareTask.customer_id)
            .where(*conds).order_by(BankCareTask.due_on, BankCareTask.id))



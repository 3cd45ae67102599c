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

from sqlalchemy import String, case, cast, extract, literal, null, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import utcnow
from core.i18n import _l
from core.services import ServiceError
from plugins.customers.api import Customer, customer_ids_for

from ..models.care import BIRTHDAY, SPECIAL_DATE, TASK_DONE, TASK_OPEN, BankCareTask, BankSpecialDate
from ..models.clients import BankRetailProfile
from .care_inputs import optional_text, required_text, setting, to_date, transition
from core import clock

#: festivals on fixed days, and the lunar ones by year (Gregorian dates)
FIXED_FESTIVALS = ((1, 1, _l("New Year's Day")), (3, 8, _l("Women's Day")), (5, 1, _l("Labour Day")),
                   (6, 1, _l("Children's Day")), (10, 1, _l("National Day")))
LUNAR_FESTIVALS = {
    2026: ((2, 17, _l("Spring Festival")), (3, 3, _l("Lantern Festival")), (6, 19, _l("Dragon Boat Festival")),
           (9, 25, _l("Mid-Autumn Festival")), (10, 18, _l("Double Ninth Festival"))),
    2027: ((2, 6, _l("Spring Festival")), (2, 20, _l("Lantern Festival")), (6, 9, _l("Dragon Boat Festival")),
           (9, 15, _l("Mid-Autumn Festival")), (10, 8, _l("Double Ninth Festival"))),
    2028: ((1, 26, _l("Spring Festival")), (2, 9, _l("Lantern Festival")), (5, 28, _l("Dragon Boat Festival")),
           (10, 3, _l("Mid-Autumn Festival")), (10, 26, _l("Double Ninth Festival"))),
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


def festivals(today: date, days: int) -> list[tuple[date, object]]:
    end = today + timedelta(days=days)
    out = []
    for year in {today.year, end.year}:
        for m, d, name in FIXED_FESTIVALS + LUNAR_FESTIVALS.get(year, ()):
            when = date(year, m, d)
            if today <= when <= end:
                out.append((when, name))
    return sorted(out, key=lambda x: x[0])


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



"""Demo data of the follow-up area (called by ``demo.load_events``): walk-ins
of the last two weeks with their tasks, the accounts' birthdays and wedding
anniversaries with what fits them, an appraisal session held last week
(invited, replied, attended, followed up) and a product presentation to come."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from plugins.customers.api import Customer

from .models.events import MAYBE, NO, YES, StoresDemoInvitation
from .services import anniversaries, events, tasks, walkins
from core import clock

WALKINS = [  # name, interest, budget band, note
    ("王女士", "wedding", "b3", "看了1克拉钻戒，想和先生一起再来"),
    ("陈先生", "anniversary", "b4", "结婚十周年，想要定制"),
    ("林小姐", "gift", "b2", "给母亲选生日礼物，喜欢翡翠"),
    ("赵先生", "investment", "b5", "问了投资金条和回购"),
    ("孙女士", "self", "b2", "试戴了铂金项链"),
    ("周小姐", "browsing", None, "陪朋友来的，留了电话"),
]
STYLES = ("ring", "necklace", "bangle", "earring")


def _accounts(session, context, accounts) -> list:
    if accounts:
        return list(accounts)
    ids = context.get("customers", {}).get("store", [])
    return list(session.scalars(select(Customer).where(Customer.id.in_(ids)).order_by(Customer.id)))


def _invitations(session, event) -> list:
    return list(session.scalars(select(StoresDemoInvitation).where(StoresDemoInvitation.event_id == event.id)
                                .order_by(StoresDemoInvitation.id)))


def load_followups(session, context, accounts) -> None:
    rnd = random.Random(1802)
    today = clock.today()
    users = context["users"]
    mgr, sales = users["store_mgr"], users["store_sales"]
    accts = _accounts(session, context, accounts)

    # Walk-ins: the seed's complaint answered — each one is a task.
    for i, (name, interest, band, note) in enumerate(WALKINS):
        w = walkins.capture(session, sales, name=name, mobile=f"139{rnd.randrange(10**8):08d}",
                            interest=interest, budget_band=band, note=note,
                            today=today - timedelta(days=12 - 2 * i))
        if i < 2:  # the oldest two were called back
            t = session.scalar(select(tasks.StoresDemoTask.id).where(tasks.StoresDemoTask.walkin_id == w.id))
            tasks.mark_done(session, t, sales, outcome="已约周末到店复看", today=today - timedelta(days=5 - i))

    # Dates that matter, and what fits each account.
    for i, c in enumerate(accts):
        bday = today + timedelta(days=(i * 7) % 50 - 3)
        anniversaries.add_date(session, c.id, kind="birthday", month=bday.month, day=bday.day,
                               year=1965 + rnd.randrange(30))
        if i % 2 == 0:
            wed = today + timedelta(days=(i * 11) % 40 + 1)
            anniversaries.add_date(session, c.id, kind="wedding", month=wed.month, day=wed.day,
                                   year=1990 + rnd.randrange(30), person="夫妇")
        anniversaries.set_fit(session, c.id, budget_band=("b2", "b3", "b4", "b5")[i % 4],
                              ring_size=str(10 + i % 8), style=STYLES[i % len(STYLES)] if i % 3 else None)

    if not accts:
        return
    # A past appraisal session: invited, replied, attended, followed up.
    past = events.create_event(session, mgr, kind="appraisal", title="秋季彩宝品鉴会",
                               held_on=today - timedelta(days=6), place="南京西路门店二楼贵宾室")
    events.invite(session, past, mgr)
    replies = (YES, YES, MAYBE, NO)
    came = []
    for i, inv in enumerate(_invitations(session, past)):
        events.set_rsvp(session, inv, replies[i % len(replies)])
        if inv.rsvp == YES:
            came.append(inv.id)
    events.record_attendance(session, past, came, today=today)
    events.create_followups(session, past, mgr, today=today)
    # One coming up, invitations out, replies arriving.
    coming = events.create_event(session, mgr, kind="presentation", title="新春婚嫁系列发布会",
                                 held_on=today + timedelta(days=12), place="南京西路门店")
    events.invite(session, coming, mgr)
    for i, inv in enumerate(_invitations(session, coming)):
        if i % 3 == 0:
            events.set_rsvp(session, inv, YES)

    # A few tasks of the seller's own: one overdue, one today.
    first = accts[0]
    tasks.create_task(session, title=f"给{first.name}送去定制款设计稿", due_on=today - timedelta(days=1),
                      owner_id=sales.id, org_unit_id=sales.org_unit_id, customer_id=first.id)
    tasks.create_task(session, title="整理本周到店未成交客户名单", due_on=today,
                      owner_id=sales.id, org_unit_id=sales.org_unit_id)
    session.flush()

"""Demo data of the activity area (called from demo.load_activity): a
quarter of 5-20-30 activity, two campaigns, stage moves with evidence,
spot checks, referrals with outcomes and the last evening meetings.
Everything goes through the services, so the demo obeys the rules."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from core.models import Role, User, user_role
from core.services import ServiceError
from plugins.customers.api import Customer

from .declarations import BRANCH_HEAD, KIND_RETAIL, LOBBY, TELLER, WEALTH
from .models.clients import STAGES
from .services import activity as act
from .services import meeting as meet
from .services import referrals as refs
from .services import stages as stg
from .services import touchpoints as tp
from core import clock

DAYS = 91
SCRIPTS = ("您这笔定期快到期了，我们理财经理可以给您做个免费的财富诊断。",
           "本周有一款七天短期理财，很多客户都在买，要不要了解一下？",
           "办张金卡吧，VIP室可以不用排队。")
EVIDENCE = {
    "understood": "客户参加了网点的理财沙龙，并带了家人",
    "trusted": "客户邀请理财经理参加孩子的升学宴",
    "companion": "客户介绍了两位同事来开户",
}


def _people(session, context) -> list[User]:
    found: list[User] = []

    def add(v):
        if isinstance(v, User):
            found.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                add(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                add(x)

    add(context.get("bank_people") or {})
    bank = context.get("bank")
    if not found:
        stmt = (select(User).join(user_role, user_role.c.user_id == User.id)
                .join(Role, Role.id == user_role.c.role_id)
                .where(Role.name.in_((BRANCH_HEAD, LOBBY, TELLER, WEALTH))))
        found = list(session.execute(stmt.distinct()).scalars())
        users = context.get("users") or {}
        found += [u for k, u in users.items() if k.startswith("bank_")]
    if bank is not None:
        found = [u for u in found if u.org_unit_id == bank.id] or found
    seen, out = set(), []
    for u in found:
        if u.id not in seen:
            seen.add(u.id)
            out.append(u)
    return out


def load(session, context, clients) -> None:
    people = _people(session, context)
    if not people:
        return
    rnd = random.Random(4)
    today = clock.today()
    roles = {u.id: {r.name for r in u.roles} for u in people}
    heads = [u for u in people if roles[u.id] & {BRANCH_HEAD, "manager"}]
    front = [u for u in people if roles[u.id] & {LOBBY, TELLER} and WEALTH not in roles[u.id]]
    wealth = [u for u in people if roles[u.id] & {WEALTH, "salesperson"}]
    head = heads[0] if heads else people[0]
    customers = list(clients or [])
    if not customers:
        stmt = select(Customer).where(Customer.kind == KIND_RETAIL)
        if context.get("bank") is not None:
            stmt = stmt.where(Customer.org_unit_id == context["bank"].id)
        customers = list(session.execute(stmt.order_by(Customer.id).limit(300)).scalars())
    if not customers and context.get("bank") is not None:
        customers = list(session.execute(select(Customer).where(
            Customer.org_unit_id == context["bank"].id).order_by(Customer.id).limit(300)).scalars())

    # two campaigns: the current one and last month's
    camps = [
        tp.save_campaign(session, None, name="春季理财节", theme="七天短期理财、基金定投",
                         touchpoint="waiting", zone="等候区", start_on=today - timedelta(days=20),
                         end_on=today + timedelta(days=25), script=SCRIPTS[1],
                         note="礼品：办理五万元以上理财赠茶具一套（每位客户每年限一次，计入年度礼品额度）。"),
        tp.save_campaign(session, None, name="金卡升级月", theme="金卡与VIP服务", touchpoint="low_counter",
                         zone="低柜", start_on=today - timedelta(days=60), end_on=today - timedelta(days=21),
                         script=SCRIPTS[2], note="礼品：雨伞一把，展示在取号机旁。"),
    ]

    def camp_on(day):
        for c in camps:
            if c.start_on <= day <= c.end_on:
                return c.id
        return None

    def cust():
        return rnd.choice(customers).id if customers else None

    for back in range(DAYS, -1, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        at = datetime.combine(day, time(9, 30))
        cid = camp_on(day)
        for u in wealth:
            for kind, lo, hi in (("meeting", 2, 6), ("call", 10, 22)):
                for _ in range(rnd.randint(lo, hi)):
                    act.log_activity(session, u, kind, customer_id=cust(), day=day, now=at,
                                     campaign_id=cid if rnd.random() < .3 else None)
            act.log_activity(session, u, "message", count=rnd.randint(18, 35), day=day, now=at,
                             topic="理财产品到期提醒")
        for u in front:
            for kind, lo, hi in (("greet", 15, 35), ("talk", 8, 20), ("pitch", 2, 6)):
                for _ in range(rnd.randint(lo, hi)):
                    act.log_activity(session, u, kind, day=day, now=at,
                                     campaign_id=cid if kind == "pitch" and rnd.random() < .6 else None)

    # stage moves with evidence
    for c in customers[: len(customers) // 3]:
        steps = rnd.randint(1, 3)
        owner = next((u for u in wealth if u.id == c.owner_id), wealth[0] if wealth else head)
        current = stg.profile(session, c.id).stage
        for _ in range(steps):
            i = STAGES.index(current)
            if i + 1 >= len(STAGES):
                break
            nxt = STAGES[i + 1]
            stg.move_stage(session, owner, c.id, from_stage=current, to_stage=nxt, evidence=EVIDENCE[nxt])
            current = nxt

    # spot checks: a sample a week, a few found false
    if head is not None:
        for back in (1, 2, 8, 15):
            for a in act.sample(session, head, size=5, today=today - timedelta(days=back)):
                false = rnd.random() < .15
                act.spot_check(session, head, a, "false" if false else "verified",
                               "客户说最近没有接到电话" if false else "客户能说出理财经理的名字")

    # referrals from the front line, spread over the quarter
    if front and wealth and customers:
        for i, c in enumerate(rnd.sample(customers, min(40, len(customers)))):
            back = rnd.randint(0, DAYS)
            day = today - timedelta(days=back)
            try:
                r = refs.create_referral(
                    session, rnd.choice(front), customer_id=c.id, receiver_id=rnd.choice(wealth).id,
                    product_kind=rnd.choice(("wealth", "fund", "term_deposit", "insurance", "credit_card")),
                    script=rnd.choice(SCRIPTS), touchpoint=rnd.choice(("waiting", "low_counter", "high_counter",
                                                                       "vip", "ticket")),
                    campaign_id=camp_on(day),
                    criteria=rnd.sample(("idle_funds", "accepts_risk", "reachable"), rnd.randint(0, 2)),
                    now=datetime.combine(day, time(10, 15)))
            except ServiceError:
                continue
            receiver = session.get(User, r.receiver_id)
            if back < 2:
                continue  # still waiting
            if rnd.random() < .15:
                refs.decline(session, receiver, r, "客户只想办存款")
                continue
            refs.accept(session, receiver, r)
            if back < 7:
                continue
            if rnd.random() < .55:
                amount = rnd.choice((50000, 100000, 200000, 300000, 500000))
                refs.close(session, receiver, r, sold=True, product_name="稳盈180天理财",
                           amount=str(amount), commission=str(amount * 0.002))
            else:
                refs.close(session, receiver, r, sold=False, note="客户考虑后决定暂不购买")

    # the last evening meetings
    for back in (1, 2, 3):
        day = today - timedelta(days=back)
        meet.save_notes(session, head, day, "部分客户嫌理财收益低；柜面转介话术不统一",
                        "明天主推七天理财，大堂经理每小时做一次举手调查")

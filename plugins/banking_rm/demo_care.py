"""Demo data for after-sale care, through the services: maturity call tasks
(some already called), greeting tasks and special dates, yield watches,
check-ups, value-improvement plans at every status, gifts and approval
requests at both tiers.  Runs on whatever customers ``load_clients`` made."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from core.models import Role, User
from core.services import ServiceError

from .models.clients import FUND, OPEN, WEALTH, BankHolding
from core import clock


def load_care(session, context, clients) -> None:
    if not clients:
        return
    from .services import approvals, calendar, checkups, gifts, maturities, plans, yields

    rnd = random.Random(20261206)
    today = clock.today()
    owners = sorted({c.owner_id for c in clients if c.owner_id})
    managers = [session.get(User, i) for i in owners]
    head = (context.get("bank_people") or {}).get("head") if isinstance(context.get("bank_people"), dict) else None
    if head is None or not isinstance(head, User):
        head = session.scalar(select(User).where(User.roles.any(Role.name == "br_head")).order_by(User.id))
    by_owner: dict[int, list] = {}
    for c in clients:
        by_owner.setdefault(c.owner_id, []).append(c)

    def attempt(fn, *a, **kw):
        try:
            with session.begin_nested():
                return fn(session, *a, **kw)
        except ServiceError:
            return None

    for m in managers:
        mine = by_owner.get(m.id, [])
        attempt(maturities.make_call_tasks, m, today, 30)
        for c in mine[:6]:
            attempt(calendar.add_special_date, c, label=rnd.choice(["结婚纪念日", "子女生日", "开户纪念日"]),
                    on=date(rnd.randint(1995, 2020), (today + timedelta(days=rnd.randint(1, 25))).month,
                            rnd.randint(1, 28)))
        attempt(calendar.make_greeting_tasks, m, today, 30)
        for c in mine[:: max(1, len(mine) // 12) or 1][:12]:
            attempt(checkups.record, c, m, done_on=today - timedelta(days=rnd.randint(20, 400)),
                    findings=rnd.choice(["存款占比过高，收益偏低", "风险偏好与持仓不符", "配置均衡"]),
                    plan="增配稳健型理财与基金定投", follow_up_on=today + timedelta(days=rnd.randint(5, 60)))
        for i, c in enumerate(mine[:3]):
            p = attempt(plans.create, c, m, aum_target=str(rnd.choice([500000, 800000, 1200000])),
                        products="基金定投, 保险", goals="提升资产至金卡门槛，增加产品持有数至三种",
                        due_on=today + timedelta(days=90))
            if p is not None and i >= 1:
                attempt(plans.submit, p, m)
                if i == 2 and head is not None:
                    attempt(plans.review, p, head, decision="approve", comment="同意，按季度回顾")
        for c in mine[:4]:
            attempt(gifts.give, c, m, item=rnd.choice(["雨伞", "台历", "茶叶", "保温杯"]),
                    value=str(rnd.choice([30, 58, 88, 120])), given_on=today - timedelta(days=rnd.randint(1, 60)))
        if mine:
            attempt(approvals.create, mine[0], m, kind="discount", subject="理财产品申购费优惠", value="1.5")
            attempt(approvals.create, mine[-1], m, kind="discount", subject="大额存单利率上浮", value="4")
            attempt(approvals.create, mine[0], m, kind="expense", subject="客户答谢沙龙场地", value="18000")
    # a call already made on a few maturities
    from .models.care import MATURITY, TASK_OPEN, BankCareTask

    tasks = session.execute(select(BankCareTask).where(BankCareTask.kind == MATURITY,
                                                       BankCareTask.status == TASK_OPEN)
                            .order_by(BankCareTask.id).limit(8)).scalars().all()
    for t, outcome in zip(tasks, ["renewed", "moved", "renewed", "withdrawn", "unreachable", "renewed"]):
        user = session.get(User, t.user_id) if t.user_id else head
        if user is not None:
            attempt(maturities.log_call, t, user, outcome=outcome, note="演示")
    # yield watches: the customer was told to expect a little more than the product pays
    held = session.execute(select(BankHolding).where(BankHolding.kind.in_((WEALTH, FUND)),
                                                     BankHolding.status == OPEN,
                                                     BankHolding.yield_rate.is_not(None))
                           .order_by(BankHolding.id).limit(6)).scalars().all()
    for h in held:
        user = head or (managers[0] if managers else None)
        if user is not None:
            attempt(yields.set_watch, h, user, expected=str(round(float(h.yield_rate) * 100 + 0.3, 2)))
    session.flush()

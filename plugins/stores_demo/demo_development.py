"""Demo data of the development work (called by ``demo.load_visits``):
development plans in each status, visits at each step (one follow-up
overdue), receptions, and expense claims submitted, approved, paid and
rejected — all through the services, so the demo obeys the rules.

``store_sales`` develops, ``store_mgr`` approves; a cashier of the store
(``store_cashier``, finance role) pays the approved claims."""
from __future__ import annotations

from datetime import date, timedelta

from core import services as core_services
from core.bootstrap import DEMO_PASSWORD
from plugins.finance import api as finance

from .services import claims, plans, receptions, visits
from core import clock


def load(session, context, accounts) -> None:
    if not accounts:
        return
    users = context["users"]
    dev, mgr = users.get("store_sales"), users.get("store_mgr")
    if dev is None or mgr is None:
        return
    cashier, _ = core_services.create_user(session, "store_cashier", DEMO_PASSWORD, ["finance"],
                                           context.get("store"), "郑洁")
    # the developer's own accounts first: they are the ones the developer sees
    mine = [a for a in accounts if a.owner_id == dev.id] or list(accounts)
    pick = (mine * 4)[:16]
    today = clock.today()
    day = today.isoformat

    def plan(acc, i, status):
        p = plans.create_plan(session, acc, dev, title=f"{acc.name} 开发方案",
                              period_start=(today - timedelta(days=20)).isoformat(),
                              period_end=(today + timedelta(days=70 + i)).isoformat(),
                              forecast_sales=str(60000 + 15000 * i), forecast_profit=str(24000 + 6000 * i),
                              staff_cost="3000", travel_cost="1500", pr_cost="2000",
                              risk_coefficient=("0.20", "0.35", "0.50", "0.30")[i % 4],
                              approach="周年纪念日前上门推荐克拉钻，邀请参加品鉴会")
        if status != "draft":
            plans.submit_plan(session, p, dev)
        if status == "approved":
            plans.approve_plan(session, p, mgr)
        elif status == "rejected":
            plans.reject_plan(session, p, mgr, "预计利润不足以覆盖公关费用，先做关系维护")
        return p

    for i, status in enumerate(("approved", "submitted", "rejected", "draft")):
        plan(pick[i], i, status)
    # revenue for the approved plan: a sale invoiced in finance
    finance.post_invoice(session, pick[0].id, [{"description": "一克拉钻戒 (结婚十周年)",
                                                "unit_price": "52800.00", "quantity": 1}],
                         when=today - timedelta(days=3), source="stores_demo.demo:dev-sale",
                         user=mgr, prices_include_tax=True)

    def visit(acc, upto, visited_days_ago=2):
        v = visits.plan_visit(session, acc, dev, planned_on=(today - timedelta(days=visited_days_ago)).isoformat(),
                              purpose="介绍结婚周年克拉钻与定制服务", people="周婷、刘芳", head_count="2",
                              offers="老客户九五折，免费刻字", pieces_to_show="iPad 图片：克拉钻戒三款",
                              transport="company_car", budget="800")
        steps = [
            ("discussed", lambda: visits.record_discussion(session, v, dev, "先聊天气和近况，礼品用丝巾")),
            ("applied", lambda: visits.apply(session, v, dev)),
            ("approved", lambda: visits.approve(session, v, mgr, "800")),
            ("visited", lambda: visits.record_visit(
                session, v, dev, visited_on=(today - timedelta(days=visited_days_ago)).isoformat(),
                visited_time="10:30", place="客户公司会客室", method="face_to_face",
                key_points="结婚十周年将至，想给太太一个惊喜", customer_views="喜欢简洁款，预算五万左右",
                next_visit_on=(today + timedelta(days=12)).isoformat())),
            ("followed_up", lambda: visits.follow_up(session, v, dev, "电话回访：想到店看实物")),
            ("summarised", lambda: visits.summarise(session, v, dev, "意向明确，安排到店品鉴并接待")),
        ]
        for name, step in steps:
            if v.status == upto:
                break
            step()
        return v

    for i, upto in enumerate(("planned", "discussed", "applied", "approved", "visited")):
        visit(pick[4 + i], upto)
    visit(pick[9], "visited", visited_days_ago=10)  # its week is over: on the overdue list
    rejected = visit(pick[10], "applied")
    visits.reject(session, rejected, mgr, "本月费用已超预算，下月再安排")
    done = [visit(pick[11], "summarised"), visit(pick[0], "summarised", visited_days_ago=5)]

    def reception(acc, upto, dining_out=False):
        r = receptions.request_reception(session, acc, dev, visit_on=day(), visit_time="14:00",
                                         head_count="3", needs="看克拉钻和定制款，夫妇同来")
        steps = [
            ("planned", lambda: receptions.plan_reception(
                session, r, dev, host_id=mgr.id, main_seller_id=dev.id, clerk_id=dev.id,
                dining_out=dining_out, senior_leader_id=mgr.id if dining_out else None, budget="600")),
            ("approved", lambda: receptions.approve(session, r, mgr)),
            ("received", lambda: receptions.record_reception(session, r, dev)),
            ("reported", lambda: receptions.report(session, r, dev,
                                                   buying_experience="商务室环境好，品鉴前讲解让客户放心",
                                                   outcome="预订定制钻戒一枚")),
        ]
        for name, step in steps:
            if r.status == upto:
                break
            step()
        return r

    reception(pick[12], "requested")
    reception(pick[13], "planned", dining_out=True)
    reception(pick[14], "received")
    reported = reception(pick[0], "reported")

    def claim(record, category, amount, text, **kw):
        return claims.file_claim(session, dev, category=category, amount=amount, description=text,
                                 spent_on=day(), **kw)

    paid = claim(done[1], "travel", "356.00", "公司车油费与停车费", visit=done[1])
    claims.approve_claim(session, paid, mgr)
    claims.pay_claim(session, paid, cashier)
    approved = claim(reported, "entertainment", "486.50", "商务室茶点与伴手礼", reception=reported)
    claims.approve_claim(session, approved, mgr)
    claim(done[0], "gift", "268.00", "丝巾小礼品与手提袋", visit=done[0])  # waiting for approval
    no_receipt = claim(done[0], "travel", "120.00", "打车", visit=done[0])
    claims.reject_claim(session, no_receipt, mgr, "没有发票")
    session.flush()

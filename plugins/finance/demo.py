"""Demo data for the Hangzhou office: a year of invoices, payments (some
late, some prepaid), credit lines, credit notes, rebates in every state,
monthly statements with the customers' answers, budgets, expenses and
accruals — all posted through the same services as real work, so the books
balance and the hash chain verifies.

Runs after the customers demo (``context["customers"]["office"]``) and
before the dealers demo, whose season of orders then goes through the same
credit check.  The lock date closes the books up to six months ago, once
everything is posted.
"""
from __future__ import annotations

import io
import random
from calendar import monthrange
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from plugins.customers.api import ACTIVE, Customer

from .models import Invoice
from .services import budgets, chart, credit, receivables, ledger, rebates, statements
from .services.ledger import LineSpec
from core import clock

PDF = b"%PDF-1.4\n% Qudao demo rebate evidence\n%%EOF\n"
PRODUCTS = [("55寸 4K 液晶电视", "3299.00"), ("65寸 智能电视", "4999.00"),
            ("43寸 液晶电视", "1699.00"), ("对开门冰箱", "3899.00"), ("滚筒洗衣机", "2499.00"),
            ("1.5匹 变频空调", "2999.00")]
EXPENSES = [("660101", "差旅费", 800, 3000), ("660102", "业务招待费", 500, 2500),
            ("660103", "促销活动费", 2000, 9000), ("660104", "运输费", 1000, 4000)]


def _month_start(d: date, back: int) -> date:
    y, m = d.year, d.month - back
    while m <= 0:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def _month_end(d: date) -> date:
    return date(d.year, d.month, monthrange(d.year, d.month)[1])


def load(session, context: dict) -> None:
    rnd = random.Random(8848)
    users = context["users"]
    fin = users["finance"]
    office = context["office"]
    today = clock.today()
    chart.ensure_setup(session)
    ids = context.get("customers", {}).get("office", [])
    active = session.execute(select(Customer).where(Customer.id.in_(ids), Customer.status == ACTIVE)
                             .order_by(Customer.id)).scalars().all()
    if not active:
        return
    traders = active[:24]
    _credit_lines(session, traders, rnd, today, fin)
    year_ago = _month_start(today, 12)
    _opening(session, traders[:12], rnd, year_ago - timedelta(days=1), fin)
    _trading(session, traders, rnd, year_ago, today, fin)
    _credit_notes(session, traders, rnd, today, fin)
    _rebates(session, traders, rnd, today, users)
    _budgets_and_expenses(session, office, users, rnd, today, fin)
    _statements(session, traders[:16], rnd, today, users)
    ledger.set_lock_date(session, _month_start(today, 6) - timedelta(days=1), user_id=fin.id)
    session.flush()
    context.setdefault("finance", {})["customers"] = [c.id for c in traders]


def _credit_lines(session, customers, rnd, today, fin) -> None:
    """Seed 000 §四.5.A: short, frequent, fast credit for good customers only."""
    for i, c in enumerate(customers):
        if i % 5 in (0, 1):
            days = rnd.choice([15, 30, 30, 45])
            valid = today + timedelta(days=rnd.randrange(60, 300))
            if i % 13 == 0:
                valid = today - timedelta(days=rnd.randrange(5, 40))  # expired: prepayment again
            credit.set_profile(session, c.id, credit_limit=Decimal(rnd.randrange(5, 30) * 10000),
                               terms="net", term_days=days, valid_until=valid,
                               note="资信良好：门店自有，经营稳定", user=fin)


def _opening(session, customers, rnd, day, fin) -> None:
    for c in customers:
        if rnd.random() < .75:
            receivables.post_invoice(session, c.id, [{"description": "期初应收（旧系统）",
                                               "unit_price": Decimal(rnd.randrange(20, 300) * 100)}],
                              when=day, due_date=day + timedelta(days=30), kind="opening",
                              external_ref=f"JX-{c.id:05d}", apply_prepayment=False, user=fin)
        else:
            receivables.record_payment(session, c.id, Decimal(rnd.randrange(10, 80) * 100), when=day,
                                method="opening", reference=f"YS-{c.id:05d}", memo="期初预收")


def _invoice_lines(rnd) -> list[dict]:
    return [{"description": name, "unit_price": price, "quantity": rnd.randrange(2, 12)}
            for name, price in rnd.sample(PRODUCTS, rnd.randrange(1, 3))]


def _trading(session, customers, rnd, start, today, fin) -> None:
    """Twelve months: credit customers buy and pay on terms, some late;
    prepayment customers pay first, then take the goods."""
    from .models import CreditProfile

    for c in customers:
        profile = session.get(CreditProfile, c.id)
        net = profile is not None and profile.terms == "net"
        late = rnd.random() < .3
        day = start + timedelta(days=rnd.randrange(0, 20))
        while day < today - timedelta(days=3):
            lines = _invoice_lines(rnd)
            amount = sum(Decimal(ln["unit_price"]) * ln["quantity"] for ln in lines)
            if not net:
                receivables.record_payment(session, c.id, amount, when=day, user=fin,
                                    reference=f"工行回单 {rnd.randrange(10**7, 10**8)}",
                                    memo="预付货款")
            inv = receivables.post_invoice(session, c.id, lines, when=day, user=fin,
                                    description="销售出库")
            if net:
                delay = profile.term_days + (rnd.randrange(20, 90) if late else rnd.randrange(-10, 8))
                pay_day = inv.date + timedelta(days=max(delay, 1))
                if pay_day < today and rnd.random() < .93:
                    receivables.record_payment(session, c.id, inv.amount, when=pay_day, user=fin,
                                        method="bank" if rnd.random() < .9 else "cash",
                                        reference=f"回款 {inv.number}", allocations="auto")
            day += timedelta(days=rnd.randrange(25, 55))


def _credit_notes(session, customers, rnd, today, fin) -> None:
    for c in rnd.sample(customers, 8):
        inv = session.execute(select(Invoice).where(Invoice.customer_id == c.id)
                              .order_by(Invoice.id.desc()).limit(1)).scalar_one_or_none()
        if inv is None:
            continue
        kind, reason = rnd.choice([("price_adjust", "调价补差：出厂价下调后的库存补差"),
                                   ("offset", "冲差：运费差额"),
                                   ("return", "退货：运输破损 1 台")])
        amount = min(inv.amount, Decimal(rnd.randrange(2, 15) * 100))
        receivables.post_credit_note(session, c.id, kind, amount, reason=reason,
                              when=max(inv.date, today - timedelta(days=rnd.randrange(5, 60))),
                              invoice_id=inv.id, user=fin)


def _rebates(session, customers, rnd, today, users) -> None:
    """Claims in every state; some redeemed late, which the timeliness report shows."""
    sales = [users["sales1"], users["sales2"]]
    mgr, fin = users["manager"], users["finance"]
    for i, c in enumerate(rnd.sample(customers, 18)):
        months_back = rnd.randrange(1, 7)
        start = _month_start(today, months_back)
        kind = "sales_subsidy" if i % 3 else "price_drop"
        lines = [{"product": name, "quantity": rnd.randrange(5, 40),
                  "unit_amount": rnd.choice(["30.00", "50.00", "80.00", "120.00"])}
                 for name, _p in rnd.sample(PRODUCTS, rnd.randrange(1, 3))]
        claim = rebates.create_claim(session, c.id, kind, period_start=start,
                                     period_end=_month_end(start), lines=lines,
                                     note="季度销量达标返利" if kind == "sales_subsidy" else
                                     "厂家降价，在库机补差", user=rnd.choice(sales))
        if i % 9 == 8:
            continue  # still a draft
        rebates.add_evidence(session, claim, io.BytesIO(PDF), f"{claim.number}-销售明细.pdf")
        rebates.submit_claim(session, claim, user=session.get(type(mgr), claim.created_by))
        if i % 9 == 7:
            continue  # waiting for the manager
        approved = min(_month_end(start) + timedelta(days=rnd.randrange(3, 15)), today)
        if i % 9 == 6:
            rebates.reject_claim(session, claim, user=mgr, note="依据不足：缺少销售出库单")
            continue
        rebates.approve_claim(session, claim, user=mgr, when=approved)
        if i % 9 in (4, 5):
            continue  # approved, to be redeemed
        redeem = min(approved + timedelta(days=rnd.choice([7, 12, 20, 45, 60])), today)
        rebates.redeem_claim(session, claim, method="credit_note" if i % 2 else "payment",
                             user=fin, when=redeem, reference=f"返利付款 {claim.number}")


def _budgets_and_expenses(session, office, users, rnd, today, fin) -> None:
    people = [users["sales1"], users["sales2"]]
    for back in (2, 1, 0):
        m = _month_start(today, back)
        budgets.set_budget(session, org_unit_id=office.id, owner_id=None, year=m.year,
                           month=m.month, kind="sales", amount=Decimal("1800000"))
        budgets.set_budget(session, org_unit_id=office.id, owner_id=None, year=m.year,
                           month=m.month, kind="collections", amount=Decimal("1600000"))
        for p in people:
            budgets.set_budget(session, org_unit_id=office.id, owner_id=p.id, year=m.year,
                               month=m.month, kind="sales", amount=Decimal("700000"))
        for code, _name, low, high in EXPENSES:
            acc = chart.account(session, code)
            budgets.set_budget(session, org_unit_id=office.id, owner_id=None, year=m.year,
                               month=m.month, kind="expense", account_id=acc.id,
                               amount=Decimal(high * 2))
            for p in people:
                day = min(m + timedelta(days=rnd.randrange(3, 27)), today)
                amt = Decimal(rnd.randrange(low, high))
                ledger.post_entry(session, "GEN", day, [
                    LineSpec(code, debit=amt, memo=f"{p.display_name} 报销"),
                    LineSpec(chart.BANK, credit=amt, memo="报销付款"),
                ], memo=f"费用报销：{_name}（{p.display_name}）", unit_id=office.id,
                    salesperson_id=p.id, user_id=fin.id)
    last_end = _month_start(today, 0) - timedelta(days=1)
    budgets.post_accrual(session, org_unit_id=office.id, owner_id=users["sales1"].id,
                         account_code="660103", amount=Decimal("6800"),
                         description="月末促销员工资及场地费，发票未到", when=last_end, user=fin)
    budgets.post_accrual(session, org_unit_id=office.id, owner_id=None, account_code="660104",
                         amount=Decimal("3200"), description="本月物流运费，对账单下月到",
                         when=last_end, user=fin)


def _statements(session, customers, rnd, today, users) -> None:
    """The last three months' statements; most confirmed, some disputed."""
    fin, sales = users["finance"], users["sales1"]
    pdfs = 0
    for back in (3, 2, 1):
        period = statements.period_of(_month_start(today, back))
        for c in customers:
            st = statements.issue(session, c.id, period, user=fin)
            # Sent two days after the month closed, as the office would have.
            st.issued_at = datetime.combine(st.end + timedelta(days=2), time(1, 0))  # 09:00 in Beijing, stored in UTC
            if back == 1 and pdfs < 4:
                statements.attach_pdf(session, st, fin)  # archived copies to download
                pdfs += 1
            if back == 1 and rnd.random() < .35:
                continue  # not answered yet
            moves = statements.movements(session, c.id, st.start, st.end, Decimal("0"))
            if moves and rnd.random() < .12:
                statements.record_answer(session, st, answer="disputed",
                                         disputes=[(moves[-1]["entry_id"], "金额与我方记录不符，少记返利")],
                                         by_name=c.legal_person or "老板", user=sales,
                                         answered_on=min(st.end + timedelta(days=6), today))
                if back == 3:
                    statements.resolve_dispute(session, st.disputes[0],
                                               resolution="核对后确认我方记录无误，客户已认可",
                                               user=fin)
            else:
                statements.record_answer(session, st, answer="confirmed",
                                         by_name=c.legal_person or "老板", user=sales,
                                         answered_on=min(st.end + timedelta(days=rnd.randrange(3, 12)),
                                                         today))

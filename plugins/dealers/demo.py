"""Demo data for the Hangzhou office (runs after customers and finance):
the product range and price lists, dealer profiles and terminals, a season
of prepaid orders invoiced in finance, monthly stock reports, sample units
with counts, returned units, promotions, promoters, surveys, a cross-region
incident and rebate claims.  Everything goes through the services, so the
demo obeys the same rules as a user."""
from __future__ import annotations

import io
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select

from plugins.customers.api import ACTIVE, Customer
from plugins.finance import api as finance

from .demo_market import load_market
from .models.network import DEALER_KINDS
from .services import catalog, network, stock
from .services import orders as order_svc
from .services.common import period_of
from core import clock

PRODUCTS = [  # model, name, category, list price, floor price, dealer price, status
    ("43E2", "43英寸 全高清智能电视", "tv", "1599", "1250", "1320", "normal"),
    ("50E3", "50英寸 4K 智能电视", "tv", "2299", "1800", "1900", "normal"),
    ("55A5", "55英寸 4K 护眼电视", "tv", "3299", "2600", "2750", "main_push"),
    ("65A5", "65英寸 4K 护眼电视", "tv", "4599", "3650", "3850", "main_push"),
    ("65Q7", "65英寸 MiniLED 电视", "tv", "6999", "5600", "5900", "new"),
    ("75Q7", "75英寸 MiniLED 电视", "tv", "9999", "8000", "8400", "new"),
    ("55E1", "55英寸 老款 LED 电视", "tv", "2599", "1900", "2050", "eol"),
    ("BCD-520", "520升 对开门冰箱", "fridge", "3499", "2750", "2900", "normal"),
    ("XQG100", "10公斤 滚筒洗衣机", "washer", "2499", "1950", "2050", "normal"),
    ("KFR-35", "1.5匹 变频空调", "aircon", "2999", "2350", "2480", "main_push"),
]
PDF = b"%PDF-1.4\n% Qudao demo evidence\n%%EOF\n"


def load(session, context: dict) -> None:
    rnd = random.Random(6006)
    today = clock.today()
    users = context["users"]
    products = _catalog(session, today)
    dealers = _dealers(session, context)
    terminals = _network(session, dealers, rnd)
    season_start = today - timedelta(days=120)
    shipped = _orders(session, context, dealers[:30], products, rnd, season_start, today)
    _stock_reports(session, users, shipped, rnd, season_start, today)
    load_market(session, context, dealers, terminals, products, rnd, today, dealers[:30])
    session.flush()
    context.setdefault("dealers", {}).update(
        dealers=[d.id for d in dealers], products={p.model: p.id for p in products})


def _catalog(session, today: date):
    out = []
    member = catalog.save_price_list(session, None, name=f"{today.year} 会员客户价",
                                     valid_from=date(today.year - 1, 1, 1), dealer_kind="member")
    general = catalog.save_price_list(session, None, name=f"{today.year} 经销价",
                                      valid_from=date(today.year - 1, 1, 1))
    for model, name, cat, lp, fp, dp, status in PRODUCTS:
        p = catalog.save_product(session, None, model=model, name=name, category=cat, list_price=lp,
                                 floor_price=fp, status=status)
        catalog.set_price(session, general, p, dp)
        # Members buy 2 % below the general dealer price (price-list margin, seed 000 §三.3.C).
        catalog.set_price(session, member, p, (Decimal(dp) * Decimal("0.98")).quantize(Decimal("1")))
        out.append(p)
    return out


def _dealers(session, context) -> list[Customer]:
    ids = context.get("customers", {}).get("office", [])
    rows = session.execute(select(Customer).where(
        Customer.id.in_(ids), Customer.status == ACTIVE, Customer.kind.in_(DEALER_KINDS))
        .order_by(Customer.grade, Customer.id)).scalars().all()
    return list(rows)


def _network(session, dealers, rnd) -> list:
    terminals = []
    for i, c in enumerate(dealers):
        network.save_profile(
            session, c, multi_brand="on" if rnd.random() < .45 else "",
            member_fee="20000" if c.kind == "member" else "0",
            agreement_no=f"JX{clock.today().year}-{i + 1:03d}",
            agreement_start=date(clock.today().year, 1, 1).isoformat(),
            agreement_end=date(clock.today().year, 12, 31).isoformat(),
            annual_target_amount=str(rnd.choice([300000, 500000, 800000, 1200000])),
            annual_target_units=str(rnd.choice([120, 200, 300, 450])),
            main_push_share_pct=str(rnd.choice([30, 40, 50])))
        main = network.save_terminal(session, c, None, name=f"{c.name}", address=c.address,
                                     town="" if rnd.random() < .5 else c.town,
                                     floor_area=str(rnd.choice([120, 200, 350, 600])),
                                     has_signage=rnd.random() < .8,
                                     display_state=rnd.choice(["good", "good", "worn", "none"]))
        terminals.append(main)
        if rnd.random() < .25:
            terminals.append(network.save_terminal(
                session, c, None, name=f"{c.name}{c.town}分店", address=f"{c.town}商业街{rnd.randrange(1, 99)}号",
                town=c.town, floor_area="90", has_signage=rnd.random() < .5, display_state="worn"))
    return terminals


def _orders(session, context, dealers, products, rnd, start: date, today: date) -> dict:
    """A season of orders: each prepaid (先款后货) and invoiced on confirmation."""
    users = context["users"]
    fin, mgr = users["finance"], users["manager"]
    sellable = [p for p in products if p.status != "eol"]
    shipped: dict = defaultdict(list)  # (customer, product) -> [(day, qty)]
    for c in dealers:
        owner = session.get(type(mgr), c.owner_id) or mgr
        size = rnd.choice([1, 1, 2, 3])
        day = start + timedelta(days=rnd.randrange(0, 20))
        while day < today - timedelta(days=2):
            o = order_svc.create_order(session, c, owner, order_date=day)
            for p in rnd.sample(sellable, rnd.randrange(1, 4)):
                qty = rnd.randrange(2, 8) * size
                discount = "0" if rnd.random() < .85 else str(rnd.choice([2, 3, 5]))
                order_svc.add_line(session, o, p, qty, discount)
            if rnd.random() < .08 and day > today - timedelta(days=10):
                continue  # a draft the salesperson has not confirmed yet
            if o.below_floor:
                order_svc.approve_below_floor(session, o, mgr, "季末清库存，经理特批折扣")
            _prepay(session, c, o, day, fin)
            try:
                order_svc.confirm_order(session, o, owner, on=day)
            except finance.CreditBlocked:
                # Finance's own demo history (e.g. an overdue invoice) may block:
                # the office manager lets the prepaid order through, on record.
                order_svc.confirm_order(session, o, mgr, on=day,
                                        override_reason="演示：已全额预付，经理特批发货")
            for ln in o.lines:
                shipped[(c.id, ln.product_id)].append((day, ln.quantity))
            _paper_trail(session, o, rnd, today)
            day += timedelta(days=rnd.randrange(18, 40))
    return shipped


def _prepay(session, c, o, day: date, fin) -> None:
    """先款后货: top up the prepaid balance in round sums when it falls short."""
    st = finance.credit_status(session, c.id, o.total)
    short = o.total - max(st.available, Decimal("0"))
    if st.terms == "prepayment" and short > 0:
        amount = (short / 20000).to_integral_value(rounding=ROUND_CEILING) * 20000
        finance.record_payment(session, c.id, amount, when=day, user=fin,
                               reference=f"银行回单 {o.number}", memo="预付货款")


def _paper_trail(session, o, rnd, today: date) -> None:
    from core.attachments import save

    age = (today - o.confirmed_on).days
    if age > 3 and rnd.random() < .85:
        signed = o.confirmed_on + timedelta(days=rnd.randrange(0, min(age, 6) + 1))
        att = save(session, io.BytesIO(PDF), f"{o.number}-签字.pdf", res_table="dealers_order",
                   res_id=o.id, purpose="signed_slip", org_unit_id=o.customer.org_unit_id)
        order_svc.record_signature(session, o, signer=o.customer.legal_person or "老板",
                                   signed_on=signed, stamped=True, scan_id=att.id)
    if age > 5 and rnd.random() < .75:
        back = o.confirmed_on + timedelta(days=rnd.randrange(3, min(age, 14) + 1))
        att = save(session, io.BytesIO(PDF), f"{o.number}-签收单.pdf", res_table="dealers_order",
                   res_id=o.id, purpose="receipt_slip", org_unit_id=o.customer.org_unit_id)
        order_svc.record_invoice_delivered(session, o, o.confirmed_on + timedelta(days=2))
        order_svc.record_receipt(session, o, returned_on=back, scan_id=att.id)


def _stock_reports(session, users, shipped: dict, rnd, start: date, today: date) -> None:
    """Month-end counts: each dealer sells part of what it holds."""
    from .models import DealerProduct

    by_dealer: dict[int, list[int]] = defaultdict(list)
    for cid, pid in shipped:
        by_dealer[cid].append(pid)
    month_ends = []
    d = date(start.year, start.month, 1)
    while True:
        nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        end = nxt - timedelta(days=1)
        if end >= today:
            break
        month_ends.append(end)
        d = nxt
    month_ends.append(today - timedelta(days=1))
    for cid, pids in by_dealer.items():
        customer = session.get(Customer, cid)
        reporter = users["sales1"] if customer.owner_id == users["sales1"].id else users["sales2"]
        on_hand = {pid: 0 for pid in pids}
        last = start - timedelta(days=1)
        for end in month_ends:
            rows = []
            for pid in pids:
                arrived = sum(q for day, q in shipped[(cid, pid)] if last < day <= end)
                have = on_hand[pid] + arrived
                sold = min(have, int(have * rnd.uniform(.35, .8)))
                on_hand[pid] = have - sold
                product = session.get(DealerProduct, pid)
                price = (product.list_price * Decimal(rnd.choice(["0.92", "0.95", "0.97"]))).quantize(Decimal("1"))
                rows.append({"product": product, "sold": sold, "stock": have - sold, "price": price})
            stock.record_report(session, customer, reporter, report_date=end,
                                source="monthly" if end.day > 27 else "visit", rows=rows,
                                note=f"{period_of(end)} 进销存")
            last = end

"""Demo data of the pieces area: thirty days of gold prices, the boutique's
stock, and — when there are key accounts — reservations, sales, custom
orders at every stage and after-sale jobs.  Everything goes through the
services, so the demo obeys the same rules as a user."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from .services import after_sale, custom_orders, pieces
from core import clock

BASE = {"Au999": Decimal("548.00"), "18K": Decimal("418.00"), "Pt950": Decimal("236.00")}

STOCK = [  # sku, name, style, metal, gross, net, stone, carat, colour, clarity, cut, lab, cert, pricing, tag, labour
    ("AU-R001", "足金素圈戒指", "ring", "Au999", "4.200", "4.200", None, None, None, None, None, None, None, "weight", None, "180"),
    ("AU-B002", "足金古法手镯", "bangle", "Au999", "30.500", "30.500", None, None, None, None, None, None, None, "weight", None, "1200"),
    ("AU-N003", "足金福字吊坠", "pendant", "Au999", "3.100", "3.100", None, None, None, None, None, None, None, "weight", None, "150"),
    ("AU-C004", "足金马鞭链", "necklace", "Au999", "12.800", "12.800", None, None, None, None, None, None, None, "weight", None, "400"),
    ("18K-R101", "18K金一克拉钻戒", "ring", "18K", "3.600", "3.100", "钻石", "1.010", "E", "VS1", "EX", "GIA", "GIA-2245871031", "tag", "68800", None),
    ("18K-R102", "18K金五十分钻戒", "ring", "18K", "3.200", "2.800", "钻石", "0.502", "F", "VS2", "VG", "NGTC", "NGTC-A2026-00102", "tag", "21800", None),
    ("18K-R103", "18K金周年纪念钻戒", "ring", "18K", "3.800", "3.300", "钻石", "0.700", "G", "SI1", "EX", "NGTC", "NGTC-A2026-00103", "tag", "32600", None),
    ("18K-N104", "18K金钻石项链", "necklace", "18K", "5.400", "4.900", "钻石", "0.300", "F", "VS1", "EX", "NGTC", "NGTC-A2026-00104", "tag", "12900", None),
    ("18K-E105", "18K金钻石耳钉", "earring", "18K", "1.800", "1.500", "钻石", "0.400", "G", "VS2", "VG", "NGTC", "NGTC-A2026-00105", "tag", "9800", None),
    ("18K-R106", "18K金红宝石戒指", "ring", "18K", "4.100", "3.500", "红宝石", "1.200", None, None, None, "NGTC", "NGTC-A2026-00106", "tag", "26500", None),
    ("PT-R201", "铂金对戒（女）", "ring", "Pt950", "4.600", "4.600", None, None, None, None, None, None, None, "weight", None, "600"),
    ("PT-R202", "铂金对戒（男）", "ring", "Pt950", "6.200", "6.200", None, None, None, None, None, None, None, "weight", None, "700"),
    ("PT-N203", "铂金钻石吊坠", "pendant", "Pt950", "2.900", "2.600", "钻石", "0.250", "F", "VS1", "EX", "NGTC", "NGTC-A2026-00203", "tag", "8600", None),
    ("18K-B107", "18K金翡翠手链", "bracelet", "18K", "9.800", "6.500", "翡翠", None, None, None, None, "NGTC", "NGTC-A2026-00107", "tag", "45800", None),
    ("18K-R108", "18K金两克拉钻戒", "ring", "18K", "4.400", "3.700", "钻石", "2.030", "D", "VVS2", "EX", "GIA", "GIA-6225570012", "tag", "268000", None),
]


def _user(context, name):
    return context.get("users", {}).get(name)


def load_pieces(session, context, accounts) -> None:
    today = clock.today()
    for i in range(30, -1, -1):
        day = today - timedelta(days=i)
        for metal, base in BASE.items():
            wobble = Decimal((i * 7 + len(metal) * 3) % 11 - 5) * Decimal("1.30")
            pieces.set_gold_price(session, day_raw=day, metal_raw=metal, price_raw=base + wobble)
    ids = {}
    for row in STOCK:
        (sku, name, style, metal, gross, net, stone, carat, colour, clarity, cut, lab, cert, pricing, tag,
         labour) = row
        p = pieces.save_piece(session, None, {
            "sku": sku, "name": name, "style": style, "metal": metal, "gross_weight": gross,
            "net_weight": net, "stone": stone, "carat": carat, "colour": colour, "clarity": clarity,
            "cut": cut, "certificate_lab": lab, "certificate_no": cert, "pricing": pricing,
            "tag_price": tag, "labour_fee": labour})
        ids[sku] = p.id
    if not accounts:
        return
    mgr, sales = _user(context, "store_mgr"), _user(context, "store_sales")
    acc = [a.id for a in accounts]
    pick = lambda i: acc[i % len(acc)]  # noqa: E731
    # reservations and sales
    pieces.reserve(session, ids["18K-R103"], pick(0), sales, today=today - timedelta(days=2))
    pieces.reserve(session, ids["PT-R201"], pick(1), sales, today=today - timedelta(days=1))
    for k, (sku, days_ago) in enumerate((("18K-R102", 20), ("AU-B002", 12), ("18K-E105", 6), ("18K-N104", 3))):
        pieces.sell(session, ids[sku], pick(k + 2), sales, today=today - timedelta(days=days_ago))
    # custom orders, one per stage
    briefs = ["结婚十周年克拉钻戒，铂金六爪镶", "女儿成人礼足金手镯，刻生辰", "企业周年纪念金章 20 枚",
              "翡翠吊坠改镶 18K 金", "父母金婚纪念对戒", "定制家族徽章胸针"]
    stages = ["brief", "design_approved", "production", "qc", "ready", "delivered"]
    for k, (brief, stage) in enumerate(zip(briefs, stages)):
        on = today - timedelta(days=25 - k * 3)
        metal = ("Pt950", "Au999", "Au999", "18K", "Au999", "18K")[k]
        o = custom_orders.create_order(session, pick(k + 6), {
            "brief": brief, "metal": metal, "estimated_weight": str(6 + k * 2), "labour_fee": "800",
            "stones_price": "12000" if metal in ("Pt950", "18K") else "0",
            "stones": "钻石" if metal in ("Pt950", "18K") else "", "due_date": on + timedelta(days=40)},
            sales, today=on)
        if stage == "brief":
            continue
        low, _high = custom_orders.deposit_bounds(session, o)
        custom_orders.take_deposit(session, o, low, sales, today=on)
        for st in stages[1:stages.index(stage) + 1]:
            if st == "delivered":
                custom_orders.deliver(session, o, Decimal(6 + k * 2) + Decimal("0.350"), mgr,
                                      today=today - timedelta(days=1))
            else:
                custom_orders.advance(session, o, st, mgr)
    # after-sale jobs
    sold_cert = "NGTC-A2026-00102"
    r = after_sale.take_in(session, pick(2), {"kind": "cleaning", "description": "18K金五十分钻戒",
                                              "certificate_no": sold_cert, "estimate": "0"}, sales,
                           today=today - timedelta(days=5))
    after_sale.approve(session, r, sales)
    r = after_sale.take_in(session, pick(3), {"kind": "repair", "description": "足金手镯变形",
                                              "condition_notes": "镯身轻微变形，表面划痕", "declared_value": "18000",
                                              "estimate": "200"}, sales, today=today - timedelta(days=4))
    after_sale.approve(session, r, sales)
    after_sale.mark_ready(session, r, sales)
    r = after_sale.take_in(session, pick(2), {"kind": "appraisal", "description": "18K金五十分钻戒",
                                              "certificate_no": sold_cert}, sales, today=today - timedelta(days=3))
    after_sale.finish(session, r, "18K 金，主石天然钻石 0.50ct，与证书相符", mgr)
    after_sale.take_in(session, pick(4), {"kind": "buy_back", "description": "外店足金项链", "metal": "Au999",
                                          "net_weight": "15.000"}, sales, today=today)
    after_sale.take_in(session, pick(5), {"kind": "trade_in", "description": "旧款铂金戒指", "metal": "Pt950",
                                          "net_weight": "5.000", "condition_notes": "磨损较重"}, sales, today=today)

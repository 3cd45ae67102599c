"""Demo data, second half: sample units and their counts, returned units,
promoters and assessments, promotions, surveys, a cross-region incident and
rebate claims filed into finance."""
from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from .models import DealerOrder, ShipmentSerial
from .models.samples import ON_REGISTER
from .services import crossregion, market, network, promoters, promotions, rebates, samples
from .services import orders as order_svc
from .services.common import month_periods

PDF = b"%PDF-1.4\n% Qudao demo evidence\n%%EOF\n"
COMPETITORS = [("海信", "E7K、U8", "55寸主力价 2999，比我们低 200", "以旧换新补贴 300"),
               ("TCL", "Q10K、T7", "MiniLED 65寸 5499", "乡镇巡展，送货到家"),
               ("小米", "Redmi A55", "线上同价，门店不赚钱", "几乎没有活动投入")]


def load_market(session, context, dealers, terminals, products, rnd, today: date, buyers) -> None:
    users = context["users"]
    mgr, s1 = users["manager"], users["sales1"]
    by_model = {p.model: p for p in products}
    _samples(session, terminals, products, rnd, today, mgr)
    _returned(session, dealers, products, rnd, today)
    _promoters(session, terminals, rnd, today)
    _promotions(session, buyers or dealers[:6], s1, by_model, today)
    _surveys(session, dealers, s1, rnd, today)
    _incident(session, dealers, users["sales2"], today)
    _rebates(session, dealers[:5], s1, by_model, today)


def _samples(session, terminals, products, rnd, today, mgr) -> None:
    tvs = [p for p in products if p.category == "tv" and p.status != "eol"]
    n = 0
    for t in terminals:
        for p in rnd.sample(tvs, rnd.randrange(1, 4)):
            n += 1
            samples.register_sample(session, t, p, serial_no=f"YJ{today.year}{n:05d}",
                                    placed_on=today - timedelta(days=rnd.randrange(40, 300)))
    session.flush()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=20)
    for i, t in enumerate(terminals):
        units = session.execute(select(samples.SampleUnit).where(
            samples.SampleUnit.terminal_id == t.id,
            samples.SampleUnit.state.in_(ON_REGISTER))).scalars().all()
        if not units:
            continue
        results = {u.id: ("found", "") for u in units}
        if i % 17 == 3:
            results[units[0].id] = ("missing", "客户说借给亲戚婚礼用")
        if i % 23 == 5:
            results[units[-1].id] = ("damaged", "屏幕划伤")
        samples.record_count(session, t, mgr, count_date=last_month, results=results)
        if i % 3 != 0 and today.day > 3:  # about a third still to count this month
            samples.record_count(session, t, mgr, count_date=today - timedelta(days=rnd.randrange(0, 3)),
                                 results={u.id: ("found", "") for u in units
                                          if u.state in ON_REGISTER})
    if len(terminals) > 3:
        unit = session.execute(select(samples.SampleUnit).where(
            samples.SampleUnit.terminal_id == terminals[1].id,
            samples.SampleUnit.state == "display")).scalars().first()
        if unit is not None:
            samples.transfer_sample(session, unit, terminals[2], mgr, reason="新店开业，临时借调样机",
                                    transferred_on=today - timedelta(days=12))


def _returned(session, dealers, products, rnd, today) -> None:
    faults = ["开机无图像", "遥控器失灵", "运输磕碰", "WiFi 连接不上", "压缩机异响"]
    for i, c in enumerate(dealers[:12]):
        u = samples.register_returned(session, c, rnd.choice(products), kind=rnd.choice(["returned", "repair"]),
                                      received_on=today - timedelta(days=rnd.randrange(2, 40)),
                                      serial_no=f"SH{rnd.randrange(10**7, 10**8)}", fault=rnd.choice(faults))
        if i % 3 == 0:
            samples.advance_returned(session, u, "in_repair", on=u.received_on + timedelta(days=1))
        if i % 4 == 0:
            samples.advance_returned(session, u, "back_to_dealer", on=min(today, u.received_on + timedelta(days=6)))


def _promoters(session, terminals, rnd, today) -> None:
    names = ["王丽", "陈静", "刘芳", "赵敏", "孙悦", "周婷", "吴倩", "郑洁", "钱琳", "冯雪", "蒋欣", "沈燕"]
    periods = month_periods(today.replace(day=1) - timedelta(days=1), 3)
    for i, t in enumerate(terminals[:12]):
        p = network.save_promoter(session, t, None, name=names[i], phone=f"138{rnd.randrange(10**8):08d}",
                                  hired_on=(today - timedelta(days=rnd.randrange(120, 900))).isoformat(),
                                  temporary="on" if i == 11 else "")
        weak = i in (4, 9)
        for period in periods:
            target = rnd.choice([20, 25, 30])
            sold = int(target * (rnd.uniform(.3, .55) if weak else rnd.uniform(.75, 1.3)))
            promoters.record_month(session, p, period=period, target_units=target, sold_units=sold,
                                   main_push_units=int(sold * rnd.uniform(.3, .6)))


def _promotions(session, dealers, user, by_model, today) -> None:
    if not dealers:
        return
    # Last full month, so the month-end stock reports of the campaign and of
    # the baseline month before it give the summary real figures.
    end = today.replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)
    best = _best_month(session, dealers, start, end)
    done = promotions.create_promotion(
        session, best, user, title="金秋换新月 护眼电视特卖", triggers=["holiday", "price_cut"],
        start_date=start.isoformat(), end_date=end.isoformat(), budget="12000")
    steps = [("survey", "竞品海信以旧换新补贴 300；县城两家大卖场国庆都有活动", {}),
             ("plan", "", {"when_where": "整月，县城总店及门前广场（周末外展）", "form": "特价 + 抽奖 + 以旧换新",
                           "benefit_points": "55A5 直降 300，65A5 送挂架", "staffing": "导购 2 人，临促 4 人，业务员现场",
                           "budget": "12000"}),
             ("communication", "客户同意承担一半场地费", {"agreement_signed": True, "dealer_contact": "老板"}),
             ("release", "", {"channels": ["sms", "flyers", "posters"]}),
             ("execution", "", {"items": ["outdoor", "samples", "dealer_staff"]}),
             ("summary", "", {"cost": "10850", "lessons": "短信带来的客流最多；抽奖礼品要提前备足"})]
    for code, notes, data in steps:
        day = start - timedelta(days=10) if code in ("survey", "plan", "communication") else start
        promotions.record_step(session, done, code, user, done_on=end if code == "summary" else day,
                               notes=notes, data=data)
    running = promotions.create_promotion(
        session, dealers[1 % len(dealers)], user, title="新品 MiniLED 上市巡展", triggers=["new_product"],
        start_date=(today + timedelta(days=10)).isoformat(), end_date=(today + timedelta(days=12)).isoformat(),
        budget="6000")
    promotions.record_step(session, running, "survey", user, notes="乡镇客户对大屏兴趣高，价格敏感")
    promotions.record_step(session, running, "plan", user, data={
        "when_where": "周末两天，乡镇集市", "form": "外展 + 现场演示", "benefit_points": "65Q7 首发价 6499",
        "staffing": "业务员 1 人，导购 2 人", "budget": "6000"})
    promotions.create_promotion(session, dealers[2 % len(dealers)], user, title="店庆十周年",
                                triggers=["anniversary"], start_date=(today + timedelta(days=20)).isoformat(),
                                end_date=(today + timedelta(days=22)).isoformat(), budget="3000")


def _best_month(session, dealers, start: date, end: date):
    """The dealer whose sell-out grew most last month: the campaign's store."""
    from .services import stock

    ids = [c.id for c in dealers]
    now = stock.sold(session, ids, start - timedelta(days=1), end)
    before = stock.sold(session, ids, start - timedelta(days=(end - start).days + 2), start - timedelta(days=1))

    def growth(c):
        a = sum(q for (cid, _p), q in now.items() if cid == c.id)
        b = sum(q for (cid, _p), q in before.items() if cid == c.id)
        return a - b

    return max(dealers, key=growth)


def _surveys(session, dealers, user, rnd, today) -> None:
    towns: dict[tuple, set] = {}
    for c in dealers:
        towns.setdefault((c.province, c.city, c.county), set()).add(c.town)
    for (prov, city, county), ts in sorted(towns.items())[:8]:
        extra = {"桐庐县": ["横村镇", "百江镇"], "德清县": ["钟管镇"], "长兴县": ["林城镇"]}.get(county, [])
        market.save_region_survey(session, None, user, province=prov, city=city, county=county,
                                  towns="\n".join(sorted(t for t in ts if t) + extra),
                                  population=str(rnd.randrange(300, 1200) * 1000),
                                  market_character=rnd.choice(["县城集中，乡镇分散", "外来务工多，以旧换新需求大",
                                                               "农村市场，价格敏感"]),
                                  market_size_units=str(rnd.randrange(8, 30) * 1000),
                                  market_size_amount=str(rnd.randrange(20, 90) * 1000000),
                                  surveyed_on=(today - timedelta(days=60)).isoformat())
    for c in dealers[:6]:
        market.save_dealer_survey(session, None, user, dealer_name=c.name, customer_id=str(c.id),
                                  county=c.county, surveyed_on=(today - timedelta(days=50)).isoformat(),
                                  sales_share_pct=str(rnd.randrange(8, 35)), financial_condition="回款及时",
                                  management_level="夫妻店，账目清楚", strength="两家门店，一个仓库",
                                  reputation_note="合作三年无拖欠",
                                  **{f"score_{k}": str(rnd.randrange(2, 6)) for k in market.SCORE_FIELDS})
    market.save_dealer_survey(session, None, user, dealer_name="横村镇兴旺电器（候选）", county="桐庐县",
                              surveyed_on=(today - timedelta(days=20)).isoformat(), sales_share_pct="12",
                              financial_condition="自有店面", reputation_note="做海信多年，想加做我们",
                              **{f"score_{k}": "3" for k in market.SCORE_FIELDS})
    for brand, models, price, acts in COMPETITORS:
        market.save_competitor_survey(session, None, user, brand=brand, county=dealers[0].county if dealers else "",
                                      main_models=models, price_notes=price, activities=acts,
                                      surveyed_on=(today - timedelta(days=15)).isoformat())


def _incident(session, dealers, reporter, today) -> None:
    order = session.execute(select(DealerOrder).where(DealerOrder.state == "confirmed")
                            .order_by(DealerOrder.id)).scalars().first()
    if order is None:
        return
    line = order.lines[0]
    serials = [f"TV{order.id:04d}{i:03d}" for i in range(min(3, line.quantity))]
    order_svc.record_shipment(session, order, {line.id: serials}, shipped_on=order.confirmed_on)
    other = next((c for c in dealers if c.county != order.customer.county), None)
    if other is not None:
        crossregion.report_found_unit(session, reporter, serial_no=serials[0], province=other.province,
                                      city=other.city, county=other.county, place=f"{other.name}门店",
                                      found_on=today - timedelta(days=5), note="顾客拿保修卡来问，发现是外区的货")
    assert session.scalar(select(ShipmentSerial.id)) is not None


def _rebates(session, dealers, user, by_model, today) -> None:
    period = month_periods(today.replace(day=1) - timedelta(days=1), 1)[0]
    for i, c in enumerate(dealers):
        claim = rebates.create_claim(session, c, user, kind="sales_subsidy" if i % 2 == 0 else "price_drop",
                                     period=period, note="按月度主推机型销量申报")
        rebates.add_line(session, claim, by_model["55A5"], 5 + i, "80")
        rebates.add_line(session, claim, by_model["65A5"], 2 + i, "150")
        rebates.add_evidence(session, claim, io.BytesIO(PDF), "销售明细.pdf", user)
        if i < 4:
            rebates.submit_claim(session, claim, user)

"""Coverage against 一县两点、乡镇一点 for a hand-built region; dealer
selection score; cross-region incidents; promoter assessment; promotions."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core import settings
from core.services import ServiceError
from plugins.customers import api as customers
from plugins.dealers.models import DealerTerminal
from plugins.dealers.services import crossregion, market, network, promoters, promotions
from plugins.dealers.services import orders as order_svc


def test_coverage_gaps_for_a_hand_built_region(world):
    c_id = world.make_dealer("富春江家电", world.users["sales1"].id, "member", county="桐庐县",
                             town="富春江镇")
    with world.db.session() as s:
        mgr = world.user(s, "manager")
        market.save_region_survey(s, None, mgr, province="浙江省", city="杭州市", county="桐庐县",
                                  towns="分水镇、富春江镇\n横村镇", population="420000",
                                  surveyed_on="2025-03-01")
        a = world.customer(s, "a")
        network.save_terminal(s, a, None, name="分水镇分店", town="分水镇")
        closed = network.save_terminal(s, a, None, name="横村镇旧店", town="横村镇")
        closed.active = False
        assert s.get(customers.Customer, c_id) is not None
    with world.db.session() as s:
        rows = {r.county: r for r in market.coverage(s, world.user(s, "manager"))}
        tl = rows["桐庐县"]
        # County seat: dealer a's main store only (1 of 2).  Towns: 分水镇 has a
        # store, 富春江镇 a dealer without a store, 横村镇 only a closed store.
        assert (tl.surveyed, tl.seat_points, tl.seat_gap) == (True, 1, 1)
        assert [(t.town, t.points, t.gap) for t in tl.towns] == \
            [("分水镇", 1, 0), ("富春江镇", 1, 0), ("横村镇", 0, 1)]
        assert tl.towns_uncovered == ["横村镇"]
        xs = rows["萧山区"]
        assert (xs.surveyed, xs.seat_points, xs.seat_gap, xs.towns) == (False, 1, 1, [])
    with world.db.session() as s:
        settings.set(s, "dealers.coverage_points_per_county", 1)
        tl = {r.county: r for r in market.coverage(s, world.user(s, "manager"))}["桐庐县"]
        assert tl.seat_gap == 0


def test_dealer_selection_score_is_weighted_out_of_100(world):
    with world.db.session() as s:
        u = world.user(s, "sales1")
        top = market.save_dealer_survey(s, None, u, dealer_name="分水华联", surveyed_on="2025-03-01",
                                        **{f"score_{k}": 5 for k in market.SCORE_FIELDS})
        assert top.total_score == Decimal("100.0")
        # reputation 5 (25), others 1: 25 + (20+15+15+15+10)/5 = 40.0
        mixed = market.save_dealer_survey(
            s, None, u, dealer_name="横村电器", surveyed_on="2025-03-01",
            **{f"score_{k}": (5 if k == "reputation" else 1) for k in market.SCORE_FIELDS})
        assert mixed.total_score == Decimal("40.0")
        with pytest.raises(ServiceError):
            market.save_dealer_survey(s, None, u, dealer_name="x", surveyed_on="2025-03-01",
                                      **{f"score_{k}": 6 for k in market.SCORE_FIELDS})


def test_unit_found_outside_its_region_becomes_an_incident(world):
    world.prepay("a", "6400")
    with world.db.session() as s:
        o = order_svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
        order_svc.add_line(s, o, world.product(s, "tv55"), 2)
        order_svc.confirm_order(s, o, world.user(s, "sales1"))
        oid = o.id
    with world.db.session() as s:
        from plugins.dealers.models import DealerOrder
        o = s.get(DealerOrder, oid)
        with pytest.raises(ServiceError):   # more serials than units
            order_svc.record_shipment(s, o, {o.lines[0].id: ["A1", "A2", "A3"]})
        s.rollback()
        o = s.get(DealerOrder, oid)
        order_svc.record_shipment(s, o, {o.lines[0].id: ["A1", "A2"]})
    with world.db.session() as s:
        u = world.user(s, "sales2")
        assert crossregion.report_found_unit(s, u, serial_no="A1", county="桐庐县") is None
        inc = crossregion.report_found_unit(s, u, serial_no="A2", city="杭州市", county="萧山区",
                                            place="瓜沥镇某电器店")
        assert inc.customer_id == world.dealers["a"] and inc.status == "open"
        with pytest.raises(ServiceError):
            crossregion.report_found_unit(s, u, serial_no="NOPE", county="萧山区")
        with pytest.raises(ServiceError):   # a salesperson cannot decide
            crossregion.decide_incident(s, inc, u, status="penalised", penalty="500", note="查实")
        mgr = world.user(s, "manager")
        with pytest.raises(ServiceError):
            crossregion.decide_incident(s, inc, mgr, status="penalised", penalty="0", note="查实")
        crossregion.decide_incident(s, inc, mgr, status="penalised", penalty="500", note="查实")
        assert (inc.status, inc.penalty) == ("penalised", Decimal("500.00"))


def test_promoter_assessment_bonus_ranking_and_elimination(world):
    with world.db.session() as s:
        ta = s.get(DealerTerminal, world.terminals["a"])
        tb = s.get(DealerTerminal, world.terminals["b"])
        good = network.save_promoter(s, ta, None, name="小王")
        weak = network.save_promoter(s, tb, None, name="小李")
        for period, sold in (("2025-01", 20), ("2025-02", 25), ("2025-03", 22)):
            promoters.record_month(s, good, period=period, target_units=20, sold_units=sold,
                                   main_push_units=12)
        for period, sold in (("2025-01", 10), ("2025-02", 11), ("2025-03", 8)):
            promoters.record_month(s, weak, period=period, target_units=20, sold_units=sold,
                                   main_push_units=sold)
        with pytest.raises(ServiceError):
            promoters.record_month(s, weak, period="2025-04", target_units=20, sold_units=5,
                                   main_push_units=6)
        rows = {r.month.promoter.name: r for r in promoters.assessment(s, world.user(s, "manager"),
                                                                      "2025-03")}
        assert rows["小王"].achievement == Decimal("110.0") and rows["小王"].store_rank == 1
        assert rows["小王"].bonus == Decimal("240.00")     # 12 main-push units ≥ 10 → 20 each
        assert rows["小王"].award == Decimal("500.00") and not rows["小王"].eliminate
        # Below 60 % of target in each of the last 3 months → elimination.
        assert rows["小李"].achievement == Decimal("40.0") and rows["小李"].eliminate
        assert rows["小李"].award == Decimal("300.00") and rows["小李"].bonus == Decimal("0.00")
        two = {r.month.promoter.name: r for r in promoters.assessment(s, world.user(s, "manager"),
                                                                     "2025-02")}
        assert not two["小李"].eliminate   # only two months on record up to February


def test_promotion_steps_in_order_and_summary_against_baseline(world):
    from plugins.dealers.services import stock

    with world.db.session() as s:
        c, u = world.customer(s, "a"), world.user(s, "sales1")
        with pytest.raises(ServiceError):
            promotions.create_promotion(s, c, u, title="国庆", triggers=[], start_date="2025-10-01",
                                        end_date="2025-10-07")
        p = promotions.create_promotion(s, c, u, title="国庆黄金周", triggers=["holiday", "price_cut"],
                                        start_date="2025-10-01", end_date="2025-10-07", budget="8000")
        with pytest.raises(ServiceError, match="Market survey|市场调查"):
            promotions.record_step(s, p, "plan", u, data={})
        promotions.record_step(s, p, "survey", u, notes="竞品海信在搞以旧换新")
        promotions.record_step(s, p, "plan", u, data={"when_where": "国庆，县城总店", "form": "特价+抽奖",
                                                      "benefit_points": "55E3 直降 300",
                                                      "staffing": "导购 2 人，临促 3 人", "budget": "9000"})
        with pytest.raises(ServiceError):   # no signed agreement, no promotion
            promotions.record_step(s, p, "communication", u, data={"dealer_contact": "王老板"})
        promotions.record_step(s, p, "communication", u,
                               data={"agreement_signed": True, "dealer_contact": "王老板"})
        promotions.record_step(s, p, "release", u, data={"channels": ["sms", "flyers"]})
        promotions.record_step(s, p, "execution", u, data={"items": ["outdoor", "samples"]})
        stock.record_report(s, c, u, report_date=date(2025, 9, 28), source="visit",
                            rows=[{"product": world.product(s, "tv55"), "sold": 4, "stock": 10}])
        stock.record_report(s, c, u, report_date=date(2025, 10, 7), source="visit",
                            rows=[{"product": world.product(s, "tv55"), "sold": 10, "stock": 0,
                                   "price": "3699"}])
        step = promotions.record_step(s, p, "summary", u, data={"cost": "8500", "lessons": "短信效果好"})
        assert p.next_step is None and p.cost == Decimal("8500.00") and p.budget == Decimal("9000.00")
        assert (step.data["during_units"], step.data["baseline_units"]) == (10, 4)
        assert step.data["lift_pct"] == "150.0" and step.data["during_value"] == "36990.00"
        with pytest.raises(ServiceError):
            promotions.record_step(s, p, "summary", u, data={})

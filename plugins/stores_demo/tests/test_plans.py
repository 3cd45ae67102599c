"""Development plans: the expected value, submit → approve or reject with
the reason kept, race-free decisions, someone else's plan → 404, and the
plan read against finance's invoices and the approved claims."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.services import ServiceError
from plugins.finance import api as finance
from plugins.stores_demo.models.development import StoresDemoPlan
from plugins.stores_demo.services import claims, plans

from .dev_world import dev  # noqa: F401  (fixture)
from core import clock

TODAY = clock.today()
FIGURES = dict(title="王女士结婚十周年钻戒", period_start=(TODAY - timedelta(days=10)).isoformat(),
               period_end=(TODAY + timedelta(days=80)).isoformat(), forecast_sales="120000",
               forecast_profit="48000", staff_cost="3000", travel_cost="1200.50", pr_cost="2000",
               risk_coefficient="0.25", approach="周年纪念日前上门推荐")


def _plan(dev, s, owner="dev1", account="a") -> StoresDemoPlan:
    return plans.create_plan(s, dev.account(s, account), dev.user(s, owner), **FIGURES)


def test_expected_value_is_profit_at_risk_less_costs(dev):
    # 48,000 × (1 − 0.25) − (3,000 + 1,200.50 + 2,000) = 36,000 − 6,200.50
    with dev.db.session() as s:
        p = _plan(dev, s)
        assert p.expected_value == Decimal("29799.50")
        assert p.status == "draft"


@pytest.mark.parametrize("field,value,message", [
    ("risk_coefficient", "1.5", "risk coefficient"),
    ("forecast_sales", "-5", "more than zero"),
    ("forecast_profit", "abc", "not an amount"),
    ("period_end", "2000-01-01", "ends before it starts"),
    ("title", "  ", "required"),
])
def test_bad_figures_are_refused_and_nothing_is_saved(dev, field, value, message):
    with dev.db.session() as s:
        with pytest.raises(ServiceError, match=message):
            plans.create_plan(s, dev.account(s, "a"), dev.user(s, "dev1"), **{**FIGURES, field: value})
        s.rollback()
        assert s.scalar(select(StoresDemoPlan.id)) is None


def test_submit_then_reject_keeps_the_reason_then_approve(dev, client):
    with dev.db.session() as s:
        pid = _plan(dev, s).id
    client.login("sd_dev1")
    assert client.post_form(f"/stores_demo/plans/{pid}/submit").status_code == 303
    # a developer cannot decide
    assert client.post_form(f"/stores_demo/plans/{pid}/approve").status_code == 403
    client.login("sd_mgr")
    resp = client.post_form(f"/stores_demo/plans/{pid}/reject", {"reason": ""}, follow_redirects=True)
    assert "请填写" in resp.get_data(as_text=True)
    client.post_form(f"/stores_demo/plans/{pid}/reject", {"reason": "风险过高，先做关系"})
    with dev.db.session() as s:
        p = s.get(StoresDemoPlan, pid)
        assert (p.status, p.reject_reason) == ("rejected", "风险过高，先做关系")
    page = client.get(f"/stores_demo/plans/{pid}").get_data(as_text=True)
    assert "风险过高，先做关系" in page
    client.login("sd_dev1")
    client.post_form(f"/stores_demo/plans/{pid}/submit")
    client.login("sd_mgr")
    client.post_form(f"/stores_demo/plans/{pid}/approve")
    with dev.db.session() as s:
        p = s.get(StoresDemoPlan, pid)
        assert p.status == "approved" and p.decided_by == dev.users["mgr"].id
        # the reason of the earlier rejection is cleared on resubmission, audited in the log
        from core.models import AuditLog

        rows = s.execute(select(AuditLog).where(AuditLog.table_name == "stores_demo_plan",
                                                AuditLog.record_id == str(pid))).scalars().all()
        assert any(r.changes.get("status") == ["submitted", "approved"] for r in rows)


def test_two_managers_deciding_at_once_one_wins(dev, race):
    with dev.db.session() as s:
        p = _plan(dev, s)
        plans.submit_plan(s, p, dev.user(s, "dev1"))
        pid = p.id

    def approve(s):
        plans.approve_plan(s, s.get(StoresDemoPlan, pid), dev.user(s, "mgr"))
        return "approved"

    def reject(s):
        plans.reject_plan(s, s.get(StoresDemoPlan, pid), dev.user(s, "mgr_b"), "不值得")
        return "rejected"

    results = race(approve, reject)
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1, results
    with dev.db.session() as s:
        assert s.get(StoresDemoPlan, pid).status == winners[0]


def test_someone_elses_plan_is_not_found(dev, client):
    with dev.db.session() as s:
        pid = _plan(dev, s, owner="dev2", account="b").id
    client.login("sd_dev1")
    assert client.get(f"/stores_demo/plans/{pid}").status_code == 404
    for action in ("submit", "edit"):
        assert client.post_form(f"/stores_demo/plans/{pid}/{action}", FIGURES).status_code == 404
    # and a plan for someone else's account cannot be made
    resp = client.post_form("/stores_demo/plans/new", {**FIGURES, "customer_id": dev.accounts["b"]})
    assert resp.status_code == 404
    assert "浦东新区机关事务管理局" not in client.get("/stores_demo/plans").get_data(as_text=True)


def test_plan_against_actual_reads_finance_invoices_and_approved_claims(dev, client):
    with dev.db.session() as s:
        p = _plan(dev, s)
        a = dev.account(s, "a")
        finance.post_invoice(s, a.id, [{"description": "一克拉钻戒", "unit_price": "52000.00",
                                        "quantity": 1}], when=TODAY, user=dev.user(s, "mgr"))
        finance.post_invoice(s, a.id, [{"description": "去年的项链", "unit_price": "9999.00",
                                        "quantity": 1}], when=TODAY - timedelta(days=400),
                             user=dev.user(s, "mgr"))
        v = dev.visit(s)
        c = claims.file_claim(s, dev.user(s, "dev1"), visit=v, category="travel", amount="456.70",
                              description="打车往返")
        claims.approve_claim(s, c, dev.user(s, "mgr"))
        claims.file_claim(s, dev.user(s, "dev1"), visit=v, category="gift", amount="99",
                          description="未批准的礼品")
        actual = plans.plan_actual(s, p)
        assert (actual.revenue, actual.cost) == (Decimal("52000.00"), Decimal("456.70"))
        pid = p.id
    client.login("sd_dev1")
    page = client.get(f"/stores_demo/plans/{pid}").get_data(as_text=True)
    assert "52,000.00" in page and "456.70" in page and "29,799.50" in page

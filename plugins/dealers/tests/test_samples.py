"""Sample units: recorded transfers only, the monthly count and its
discrepancies, terminals not counted, the sale settled through finance in
one transaction; returned units aging."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.services import ServiceError
from plugins.dealers.models import DealerTerminal, SampleTransfer, SampleUnit
from plugins.dealers.services import network
from plugins.dealers.services import samples as svc
from plugins.finance import api as finance
from core import clock

TODAY = clock.today()


def _sample(w, s, key="a", serial="SN-0001"):
    t = s.get(DealerTerminal, w.terminals[key])
    return svc.register_sample(s, t, w.product(s, "tv55"), serial_no=serial,
                               placed_on=TODAY - timedelta(days=40))


def test_a_sample_moves_only_with_a_recorded_transfer(world):
    with world.db.session() as s:
        unit = _sample(world, s)
        second = network.save_terminal(s, world.customer(s, "a"), None, name="分水镇分店", town="分水镇")
        s.flush()
        sid, second_id = unit.id, second.id
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        with pytest.raises(ServiceError, match="transfer"):
            unit.terminal_id = second_id          # an undocumented move
        with pytest.raises(ServiceError):
            svc.transfer_sample(s, unit, s.get(DealerTerminal, second_id), world.user(s, "sales1"),
                                reason="  ")      # a transfer without its record
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.terminal_id == world.terminals["a"]
        assert s.scalar(select(SampleTransfer.id)) is None
        tr = svc.transfer_sample(s, unit, s.get(DealerTerminal, second_id), world.user(s, "sales1"),
                                 reason="分店开业上样")
        assert tr.number.startswith("YJDB") and tr.from_terminal_id == world.terminals["a"]
    with world.db.session() as s:
        assert s.get(SampleUnit, sid).terminal_id == second_id


def test_counting_a_unit_of_another_store_is_refused(world):
    with world.db.session() as s:
        unit = _sample(world, s)
        _sample(world, s, "b", "SN-B-1")
        s.flush()
        tb = s.get(DealerTerminal, world.terminals["b"])
        b_unit = s.scalar(select(SampleUnit).where(SampleUnit.terminal_id == tb.id))
        with pytest.raises(ServiceError, match="transfer"):
            svc.record_count(s, tb, world.user(s, "sales2"), count_date=TODAY,
                             results={b_unit.id: ("found", ""), unit.id: ("found", "")})


def test_monthly_count_lists_discrepancies_and_uncounted_terminals(world):
    period = f"{TODAY.year:04d}-{TODAY.month:02d}"
    with world.db.session() as s:
        u1 = _sample(world, s, serial="SN-1")
        u2 = _sample(world, s, serial="SN-2")
        mgr = world.user(s, "manager")
        ta = s.get(DealerTerminal, world.terminals["a"])
        assert [t.id for t in s.execute(svc.uncounted_terminals(s, mgr, period)).scalars()] == [ta.id]
        with pytest.raises(ServiceError, match="SN-2"):   # every unit needs a result
            svc.record_count(s, ta, mgr, count_date=TODAY, results={u1.id: ("found", "")})
        svc.record_count(s, ta, mgr, count_date=TODAY,
                         results={u1.id: ("found", ""), u2.id: ("missing", "老板说借给亲戚")})
    with world.db.session() as s:
        mgr = world.user(s, "manager")
        assert s.execute(svc.uncounted_terminals(s, mgr, period)).scalars().all() == []
        open_lines = s.execute(svc.discrepancies(s, mgr)).scalars().all()
        assert [(ln.sample.serial_no, ln.result) for ln in open_lines] == [("SN-2", "missing")]
        assert s.get(SampleUnit, open_lines[0].sample_id).state == "missing"
        svc.resolve_discrepancy(s, open_lines[0], mgr, resolution="已追回")
    with world.db.session() as s:
        assert s.execute(svc.discrepancies(s, world.user(s, "manager"))).scalars().all() == []


def test_selling_a_sample_invoices_it_and_removes_it_from_the_register(world):
    with world.db.session() as s:
        sid = _sample(world, s).id
    with world.db.session() as s:
        unit = svc.sell_sample(s, s.get(SampleUnit, sid), world.user(s, "manager"), price="3099.00")
        number = unit.invoice_number
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == "sold" and not unit.on_register
        info = finance.invoice_info(s, number)
        assert info["amount"] == Decimal("3099.00") and info["source"] == f"dealers.sample:{sid}"
        assert world.balance("a") == Decimal("3099.00")
        with pytest.raises(ServiceError):  # sold once only
            svc.sell_sample(s, unit, world.user(s, "manager"), price="100")


def test_sample_sale_is_atomic_when_finance_refuses(world, client, monkeypatch):
    with world.db.session() as s:
        sid = _sample(world, s).id

    def refuse(*a, **kw):
        raise ServiceError("账期已关闭")

    monkeypatch.setattr(finance, "post_invoice", refuse)
    client.login("mgr")
    resp = client.post_form(f"/dealers/samples/{sid}/sell", {"price": "3099.00"}, follow_redirects=True)
    assert "账期已关闭" in resp.get_data(as_text=True)
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == "display" and unit.sold_on is None and unit.invoice_number is None
    assert world.balance("a") == Decimal("0.00")


def test_returned_units_waiting_too_long_are_flagged(world):
    with world.db.session() as s:
        c = world.customer(s, "a")
        old = svc.register_returned(s, c, world.product(s, "tv55"), kind="returned",
                                    received_on=TODAY - timedelta(days=16), fault="开机黑屏")
        svc.register_returned(s, c, world.product(s, "tv65"), kind="repair",
                              received_on=TODAY - timedelta(days=15))
        done = svc.register_returned(s, c, world.product(s, "tv65"), kind="repair",
                                     received_on=TODAY - timedelta(days=30))
        svc.advance_returned(s, done, "back_to_dealer")
        s.flush()
        rows = svc.returned_aging(s, world.user(s, "manager"), TODAY)
        assert [(r["unit"].id == old.id, r["age"], r["overdue"]) for r in rows] == \
            [(True, 16, True), (False, 15, False)]


def _floor_5600_sample(w, serial="SN-F1") -> int:
    from plugins.dealers.services import catalog

    with w.db.session() as s:
        p = catalog.save_product(s, None, model="BCD-470", name="海尔 470 升十字对开门冰箱",
                                 category="fridge", list_price="6999.00", floor_price="5600.00",
                                 status="main_push")
        t = s.get(DealerTerminal, w.terminals["a"])
        return svc.register_sample(s, t, p, serial_no=serial, placed_on=TODAY - timedelta(days=40)).id


def test_a_sample_sold_below_the_floor_waits_for_approval_and_is_not_invoiced(world, client):
    """Issue 21, item 18: a manager sold a sample for 1,500 against a floor of
    5,600 and it was invoiced at once.  It now waits for the same approval as
    an order's below-floor lines."""
    sid = _floor_5600_sample(world)
    client.login("mgr")
    resp = client.post_form(f"/dealers/samples/{sid}/sell", {"price": "1500.00"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "低于最低价（5,600.00）：该销售待经理审批，尚未开票。" in html
    assert 'id="pending-sale"' in html and "1,500.00" in html
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == "display" and unit.on_register and unit.sale_pending
        assert unit.invoice_number is None and unit.sale_price is None and unit.sold_on is None
    assert world.balance("a") == Decimal("0.00")
    # a second sale is refused while the first waits
    resp = client.post_form(f"/dealers/samples/{sid}/sell", {"price": "5800.00"}, follow_redirects=True)
    assert "已在等待审批" in resp.get_data(as_text=True)
    # approval needs a reason, like an order's
    resp = client.post_form(f"/dealers/samples/{sid}/approve-sale", {"reason": ""}, follow_redirects=True)
    with world.db.session() as s:
        assert s.get(SampleUnit, sid).invoice_number is None
    # a salesperson may not approve
    client.logout()
    client.login("sales1")
    assert client.post_form(f"/dealers/samples/{sid}/approve-sale", {"reason": "清仓"}).status_code == 403
    client.logout()
    client.login("mgr")
    resp = client.post_form(f"/dealers/samples/{sid}/approve-sale", {"reason": "样机外观有划痕，清仓处理"},
                            follow_redirects=True)
    assert "低于最低价的销售已批准" in resp.get_data(as_text=True)
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == "sold" and not unit.sale_pending and unit.sale_price == Decimal("1500.00")
        assert unit.floor_approval_reason == "样机外观有划痕，清仓处理"
        assert finance.invoice_info(s, unit.invoice_number)["amount"] == Decimal("1500.00")
    assert world.balance("a") == Decimal("1500.00")


def test_a_refused_below_floor_sale_leaves_the_unit_on_display(world):
    sid = _floor_5600_sample(world)
    with world.db.session() as s:
        svc.sell_sample(s, s.get(SampleUnit, sid), world.user(s, "manager"), price="1500")
    with world.db.session() as s:
        with pytest.raises(ServiceError, match="manager"):
            svc.refuse_sample_sale(s, s.get(SampleUnit, sid), world.user(s, "sales1"), reason="不行")
        svc.refuse_sample_sale(s, s.get(SampleUnit, sid), world.user(s, "manager"), reason="价格太低")
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == "display" and not unit.sale_pending and unit.invoice_number is None
        # at or above the floor it sells and invoices at once
        unit = svc.sell_sample(s, unit, world.user(s, "manager"), price="5600.00")
        assert unit.state == "sold" and unit.invoice_number
    assert world.balance("a") == Decimal("5600.00")

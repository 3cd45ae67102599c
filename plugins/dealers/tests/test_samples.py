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
        unit = svc.sell_sample(s, s.get(SampleUnit, sid), world.user(s, "manager"), price="2599.00")
        number = unit.invoice_number
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == "sold" and not unit.on_register
        info = finance.invoice_info(s, number)
        assert info["amount"] == Decimal("2599.00") and info["source"] == f"dealers.sample:{sid}"
        assert world.balance("a") == Decimal("2599.00")
        with pytest.raises(ServiceError):  # sold once only
            svc.sell_sample(s, unit, world.user(s, "manager"), price="100")


def test_sample_sale_is_atomic_when_finance_refuses(world, client, monkeypatch):
    with world.db.session() as s:
        sid = _sample(world, s).id

    def refuse(*a, **kw):
        raise ServiceError("账期已关闭")

    monkeypatch.setattr(finance, "post_invoice", refuse)
    client.login("mgr")
    resp = client.post_form(f"/dealers/samples/{sid}/sell", {"price": "2599.00"}, follow_redirects=True)
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

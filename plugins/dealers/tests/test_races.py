"""Two people act on one record at the same moment (issue 20): each action
checks the state it relies on under the record's lock, so exactly one of two
conflicting actions goes through, the other is refused with a message, and
an order never disagrees with its invoice — on SQLite and on PostgreSQL.

Each action runs in its own thread, app context and session and loads the
record after the common start (the ``race`` fixture), as two requests do."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from core.services import ServiceError
from plugins.dealers.models import DealerOrder, DealerTerminal, SampleUnit
from plugins.dealers.services import orders as svc
from plugins.dealers.services import samples as samples_svc
from plugins.finance import api as finance
from core import clock

ROUNDS = 3


def refused(result, text: str) -> bool:
    return isinstance(result, ServiceError) and text in str(result)


def _draft(world, qty=1) -> int:
    with world.db.session() as s:
        o = svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
        svc.add_line(s, o, world.product(s, "tv55"), qty, "0")  # 3,200.00 a unit
        return o.id


def _invoiced(s, oid) -> Decimal | None:
    o = s.get(DealerOrder, oid)
    info = finance.invoice_info(s, o.invoice_number) if o.invoice_number else None
    return info["amount"] if info else None


def test_a_line_added_while_the_order_is_confirmed_is_on_the_invoice_or_refused(world, race):
    world.prepay("a", "100000")
    for _ in range(ROUNDS):
        oid = _draft(world)

        def confirm(s):
            return svc.confirm_order(s, s.get(DealerOrder, oid), world.user(s, "sales1")).state

        def add(s):
            svc.add_line(s, s.get(DealerOrder, oid), world.product(s, "tv65"), 1, "0")
            return "added"

        confirmed, added = race(confirm, add)
        assert confirmed == "confirmed"
        assert added == "added" or refused(added, "no longer a draft"), added
        with world.db.session() as s:
            o = s.get(DealerOrder, oid)
            lines_total = sum((ln.amount for ln in o.lines), Decimal("0"))
            assert len(o.lines) == (2 if added == "added" else 1)
            assert o.total == lines_total == _invoiced(s, oid)


def test_a_line_removed_while_the_order_is_confirmed_is_off_the_invoice_or_refused(world, race):
    world.prepay("a", "100000")
    for _ in range(ROUNDS):
        oid = _draft(world, qty=2)
        with world.db.session() as s:
            svc.add_line(s, s.get(DealerOrder, oid), world.product(s, "tv65"), 1, "0")

        def confirm(s):
            return svc.confirm_order(s, s.get(DealerOrder, oid), world.user(s, "sales1")).state

        def remove(s):
            o = s.get(DealerOrder, oid)
            svc.remove_line(s, o, o.lines[-1])
            return "removed"

        confirmed, removed = race(confirm, remove)
        assert confirmed == "confirmed", confirmed
        assert removed == "removed" or refused(removed, "no longer a draft"), removed
        with world.db.session() as s:
            o = s.get(DealerOrder, oid)
            assert len(o.lines) == (1 if removed == "removed" else 2)
            assert o.total == sum((ln.amount for ln in o.lines), Decimal("0")) == _invoiced(s, oid)


def test_confirm_and_cancel_at_once_one_wins(world, race):
    world.prepay("a", "100000")
    for _ in range(ROUNDS):
        oid = _draft(world)

        def confirm(s):
            return svc.confirm_order(s, s.get(DealerOrder, oid), world.user(s, "sales1")).state

        def cancel(s):
            svc.cancel_order(s, s.get(DealerOrder, oid), "客户撤单")
            return "cancelled"

        results = race(confirm, cancel)
        wins = [r for r in results if not isinstance(r, ServiceError)]
        assert len(wins) == 1, results
        assert any(refused(r, "no longer a draft") for r in results), results
        with world.db.session() as s:
            o = s.get(DealerOrder, oid)
            assert o.state == wins[0]
            if o.state == "cancelled":
                assert o.invoice_number is None
                assert finance.credit_status(s, world.dealers["a"]).committed == Decimal("0.00")
            else:
                assert _invoiced(s, oid) == o.total == Decimal("3200.00")
    # Money: exactly the confirmed orders were billed.
    with world.db.session() as s:
        billed = sum((o.total for o in s.scalars(select(DealerOrder).where(
            DealerOrder.state == "confirmed"))), Decimal("0"))
    assert world.balance("a") == billed - Decimal("100000")


def test_confirming_twice_at_once_posts_one_invoice(world, race):
    world.prepay("a", "100000")
    oid = _draft(world)

    def confirm(s):
        return svc.confirm_order(s, s.get(DealerOrder, oid), world.user(s, "sales1")).state

    results = race(confirm, confirm)
    assert sorted(map(str, results)).count("confirmed") == 1, results
    assert any(refused(r, "no longer a draft") for r in results), results
    assert world.balance("a") == Decimal("3200.00") - Decimal("100000")


def _sample(world, serial="SN-R1") -> int:
    with world.db.session() as s:
        t = s.get(DealerTerminal, world.terminals["a"])
        from datetime import date, timedelta

        return samples_svc.register_sample(s, t, world.product(s, "tv55"), serial_no=serial,
                                           placed_on=clock.today() - timedelta(days=30)).id


def test_a_sample_sold_twice_at_once_is_sold_and_invoiced_once(world, race):
    world.prepay("a", "10000")
    sid = _sample(world)

    def sell(s):
        return samples_svc.sell_sample(s, s.get(SampleUnit, sid), world.user(s, "manager"),
                                       price="3099.00").invoice_number

    results = race(sell, sell)
    assert len([r for r in results if not isinstance(r, ServiceError)]) == 1, results
    assert any(refused(r, "no longer on the register") for r in results), results
    assert world.balance("a") == Decimal("3099.00") - Decimal("10000")


def test_a_sample_sold_while_withdrawn_one_wins(world, race):
    world.prepay("a", "10000")
    sid = _sample(world)

    def sell(s):
        samples_svc.sell_sample(s, s.get(SampleUnit, sid), world.user(s, "manager"), price="3099.00")
        return "sold"

    def withdraw(s):
        samples_svc.withdraw_sample(s, s.get(SampleUnit, sid), reason="退回仓库")
        return "withdrawn"

    results = race(sell, withdraw)
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1 and any(refused(r, "no longer on the register") for r in results), results
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid)
        assert unit.state == wins[0]
        billed = Decimal("3099.00") if unit.state == "sold" else Decimal("0")
    assert world.balance("a") == billed - Decimal("10000")


def test_one_sighting_reported_twice_at_once_is_one_incident(world, race):
    """Two people report the same unit found outside its region on the same
    day at once: the check runs under the shipment's lock, so there is one
    incident and the second report is refused with a message."""
    from sqlalchemy import func

    from plugins.dealers.models import CrossRegionIncident
    from plugins.dealers.services import crossregion

    world.prepay("a", "3200")
    with world.db.session() as s:
        o = svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
        svc.add_line(s, o, world.product(s, "tv55"), 1)
        svc.confirm_order(s, o, world.user(s, "sales1"))
        oid = o.id
    with world.db.session() as s:
        o = s.get(DealerOrder, oid)
        svc.record_shipment(s, o, {o.lines[0].id: ["RACE-1"]})

    def report(name):
        def work(s):
            return crossregion.report_found_unit(s, world.user(s, name), serial_no="RACE-1",
                                                 city="杭州市", county="萧山区").number
        return work

    results = race(report("sales1"), report("sales2"))
    assert sum(isinstance(r, str) for r in results) == 1, results
    assert any(refused(r, "was already reported outside its region") for r in results), results
    with world.db.session() as s:
        assert s.scalar(select(func.count(CrossRegionIncident.id))) == 1


def test_a_below_floor_sample_sale_approved_twice_at_once_is_invoiced_once(world, race):
    """Issue 21, item 18: two managers approve (or one approves, one refuses)
    the same waiting sale at once: one wins, the unit is invoiced at most once."""
    sid = _sample(world)  # 55E3, floor 3,000.00
    with world.db.session() as s:
        samples_svc.sell_sample(s, s.get(SampleUnit, sid), world.user(s, "manager"), price="1500.00")

    def approve(s):
        return samples_svc.approve_sample_sale(s, s.get(SampleUnit, sid), world.user(s, "manager"),
                                               reason="清仓").invoice_number

    def refuse(s):
        samples_svc.refuse_sample_sale(s, s.get(SampleUnit, sid), world.user(s, "manager"), reason="太低")
        return "refused"

    results = race(approve, approve)
    assert len([r for r in results if not isinstance(r, ServiceError)]) == 1, results
    assert any(refused(r, "no longer on the register") for r in results), results
    assert world.balance("a") == Decimal("1500.00")

    sid2 = _sample(world, "SN-R2")
    with world.db.session() as s:
        samples_svc.sell_sample(s, s.get(SampleUnit, sid2), world.user(s, "manager"), price="1500.00")
    sid = sid2
    results = race(approve, refuse)
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1, results
    with world.db.session() as s:
        unit = s.get(SampleUnit, sid2)
        assert (unit.state == "sold") == (wins[0] != "refused") and not unit.sale_pending
    assert world.balance("a") == Decimal("1500.00") * (2 if wins[0] != "refused" else 1)

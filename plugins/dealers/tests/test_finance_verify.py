"""``qudao finance verify`` checks each posted invoice against the dealer
document it was posted for (finance asks through its
``finance_source_documents`` hook): a line changed behind the order's back,
or a cancelled order whose invoice stands, fails the check naming the order."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from plugins.dealers.models import DealerOrder, DealerTerminal
from plugins.dealers.services import orders as svc
from plugins.dealers.services import samples as samples_svc
from core import clock


def _confirmed(world) -> tuple[int, str]:
    world.prepay("a", "20000")
    with world.db.session() as s:
        o = svc.create_order(s, world.customer(s, "a"), world.user(s, "sales1"))
        svc.add_line(s, o, world.product(s, "tv55"), 2, "0")
        svc.add_line(s, o, world.product(s, "tv65"), 1, "0")
        svc.confirm_order(s, o, world.user(s, "sales1"))
        return o.id, o.number


def _verify(app):
    return app.test_cli_runner().invoke(args=["finance", "verify"])


def test_verify_passes_when_orders_and_invoices_agree(world, app):
    _confirmed(world)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "every posted invoice matches" in result.output


def test_verify_names_an_order_whose_lines_no_longer_match_its_invoice(world, app):
    oid, number = _confirmed(world)  # 2 × 3,200.00 + 4,800.00 = 11,200.00
    with world.db.session() as s:
        s.execute(text("UPDATE dealers_order_line SET quantity = 5 "
                       "WHERE order_id = :o AND unit_price = 3200"), {"o": oid})
    result = _verify(app)
    assert result.exit_code == 1
    assert number in result.output and "20800.00" in result.output
    assert "11200.00" in result.output


def test_verify_names_a_cancelled_order_whose_invoice_is_posted(world, app):
    oid, number = _confirmed(world)
    with world.db.session() as s:
        s.execute(text("UPDATE dealers_order SET state = 'cancelled' WHERE id = :o"), {"o": oid})
    result = _verify(app)
    assert result.exit_code == 1
    assert number in result.output and "cancelled" in result.output


def test_verify_names_a_sold_sample_whose_price_no_longer_matches(world, app):
    world.prepay("a", "5000")
    with world.db.session() as s:
        t = s.get(DealerTerminal, world.terminals["a"])
        unit = samples_svc.register_sample(s, t, world.product(s, "tv55"), serial_no="SN-V1",
                                           placed_on=clock.today() - timedelta(days=9))
        samples_svc.sell_sample(s, unit, world.user(s, "manager"), price="3099.00")
        sid = unit.id
    assert _verify(app).exit_code == 0
    with world.db.session() as s:
        s.execute(text("UPDATE dealers_sample_unit SET sale_price = 1999 WHERE id = :i"), {"i": sid})
    result = _verify(app)
    assert result.exit_code == 1 and "SN-V1" in result.output

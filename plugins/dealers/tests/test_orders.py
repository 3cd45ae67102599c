"""Orders: the floor-price rule, the credit check with the invoice in the
same transaction, totals, purchases for ABC grading, the paper trail."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models import AuditLog
from core.services import ServiceError
from plugins.customers import api as customers
from plugins.dealers.models import DealerOrder
from plugins.dealers.services import orders as svc
from plugins.finance import api as finance
from core import clock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _draft(w, s, key="a", product="tv55", qty=2, discount="0", user="sales1"):
    o = svc.create_order(s, w.customer(s, key), w.user(s, user))
    svc.add_line(s, o, w.product(s, product), qty, discount)
    s.flush()
    return o


def test_total_is_the_sum_of_lines_to_the_cent(world):
    with world.db.session() as s:
        o = _draft(world, s, qty=3, discount="3.5")          # 3200 × 0.965 = 3088.00
        svc.add_line(s, o, world.product(s, "tv65"), 1, "0")  # 4800.00
        assert o.lines[0].net_price == Decimal("3088.00")
        assert o.total == Decimal("14064.00")


def test_below_floor_is_refused_without_a_managers_approval(world):
    world.prepay("a", "10000")
    with world.db.session() as s:
        o = _draft(world, s, qty=2, discount="10")  # 3200 × 0.90 = 2880 < floor 3000
        oid = o.id
        assert o.lines[0].below_floor
    with world.db.session() as s:
        o = s.get(DealerOrder, oid)
        with pytest.raises(ServiceError, match="55E3"):
            svc.confirm_order(s, o, world.user(s, "sales1"))
        s.rollback()
        # A salesperson cannot approve it herself.
        with pytest.raises(ServiceError):
            svc.approve_below_floor(s, s.get(DealerOrder, oid), world.user(s, "sales1"), "老客户")
        s.rollback()
    with world.db.session() as s:
        o = s.get(DealerOrder, oid)
        assert o.state == "draft" and o.invoice_number is None
        svc.approve_below_floor(s, o, world.user(s, "manager"), "清库存，样机同款")
    with world.db.session() as s:
        reasons = s.execute(select(AuditLog.reason).where(
            AuditLog.table_name == "dealers_order", AuditLog.record_id == str(oid))).scalars().all()
        assert "清库存，样机同款" in reasons
        svc.confirm_order(s, s.get(DealerOrder, oid), world.user(s, "sales1"))
    with world.db.session() as s:
        o = s.get(DealerOrder, oid)
        assert o.state == "confirmed" and o.invoice_number
        assert finance.invoice_info(s, o.invoice_number)["amount"] == Decimal("5760.00")


def test_changing_lines_after_approval_needs_a_new_approval(world):
    world.prepay("a", "20000")
    with world.db.session() as s:
        o = _draft(world, s, qty=1, discount="10")
        svc.approve_below_floor(s, o, world.user(s, "manager"), "促销")
        svc.add_line(s, o, world.product(s, "tv55"), 1, "12")
        assert not o.floor_approved
        with pytest.raises(ServiceError):
            svc.confirm_order(s, o, world.user(s, "sales1"))


def test_credit_blocked_order_leaves_no_invoice_and_no_confirmation(world, client):
    # A new dealer pays before delivery (先款后货) and has prepaid nothing.
    with world.db.session() as s:
        oid = _draft(world, s, qty=2).id  # 6400.00
    client.login("sales1")
    resp = client.post_form(f"/dealers/orders/{oid}/confirm", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'class="flash error"' in html
    assert "6,400.00" in html or "6400.00" in html  # finance says why: the amount short
    with world.db.session() as s:
        o = s.get(DealerOrder, oid)
        assert o.state == "draft"
        assert o.confirmed_at is None and o.invoice_number is None and o.confirmed_period is None
        assert finance.customer_balance(s, world.dealers["a"]) == Decimal("0.00")
        assert finance.invoice_info(s, "INV/%d/00001" % clock.today().year) is None
        assert finance.credit_status(s, world.dealers["a"]).committed == Decimal("0.00")


def test_credit_check_passes_after_prepayment_and_posts_the_invoice(world):
    world.prepay("a", "6400.00")
    with world.db.session() as s:
        o = _draft(world, s, qty=2)
        svc.confirm_order(s, o, world.user(s, "sales1"))
        number = o.invoice_number
    with world.db.session() as s:
        info = finance.invoice_info(s, number)
        assert info["amount"] == Decimal("6400.00") and info["source"] == f"dealers.order:{o.id}"
        assert finance.customer_balance(s, world.dealers["a"]) == Decimal("0.00")


def test_manager_overrides_a_credit_block_with_a_reason(world):
    with world.db.session() as s:
        _draft(world, s, qty=1)
    with world.db.session() as s:
        o = s.scalar(select(DealerOrder))
        with pytest.raises(finance.CreditBlocked):
            svc.confirm_order(s, o, world.user(s, "sales1"), override_reason="客户明天打款")
        s.rollback()
    with world.db.session() as s:
        o = s.scalar(select(DealerOrder))
        svc.confirm_order(s, o, world.user(s, "manager"), override_reason="客户明天打款")
        assert o.credit_override_reason == "客户明天打款"
    assert world.balance("a") == Decimal("3200.00")


def test_only_active_dealers_order(world):
    inactive = world.make_dealer("新开户电器", world.users["sales1"].id, "member", county="桐庐县",
                                 town="分水镇", active=False)
    with world.db.session() as s:
        with pytest.raises(ServiceError):
            svc.create_order(s, s.get(customers.Customer, inactive), world.user(s, "sales1"))


def test_confirmed_orders_feed_the_abc_grading(world):
    world.prepay("a", "9600")
    with world.db.session() as s:
        svc.confirm_order(s, _draft(world, s, qty=3), world.user(s, "sales1"))
        _draft(world, s, qty=5)  # a draft counts for nothing
    with world.db.session() as s:
        today = clock.today()
        amounts = customers.purchase_amounts(s, [world.dealers["a"], world.dealers["b"]],
                                             today - timedelta(days=365), today + timedelta(days=1))
        assert amounts.get(world.dealers["a"]) == Decimal("9600.00")
        assert not amounts.get(world.dealers["b"])


def _confirmed(world, days_ago=0):
    world.prepay("a", "3200")
    with world.db.session() as s:
        o = _draft(world, s, qty=1)
        svc.confirm_order(s, o, world.user(s, "sales1"), on=clock.today() - timedelta(days=days_ago))
        return o.id


def test_signed_slip_needs_stamp_and_scan_and_leaves_the_overdue_list(world, client):
    oid = _confirmed(world, days_ago=10)  # default limit: 7 days
    with world.db.session() as s:
        overdue = s.execute(svc.overdue_signatures(s, world.user(s, "sales1"))).scalars().all()
        assert [o.id for o in overdue] == [oid]
        o = s.get(DealerOrder, oid)
        with pytest.raises(ServiceError):
            svc.record_signature(s, o, signer="王老板", signed_on=clock.today(), stamped=False, scan_id=1)
        with pytest.raises(ServiceError):
            svc.record_signature(s, o, signer="王老板", signed_on=clock.today(), stamped=True, scan_id=None)
    client.login("sales1")
    resp = client.post_form(f"/dealers/orders/{oid}/signature",
                            {"signer": "王老板", "signed_on": clock.today().isoformat(), "stamped": "on",
                             "scan": (io.BytesIO(PNG), "slip.png")},
                            content_type="multipart/form-data")
    assert resp.status_code == 303
    with world.db.session() as s:
        o = s.get(DealerOrder, oid)
        assert o.signed_by_name == "王老板" and o.stamped and o.signature_scan_id
        assert not s.execute(svc.overdue_signatures(s, world.user(s, "sales1"))).scalars().all()
    # The scan downloads for the owner, not for a colleague.
    assert client.get(f"/attachments/{o.signature_scan_id}").status_code == 200
    client.logout()
    client.login("sales2")
    assert client.get(f"/attachments/{o.signature_scan_id}").status_code == 404


def test_receipt_slip_overdue_list(world):
    oid = _confirmed(world, days_ago=20)  # default limit: 15 days
    with world.db.session() as s:
        u = world.user(s, "manager")
        assert [o.id for o in s.execute(svc.overdue_receipts(s, u)).scalars()] == [oid]
        with pytest.raises(ServiceError):
            svc.record_receipt(s, s.get(DealerOrder, oid), returned_on=clock.today(), scan_id=None)
    with world.db.session() as s:
        from core.attachments import save

        att = save(s, io.BytesIO(PNG), "receipt.png", res_table="dealers_order", res_id=oid)
        svc.record_receipt(s, s.get(DealerOrder, oid), returned_on=clock.today(), scan_id=att.id)
    with world.db.session() as s:
        assert not s.execute(svc.overdue_receipts(s, world.user(s, "manager"))).scalars().all()

"""Rebate claims: evidence, four eyes, accrual on approval, redemption and
the timeliness report."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.services import ServiceError
from plugins.finance import api as finance
from plugins.finance.models import CreditNote, RebateClaim
from plugins.finance.services import allocations, receivables
from plugins.finance.services import ledger, rebates
from plugins.finance.services.chart import OTHER_PAYABLE, REBATE_EXPENSE
from core import clock

TODAY = clock.today()
D = Decimal
PDF = b"%PDF-1.4\n% evidence\n"


def _claim(db, world, who="sales1", kind="sales_subsidy"):
    return rebates.create_claim(
        db, world.customers["a"], kind, period_start=TODAY.replace(day=1) - timedelta(days=31),
        period_end=TODAY.replace(day=1) - timedelta(days=1),
        lines=[{"product": "55寸电视", "quantity": "20", "unit_amount": "50.00"},
               {"product": "冰箱", "quantity": 5, "unit_amount": "30.50"}],
        user=world.user(db, who))


def test_claim_workflow_accrues_then_redeems_by_credit_note(world, db):
    cid = world.customers["a"]
    inv = receivables.post_invoice(db, cid, [{"description": "TV", "unit_price": "5000.00"}])
    claim = _claim(db, world)
    assert claim.amount == D("1152.50") and claim.state == "draft"
    with pytest.raises(ServiceError, match="evidence"):
        rebates.submit_claim(db, claim, world.user(db, "sales1"))
    rebates.add_evidence(db, claim, io.BytesIO(PDF), "sales.pdf", world.user(db, "sales1"))
    rebates.submit_claim(db, claim, world.user(db, "sales1"))
    # Nothing is owed to the customer until the claim is approved.
    assert ledger.account_balance(db, OTHER_PAYABLE, cid) == D("0.00")
    with pytest.raises(ServiceError, match="permission"):
        rebates.approve_claim(db, claim, user=world.user(db, "sales2"))
    rebates.approve_claim(db, claim, user=world.user(db, "manager"))
    assert ledger.account_balance(db, OTHER_PAYABLE, cid) == D("-1152.50")
    assert ledger.account_balance(db, REBATE_EXPENSE) == D("1152.50")
    rebates.redeem_claim(db, claim, method="credit_note", user=world.user(db, "finance"))
    assert claim.state == "redeemed"
    assert ledger.account_balance(db, OTHER_PAYABLE, cid) == D("0.00")
    assert allocations.invoice_open(db, inv.id) == D("3847.50")
    assert ledger.customer_balance(db, cid) == D("3847.50")


def test_the_filer_cannot_approve_and_rejection_needs_a_reason(world, db):
    claim = _claim(db, world, who="manager")
    rebates.add_evidence(db, claim, io.BytesIO(PDF), "e.pdf")
    rebates.submit_claim(db, claim, world.user(db, "manager"))
    with pytest.raises(ServiceError, match="other than"):
        rebates.approve_claim(db, claim, user=world.user(db, "manager"))
    with pytest.raises(ServiceError, match="reason"):
        rebates.reject_claim(db, claim, user=world.user(db, "other_mgr"), note="")
    rebates.reject_claim(db, claim, user=world.user(db, "other_mgr"), note="依据不足")
    assert claim.state == "rejected"
    with pytest.raises(ServiceError, match="approved"):
        rebates.redeem_claim(db, claim, method="payment")


def test_redeem_by_payment_and_timeliness(world, db):
    claim = _claim(db, world, kind="price_drop")
    rebates.add_evidence(db, claim, io.BytesIO(PDF), "e.pdf")
    rebates.submit_claim(db, claim)
    rebates.approve_claim(db, claim, user=world.user(db, "manager"),
                          when=TODAY - timedelta(days=40))
    late = _claim(db, world)
    rebates.add_evidence(db, late, io.BytesIO(PDF), "e.pdf")
    rebates.submit_claim(db, late)
    rebates.approve_claim(db, late, user=world.user(db, "manager"), when=TODAY - timedelta(days=35))
    rebates.redeem_claim(db, claim, method="payment", when=TODAY - timedelta(days=30))
    assert ledger.account_balance(db, "1002") == D("-1152.50")
    rows, summary = rebates.timeliness(db, select(RebateClaim), today=TODAY)
    by_number = {r.claim.number: r for r in rows}
    assert by_number[claim.number].days == 10 and not by_number[claim.number].late
    assert by_number[late.number].days == 35 and by_number[late.number].late
    assert summary["open"] == 1 and summary["late"] == 1 and summary["average_days"] == 10


def test_reversing_the_rebate_credit_note_reopens_the_claim(world, db):
    claim = _claim(db, world)
    rebates.add_evidence(db, claim, io.BytesIO(PDF), "e.pdf")
    rebates.submit_claim(db, claim)
    rebates.approve_claim(db, claim, user=world.user(db, "manager"))
    rebates.redeem_claim(db, claim, method="credit_note")
    cn = db.scalar(select(CreditNote).where(CreditNote.rebate_claim_id == claim.id))
    receivables.reverse_credit_note(db, cn, reason="金额有误")
    assert claim.state == "approved"
    assert ledger.account_balance(db, OTHER_PAYABLE, world.customers["a"]) == D("-1152.50")


def test_another_plugin_files_a_claim_with_copied_evidence(world, db, app):
    from core import attachments

    att = attachments.save(db, io.BytesIO(PDF), "dealer.pdf", res_table="dealers_rebate_claim",
                           res_id=1)
    claim = finance.file_rebate_claim(
        db, world.customers["a"], "sales_subsidy", period_start=TODAY - timedelta(days=30),
        period_end=TODAY, lines=[{"product": "TV", "quantity": 1, "unit_amount": "10.00"}],
        source="dealers.rebate_claim:1", evidence_attachment_ids=[att.id])
    assert claim.state == "submitted" and len(rebates.evidence(db, claim)) == 1
    assert finance.rebate_claim_state(db, claim.number) == "submitted"
    with pytest.raises(ServiceError, match="A rebate claim for this source exists already"):
        finance.file_rebate_claim(
            db, world.customers["a"], "sales_subsidy", period_start=TODAY, period_end=TODAY,
            lines=[{"product": "TV", "quantity": 1, "unit_amount": "10.00"}],
            source="dealers.rebate_claim:1")

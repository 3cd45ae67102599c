"""After-sale services: cleaning, maintenance and repair go through intake →
the customer's approval of the estimate → ready (customer told) →
returned (the charge, if any, invoiced in finance); an appraisal ends with
its certificate; a trade-in or buy-back is priced by the settings' rules —
a piece we sold, recognised by its certificate number, gets the better
rate — and the piece is marked traded in.

A piece we know (by its certificate number) taken in for cleaning,
maintenance or repair is "in repair" from intake until it is returned; the
change is one conditional UPDATE, so two intakes of one piece at once
leave exactly one service.

Money, in finance's terms, when a trade-in or buy-back is closed:
- buy-back (回购): we buy the old gold and pay the customer — two entries on
  the customer's ledger: Dr 1405 库存商品 / Cr 2203 (what we owe them),
  then Dr 2203 / Cr 1002 银行存款 or 1001 库存现金 (paid); the customer's
  balance is unchanged and their statement shows both lines;
- trade-in (以旧换新): the old gold's value is a credit note (冲差, Dr 6001 /
  Cr 2203) in the customer's favour, applied to their next sale (the new
  piece) like any other credit."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from core import settings
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError
from plugins.finance import api as finance

from ..models.after_sale import (
    APPRAISAL,
    APPROVED,
    BUY_BACK,
    DONE,
    INTAKE,
    READY,
    RETURNED,
    SERVICE_KINDS,
    TRADE_IN,
    WORKSHOP_KINDS,
    StoresDemoService,
)
from ..models.pieces import IN_REPAIR, SOLD, TRADED_IN, StoresDemoPiece
from .pieces import CENT, MAX_GRAMS, MAX_PRICE, day, gold_price, metal, number, text, transition
from core import clock

SOURCE = "stores_demo.service:"
RATE_KEYS = {
    (BUY_BACK, True): "stores_demo.buyback_pct_ours", (BUY_BACK, False): "stores_demo.buyback_pct_other",
    (TRADE_IN, True): "stores_demo.tradein_pct_ours", (TRADE_IN, False): "stores_demo.tradein_pct_other",
}


def our_piece(session: Session, certificate_no: str | None) -> StoresDemoPiece | None:
    """The piece we sold under this certificate number, if any."""
    if not certificate_no:
        return None
    return session.scalar(select(StoresDemoPiece).where(
        StoresDemoPiece.certificate_no == certificate_no.strip().upper()))


def offer(session: Session, kind: str, metal_code: str, net_weight: Decimal, ours: bool,
          on: date) -> Decimal:
    """Gold value (net grams × the day's price) × the settings' rate."""
    per_gram = gold_price(session, metal_code, on)
    if per_gram is None:
        raise ServiceError(_l("Enter today's %(metal)s price first.", metal=metal_code))
    rate = Decimal(str(settings.get(session, RATE_KEYS[(kind, ours)])))
    return (net_weight * per_gram * rate / 100).quantize(CENT)


def take_in(session: Session, customer_id: int, data: dict, user=None, *,
            today: date | None = None) -> StoresDemoService:
    """Record a service at the counter; every amount is checked first."""
    on = today or clock.today()
    kind = str(data.get("kind") or "")
    if kind not in SERVICE_KINDS:
        raise ServiceError(_l("Choose the kind of service."))
    cert = text(data.get("certificate_no"), _l("Certificate number"), 40, required=False)
    cert = cert.upper() if cert else None
    piece = our_piece(session, cert)
    ours = piece is not None and piece.sold_on is not None  # sold by us, whoever brings it back
    declared = number(data.get("declared_value"), _l("Declared value"), maximum=MAX_PRICE, allow_blank=True)
    estimate = number(data.get("estimate"), _l("Estimate"), maximum=MAX_PRICE, allow_blank=True,
                      positive=False)
    row = StoresDemoService(
        number=next_number(session, "stores_demo.service", on), kind=kind, customer_id=customer_id,
        piece_id=piece.id if piece is not None else None, certificate_no=cert,
        description=text(data.get("description"), _l("Piece"), 200),
        condition_notes=text(data.get("condition_notes"), _l("Condition on intake"), 4000, required=False),
        declared_value=declared, estimate=estimate, received_on=on, state=INTAKE, ours=ours,
        staff_id=getattr(user, "id", None), note=text(data.get("note"), _l("Note"), 2000, required=False))
    if kind in WORKSHOP_KINDS and piece is not None and piece.sold_on is not None:
        into_repair(session, piece, user)
    if kind in (TRADE_IN, BUY_BACK):
        row.metal = metal(data.get("metal") or (piece.metal if piece is not None else ""))
        row.net_weight = number(data.get("net_weight") or (piece.net_weight if piece is not None else None),
                                _l("Net weight (g)"), maximum=MAX_GRAMS, places=3)
        row.amount = offer(session, kind, row.metal, row.net_weight, ours, on)
    session.add(row)
    session.flush()
    return row


def into_repair(session: Session, piece: StoresDemoPiece, user=None) -> None:
    """A piece we sold comes in for work: sold → in repair, one conditional
    UPDATE (of two intakes at once, the second is refused)."""
    P = StoresDemoPiece
    if not transition(session, P, piece.id, P.state == SOLD, {"state": IN_REPAIR}, user):
        state = session.scalar(select(P.state).where(P.id == piece.id))
        if state == IN_REPAIR:
            raise ServiceError(_l("Piece %(cert)s is already in repair: finish that service first.",
                                  cert=piece.certificate_no))
        raise ServiceError(_l("Piece %(cert)s is not with a customer: it cannot be taken in for work.",
                              cert=piece.certificate_no))


def out_of_repair(session: Session, row: StoresDemoService, user=None) -> None:
    """The piece goes back to its owner: in repair → sold."""
    if row.piece_id is not None and row.kind in WORKSHOP_KINDS:
        P = StoresDemoPiece
        transition(session, P, row.piece_id, P.state == IN_REPAIR, {"state": SOLD}, user)


def approve(session: Session, row: StoresDemoService, user=None, *, today: date | None = None):
    """The customer accepted the estimate."""
    S = StoresDemoService
    if row.kind not in WORKSHOP_KINDS or not transition(
            session, S, row.id, S.state == INTAKE, {"state": APPROVED, "approved_on": today or clock.today()},
            user):
        raise ServiceError(_l("%(number)s is not waiting for the customer's approval.", number=row.number))
    session.refresh(row)
    return row


def mark_ready(session: Session, row: StoresDemoService, user=None, *, today: date | None = None):
    """The work is done and the customer is told to collect the piece."""
    S = StoresDemoService
    if not transition(session, S, row.id, S.state == APPROVED,
                      {"state": READY, "ready_on": today or clock.today()}, user):
        raise ServiceError(_l("%(number)s needs the customer's approval first.", number=row.number))
    session.refresh(row)
    return row


def give_back(session: Session, row: StoresDemoService, user=None, *, today: date | None = None):
    """The customer collected the piece; a charge (the estimate) is invoiced."""
    on = today or clock.today()
    S = StoresDemoService
    if not transition(session, S, row.id, S.state == READY, {"state": RETURNED, "returned_on": on}, user):
        raise ServiceError(_l("%(number)s is not ready to be collected.", number=row.number))
    out_of_repair(session, row, user)
    if row.estimate and row.estimate > 0:
        inv = finance.post_invoice(session, row.customer_id,
                                   [{"description": f"售后 {row.number} {row.description}",
                                     "unit_price": row.estimate, "quantity": 1}],
                                   when=on, source=f"{SOURCE}{row.id}",
                                   description=f"售后服务 {row.number}", user=user,
                                   prices_include_tax=True)
        transition(session, S, row.id, S.id == row.id, {"invoice_number": inv.number}, user)
    session.refresh(row)
    return row


def finish(session: Session, row: StoresDemoService, finding_raw: Any, user=None, *,
           method: str = "bank", today: date | None = None):
    """Close an appraisal (with its finding), a trade-in or a buy-back.  A
    piece of ours that comes back is marked traded in; a buy-back pays the
    customer and a trade-in credits them, both posted to finance."""
    on = today or clock.today()
    S = StoresDemoService
    values: dict = {"state": DONE, "returned_on": on}
    if row.kind == APPRAISAL:
        values["finding"] = text(finding_raw, _l("Finding"), 4000)
    elif row.kind not in (TRADE_IN, BUY_BACK):
        raise ServiceError(_l("Cleaning, maintenance and repair end when the piece is returned."))
    if row.kind == BUY_BACK and method not in PAY_ACCOUNTS:
        raise ServiceError(_l("Choose how the customer is paid."))
    if not transition(session, S, row.id, S.state == INTAKE, values, user):
        raise ServiceError(_l("%(number)s is already closed.", number=row.number))
    session.refresh(row)
    if row.kind in (TRADE_IN, BUY_BACK) and row.piece_id and row.ours:
        P = StoresDemoPiece
        transition(session, P, row.piece_id, P.state == SOLD, {"state": TRADED_IN}, user)
    if row.kind == BUY_BACK and row.amount:
        ref = _post_buy_back(session, row, method, on, user)
        transition(session, S, row.id, S.id == row.id, {"finance_reference": ref}, user)
    elif row.kind == TRADE_IN and row.amount:
        cn = finance.post_credit_note(
            session, row.customer_id, "offset", row.amount, when=on, source=f"{SOURCE}{row.id}",
            reason=f"以旧换新 {row.number} {row.description} {row.metal} {row.net_weight}g 抵扣新货")
        transition(session, S, row.id, S.id == row.id, {"finance_reference": cn.number}, user)
    session.refresh(row)
    return row


#: how a buy-back is paid: finance's bank and cash accounts
PAY_ACCOUNTS = {"bank": "1002", "cash": "1001"}
INVENTORY = "1405"  # 库存商品: the old gold bought back
ADVANCES = "2203"   # 预收账款: the customer's side of the ledger


def _post_buy_back(session: Session, row: StoresDemoService, method: str, on: date, user) -> str:
    """The purchase (Dr 1405 / Cr 2203 customer) and the payment (Dr 2203
    customer / Cr bank or cash): two entries, so the customer's statement
    shows what we bought and what we paid."""
    cust = row.customer
    dims = {"unit_id": cust.org_unit_id, "salesperson_id": cust.owner_id}
    source = f"{SOURCE}{row.id}"
    uid = getattr(user, "id", None)
    bought = f"回购 {row.number} {row.description} {row.metal} {row.net_weight}g"
    e1 = finance.post_entry(session, "GEN", on, [
        finance.LineSpec(INVENTORY, debit=row.amount, memo=bought, **dims),
        finance.LineSpec(ADVANCES, credit=row.amount, customer_id=row.customer_id, memo=bought, **dims),
    ], memo=bought, customer_id=row.customer_id, source=source, user_id=uid)
    paid = f"回购付款 {row.number}"
    e2 = finance.post_entry(session, "GEN", on, [
        finance.LineSpec(ADVANCES, debit=row.amount, customer_id=row.customer_id, memo=paid, **dims),
        finance.LineSpec(PAY_ACCOUNTS[method], credit=row.amount, memo=paid, **dims),
    ], memo=paid, customer_id=row.customer_id, source=source, user_id=uid)
    return f"{e1.number} {e2.number}"


def certificate_history(session: Session, certificate_no: str, customer_ids) -> list[dict]:
    """What happened to one certificate: the sale, then every service — one
    SQL query ordered by date.  Services of accounts the reader may not see
    are left out (``customer_ids``: a SELECT of the ids they may see)."""
    cert = (certificate_no or "").strip().upper()
    P, S = StoresDemoPiece, StoresDemoService
    sales = select(P.sold_on.label("day"), literal("sold").label("event"), P.sku.label("ref"),
                   P.sale_price.label("amount"), P.id.label("piece_id"), cast(null(), Integer).label("service_id")
                   ).where(P.certificate_no == cert, P.sold_on.is_not(None), P.customer_id.in_(customer_ids))
    services = select(S.received_on.label("day"), S.kind.label("event"), S.number.label("ref"),
                      S.amount.label("amount"), S.piece_id.label("piece_id"), S.id.label("service_id")
                      ).where(S.certificate_no == cert, S.customer_id.in_(customer_ids))
    q = union_all(sales, services).subquery()
    rows = session.execute(select(q).order_by(q.c.day, q.c.ref)).mappings().all()
    return [dict(r) for r in rows]

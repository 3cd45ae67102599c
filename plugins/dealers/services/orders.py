"""Sales orders (销售指令单): lines priced from a price list, the floor-price
rule, confirmation (credit check + finance invoice in one transaction) and
the paper trail the seed demands (signed/stamped slip, receipt slip)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core import audit
from core.access import has_permission, scoped_select
from core.db import utcnow
from core.events import emit
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError, lock
from core.fields import required_text, to_date, to_decimal, to_int
from plugins.customers.api import Customer

from ..models import DealerOrder, DealerOrderLine, DealerPriceList, DealerProduct, ShipmentSerial
from ..models.orders import CANCELLED, CONFIRMED, DRAFT
from . import finance_link
from .catalog import price_of, valid_lists
from .common import cents, period_of, setting
from .network import profile_of, require_active, require_dealer
from core import clock

SEQUENCE = "dealers.order"
PRICE_APPROVE = "dealers.price_approve"
HUNDRED = Decimal("100")


def _require_draft(order: DealerOrder) -> None:
    if order.state != DRAFT:
        raise ServiceError(_l("Order %(no)s is no longer a draft.", no=order.number))


def default_price_list(session: Session, customer: Customer, on: date) -> DealerPriceList | None:
    prof = profile_of(session, customer)
    if prof is not None and prof.price_list_id:
        pl = session.get(DealerPriceList, prof.price_list_id)
        if pl is not None and pl.active and pl.valid_from <= on and (pl.valid_to is None or pl.valid_to >= on):
            return pl
    lists = valid_lists(session, customer.kind, on)
    return lists[0] if lists else None


def create_order(session: Session, customer: Customer, user, *, order_date=None,
                 delivery_address: str = "", delivery_date=None, price_list_id=None,
                 note: str | None = None) -> DealerOrder:
    require_dealer(customer)
    require_active(customer)
    day = to_date(order_date, _l("Order date"), allow_blank=True) or clock.today()
    if price_list_id:
        pl = session.get(DealerPriceList, int(price_list_id))
        if pl is None or not pl.active:
            raise ServiceError(_l("Unknown price list."))
        if pl.dealer_kind and pl.dealer_kind != customer.kind:
            raise ServiceError(_l("Price list %(name)s is not for this kind of dealer.", name=pl.name))
    else:
        pl = default_price_list(session, customer, day)
        if pl is None:
            raise ServiceError(_l("No valid price list for this dealer on %(day)s.", day=day.isoformat()))
    order = DealerOrder(number=next_number(session, SEQUENCE, day), customer_id=customer.id,
                  price_list_id=pl.id, state=DRAFT, order_date=day,
                  delivery_address=(delivery_address or customer.address or "").strip()[:255],
                  delivery_date=to_date(delivery_date, _l("Delivery date"), allow_blank=True),
                  note=note, created_by=user.id if user else None, total=Decimal("0"))
    session.add(order)
    session.flush()
    return order


def _refresh_total(session: Session, order: DealerOrder) -> None:
    session.flush()
    total = session.scalar(select(func.coalesce(func.sum(DealerOrderLine.amount), 0))
                           .where(DealerOrderLine.order_id == order.id))
    order.total = cents(Decimal(total))
    session.flush()


def _clear_approval(order: DealerOrder) -> None:
    # An approval covers the lines it saw; changed lines need a new one.
    order.floor_approved_by = order.floor_approved_at = order.floor_approval_reason = None


def add_line(session: Session, order: DealerOrder, product: DealerProduct, quantity, discount_pct="0",
             unit_price=None) -> DealerOrderLine:
    order = lock(session, order)
    _require_draft(order)
    if not product.active:
        raise ServiceError(_l("%(model)s is no longer sold.", model=product.model))
    qty = to_int(quantity, _l("Quantity"), minimum=1)
    disc = to_decimal(discount_pct or "0", _l("Discount (%)"))
    if disc >= HUNDRED:
        raise ServiceError(_l("A discount must be below 100 %."))
    if unit_price is None or str(unit_price).strip() == "":
        price = price_of(session, order.price_list, product)
    else:
        price = cents(to_decimal(unit_price, _l("Unit price")))
    net = cents(price * (HUNDRED - disc) / HUNDRED)
    line = DealerOrderLine(product_id=product.id, quantity=qty, unit_price=price,
                     discount_pct=disc, net_price=net, amount=cents(net * qty),
                     floor_price=product.floor_price, below_floor=net < product.floor_price)
    order.lines.append(line)  # cascades into the session
    if line.below_floor:
        _clear_approval(order)
    _refresh_total(session, order)
    return line


def remove_line(session: Session, order: DealerOrder, line: DealerOrderLine) -> None:
    order = lock(session, order)
    _require_draft(order)
    if line.order_id != order.id:
        raise ServiceError(_l("This line belongs to another order."))
    if line not in order.lines:
        raise ServiceError(_l("This line was already removed."))
    order.lines.remove(line)
    session.delete(line)
    _clear_approval(order)
    _refresh_total(session, order)


def approve_below_floor(session: Session, order: DealerOrder, user, reason: str) -> None:
    """A manager lets lines below the floor price through, with a reason that
    lands in the audit trail (domain: 稳定价格体系)."""
    order = lock(session, order)
    _require_draft(order)
    if not has_permission(session, user, PRICE_APPROVE):
        raise ServiceError(_l("Only a manager may approve prices below the floor."))
    if not order.below_floor:
        raise ServiceError(_l("No line of this order is below the floor price."))
    reason = required_text(reason, _l("Reason"), 2000)
    audit.set_reason(session, reason)
    order.floor_approved_by = user.id
    order.floor_approved_at = utcnow()
    order.floor_approval_reason = reason
    session.flush()


def floor_problems(order: DealerOrder) -> list[str]:
    return [f"{ln.product.model}: {ln.net_price} < {ln.floor_price}"
            for ln in order.lines if ln.below_floor]


def confirm_order(session: Session, order: DealerOrder, user, *, override_reason: str | None = None,
                  on: date | None = None) -> DealerOrder:
    """Confirm: floor rule, finance's credit check, then the finance invoice —
    all in the caller's transaction, so a refusal leaves nothing behind."""
    # Confirming, cancelling or changing lines of one slip at once: the
    # second waits for the first and then finds it no longer a draft.
    order = lock(session, order)
    _require_draft(order)
    if not order.lines:
        raise ServiceError(_l("An order needs at least one line."))
    customer = order.customer
    require_active(customer)
    if order.below_floor and not order.floor_approved:
        raise ServiceError(_l("Below the floor price without a manager's approval: %(lines)s.",
                              lines="; ".join(floor_problems(order))))
    _refresh_total(session, order)
    day = on or clock.today()
    finance_link.check_credit(session, customer, order.total, user,
                              override_reason=(override_reason or "").strip() or None,
                              reference=f"dealers.order:{order.id}")
    order.state = CONFIRMED
    order.confirmed_at = utcnow()
    order.confirmed_on = day
    order.confirmed_period = period_of(day)
    order.confirmed_by = user.id if user else None
    order.credit_override_reason = (override_reason or "").strip() or None
    session.flush()
    ref, number = finance_link.invoice_order(session, order, user, day)
    order.invoice_ref, order.invoice_number = ref, number
    session.flush()
    emit(session, "dealers.order_confirmed", order_id=order.id, customer_id=customer.id,
         amount=str(order.total))
    return order


def cancel_order(session: Session, order: DealerOrder, reason: str) -> None:
    order = lock(session, order)
    _require_draft(order)
    reason = required_text(reason, _l("Reason"), 2000)
    audit.set_reason(session, reason)
    order.state = CANCELLED
    order.note = ((order.note or "") + "\n" + reason).strip()
    session.flush()


# -- paper trail -------------------------------------------------------------
def _require_confirmed(order: DealerOrder) -> None:
    if order.state != CONFIRMED:
        raise ServiceError(_l("Order %(no)s is not confirmed.", no=order.number))


def check_signature(order: DealerOrder, *, signer: str, signed_on, stamped: bool) -> tuple[str, date]:
    """Refuse a bad signature record before its scan is stored."""
    _require_confirmed(order)
    name = required_text(signer, _l("Signed by"), 80)
    day = to_date(signed_on, _l("Signed on"))
    if day < order.confirmed_on:
        raise ServiceError(_l("The slip cannot be signed before the order was confirmed."))
    if day > clock.today():
        raise ServiceError(_l("A date in the future is not accepted."))
    if not stamped:
        raise ServiceError(_l("The slip needs the dealer's company stamp as well as the signature."))
    return name, day


def record_signature(session: Session, order: DealerOrder, *, signer: str, signed_on, stamped: bool,
                     scan_id: int | None) -> None:
    """The dealer signed and stamped the slip (who, when, the scan)."""
    order = lock(session, order)
    name, day = check_signature(order, signer=signer, signed_on=signed_on, stamped=stamped)
    if not scan_id:
        raise ServiceError(_l("Attach the scan of the signed slip."))
    order.signed_by_name, order.signed_on, order.stamped = name, day, True
    order.signature_scan_id = scan_id
    session.flush()


def record_invoice_delivered(session: Session, order: DealerOrder, delivered_on) -> None:
    order = lock(session, order)
    _require_confirmed(order)
    day = to_date(delivered_on, _l("Delivered on"))
    if day < order.confirmed_on or day > clock.today():
        raise ServiceError(_l("The delivery date must lie between confirmation and today."))
    order.invoice_delivered_on = day
    session.flush()


def check_receipt(order: DealerOrder, *, returned_on) -> date:
    _require_confirmed(order)
    day = to_date(returned_on, _l("Returned on"))
    if day < order.confirmed_on or day > clock.today():
        raise ServiceError(_l("The return date must lie between confirmation and today."))
    return day


def record_receipt(session: Session, order: DealerOrder, *, returned_on, scan_id: int | None) -> None:
    """The receipt slip (签收单) for the invoice came back to finance."""
    order = lock(session, order)
    day = check_receipt(order, returned_on=returned_on)
    if not scan_id:
        raise ServiceError(_l("Attach the scan of the receipt slip."))
    if order.invoice_delivered_on is None:
        order.invoice_delivered_on = day
    order.receipt_returned_on, order.receipt_scan_id = day, scan_id
    session.flush()


def overdue_signatures(session: Session, user, today: date | None = None) -> Select:
    days = int(setting(session, "signed_slip_overdue_days"))
    limit = (today or clock.today()) - timedelta(days=days)
    return (scoped_select(session, DealerOrder, user)
            .where(DealerOrder.state == CONFIRMED, DealerOrder.signed_on.is_(None), DealerOrder.confirmed_on <= limit)
            .order_by(DealerOrder.confirmed_on, DealerOrder.id))


def overdue_receipts(session: Session, user, today: date | None = None) -> Select:
    days = int(setting(session, "receipt_slip_overdue_days"))
    limit = (today or clock.today()) - timedelta(days=days)
    since = func.coalesce(DealerOrder.invoice_delivered_on, DealerOrder.confirmed_on)
    return (scoped_select(session, DealerOrder, user)
            .where(DealerOrder.state == CONFIRMED, DealerOrder.receipt_returned_on.is_(None), since <= limit)
            .order_by(since, DealerOrder.id))


# -- shipment serials (窜货 control) ---------------------------------------------
def record_shipment(session: Session, order: DealerOrder, serials: dict[int, list[str]],
                    shipped_on=None) -> int:
    """Serial numbers shipped per line; the region is the dealer's assigned one."""
    order = lock(session, order)  # two shipments at once: the second counts the first's serials
    _require_confirmed(order)
    day = to_date(shipped_on, _l("Shipped on"), allow_blank=True) or clock.today()
    prof = profile_of(session, order.customer)
    cust = order.customer
    region = ((prof.region_province, prof.region_city, prof.region_county) if prof
              else (cust.province, cust.city, cust.county))
    lines = {ln.id: ln for ln in order.lines}
    seen: set[str] = set()
    added = 0
    for line_id, numbers in serials.items():
        line = lines.get(int(line_id))
        if line is None:
            raise ServiceError(_l("This line belongs to another order."))
        clean = [n.strip() for n in numbers if n and n.strip()]
        already = session.scalar(select(func.count(ShipmentSerial.id)).where(
            ShipmentSerial.order_id == order.id, ShipmentSerial.product_id == line.product_id)) or 0
        if already + len(clean) > line.quantity:
            raise ServiceError(_l("%(model)s: more serial numbers than units ordered (%(n)s).",
                                  model=line.product.model, n=line.quantity))
        for sn in clean:
            if len(sn) > 60:
                raise ServiceError(_l("Serial number %(sn)s is too long.", sn=sn[:20]))
            if sn in seen or session.scalar(select(ShipmentSerial.id).where(ShipmentSerial.serial_no == sn)):
                raise ServiceError(_l("Serial number %(sn)s was already shipped.", sn=sn))
            seen.add(sn)
            session.add(ShipmentSerial(serial_no=sn, order_id=order.id, product_id=line.product_id,
                                       customer_id=order.customer_id, province=region[0],
                                       city=region[1], county=region[2], shipped_on=day))
            added += 1
    if order.delivered_on is None:
        order.delivered_on = day
    session.flush()
    return added


def confirmed_amounts(session: Session, customer_ids, start: date, end: date) -> dict[int, Decimal]:
    """Confirmed order totals per dealer in ``[start, end)`` (feeds ABC grading)."""
    rows = session.execute(
        select(DealerOrder.customer_id, func.sum(DealerOrder.total))
        .where(DealerOrder.state == CONFIRMED, DealerOrder.customer_id.in_(customer_ids),
               DealerOrder.confirmed_on >= start, DealerOrder.confirmed_on < end)
        .group_by(DealerOrder.customer_id))
    return {cid: Decimal(total or 0) for cid, total in rows}

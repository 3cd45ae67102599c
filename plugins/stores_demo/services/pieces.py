"""Pieces and the day's gold price: entering and pricing a piece, reserving
it for an account, letting it go again and selling it.

State changes are conditional UPDATEs (``... WHERE state = 'in_stock'``):
of two people reserving the same piece at once exactly one row is
updated, and the other is told the piece is already taken.  Selling
posts a finance invoice to the customer, so the sale appears in the
customer's ledger and statement."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from core.db import utcnow
from core.i18n import _l
from core.models import AuditLog
from core.services import ServiceError
from plugins.finance import api as finance

from ..models.pieces import (
    BY_TAG,
    BY_WEIGHT,
    IN_STOCK,
    METALS,
    PIECE_STATES,
    PRICINGS,
    RESERVED,
    SOLD,
    StoresDemoGoldPrice,
    StoresDemoPiece,
)
from core import clock

CENT = Decimal("0.01")
#: Beyond these a typing slip is far likelier than a real piece.
MAX_GRAMS = Decimal("5000")
MAX_CARATS = Decimal("500")
MAX_PRICE = Decimal("100000000")
MAX_GOLD_PRICE = Decimal("100000")
SALE_SOURCE = "stores_demo.piece:"


# -- input ----------------------------------------------------------------
def number(raw: Any, label: Any, *, maximum: Decimal, places: int = 2, allow_blank: bool = False,
           positive: bool = True) -> Decimal | None:
    """A decimal from a form field: blank, nonsense, negative or absurd
    values are refused with the field's name."""
    if raw is None or str(raw).strip() == "":
        if allow_blank:
            return None
        raise ServiceError(_l("%(field)s is required.", field=label))
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
        if not value.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("%(field)s must be a number.", field=label)) from None
    if value < 0 or (positive and value == 0):
        raise ServiceError(_l("%(field)s must be greater than zero.", field=label)
                           if positive else _l("%(field)s cannot be negative.", field=label))
    if value > maximum:
        raise ServiceError(_l("%(field)s is too large (at most %(max)s).", field=label, max=maximum))
    return value.quantize(Decimal(1).scaleb(-places))


def text(raw: Any, label: Any, max_len: int, *, required: bool = True) -> str | None:
    value = str(raw or "").strip()
    if not value:
        if required:
            raise ServiceError(_l("%(field)s is required.", field=label))
        return None
    if len(value) > max_len:
        raise ServiceError(_l("%(field)s is too long (at most %(n)s characters).", field=label, n=max_len))
    return value


def day(raw: Any, label: Any, *, allow_blank: bool = False) -> date | None:
    if isinstance(raw, date):
        return raw
    if raw is None or str(raw).strip() == "":
        if allow_blank:
            return None
        raise ServiceError(_l("%(field)s is required.", field=label))
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ServiceError(_l("%(field)s must be a date (YYYY-MM-DD).", field=label)) from None


def metal(raw: Any) -> str:
    value = str(raw or "").strip()
    if value not in METALS:
        raise ServiceError(_l("Choose a metal and purity from the list."))
    return value


# -- conditional state changes ----------------------------------------------
def transition(session: Session, model, ident: int, where, values: dict, user=None) -> bool:
    """``UPDATE model SET values WHERE id = ident AND where``; True when the
    row still matched ``where`` (and is now changed).  The change is
    audited like an ORM edit and moves the row's version, so an edit form
    loaded before it is refused."""
    old = session.execute(select(*[getattr(model, k) for k in values])
                          .where(model.id == ident)).first()
    stmt = (update(model).where(model.id == ident, where)
            .values(**values, version=model.version + 1, updated_at=utcnow())
            .execution_options(synchronize_session=False))
    if session.execute(stmt).rowcount != 1:
        return False
    changes = {k: [_plain(old[i]) if old else None, _plain(v)]
               for i, (k, v) in enumerate(values.items()) if old is None or old[i] != v}
    session.execute(insert(AuditLog.__table__).values(
        at=utcnow(), user_id=getattr(user, "id", None) or session.info.get("audit_user_id"),
        table_name=model.__tablename__, record_id=str(ident), action="update", changes=changes,
        reason=session.info.get("audit_reason")))
    loaded = session.identity_map.get(identity_key(model, ident))
    if loaded is not None:  # the ORM copy reads the new values on next access
        session.expire(loaded)
    return True


def _plain(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    return v


# -- gold prices ------------------------------------------------------------
def gold_price(session: Session, metal_code: str, on: date) -> Decimal | None:
    """The day's price per gram of ``metal_code`` (None when not entered)."""
    return session.scalar(select(StoresDemoGoldPrice.price_per_gram).where(
        StoresDemoGoldPrice.metal == metal_code, StoresDemoGoldPrice.day == on))


def set_gold_price(session: Session, *, day_raw: Any, metal_raw: Any, price_raw: Any,
                   user=None) -> StoresDemoGoldPrice:
    """One price per day and metal: entering it again corrects that day's price."""
    on = day(day_raw, _l("Day"))
    code = metal(metal_raw)
    price = number(price_raw, _l("Price per gram"), maximum=MAX_GOLD_PRICE)
    row = session.scalar(select(StoresDemoGoldPrice).where(
        StoresDemoGoldPrice.metal == code, StoresDemoGoldPrice.day == on).with_for_update())
    if row is None:
        row = StoresDemoGoldPrice(day=on, metal=code, price_per_gram=price,
                                  recorded_by=getattr(user, "id", None))
        session.add(row)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # someone entered the same day and metal a moment ago
            raise ServiceError(_l("The %(metal)s price of %(day)s was just entered by someone else; "
                                  "reload and correct it.", metal=code, day=on.isoformat())) from None
    else:
        row.price_per_gram = price
        row.recorded_by = getattr(user, "id", None)
        session.flush()
    return row


# -- pieces -------------------------------------------------------------------
FIELDS = ("sku", "name", "style", "metal", "gross_weight", "net_weight", "stone", "carat", "colour",
          "clarity", "cut", "size", "certificate_no", "certificate_lab", "pricing", "tag_price",
          "labour_fee", "note")


def save_piece(session: Session, piece: StoresDemoPiece | None, data: dict, user=None) -> StoresDemoPiece:
    """Create (``piece`` None) or edit a piece from form data; every value is
    checked before anything is written."""
    v: dict[str, Any] = {
        "sku": text(data.get("sku"), _l("SKU"), 40),
        "name": text(data.get("name"), _l("Name"), 120),
        "style": text(data.get("style"), _l("Style"), 40, required=False),
        "metal": metal(data.get("metal")),
        "gross_weight": number(data.get("gross_weight"), _l("Gross weight (g)"), maximum=MAX_GRAMS, places=3),
        "net_weight": number(data.get("net_weight"), _l("Net weight (g)"), maximum=MAX_GRAMS, places=3),
        "stone": text(data.get("stone"), _l("Stone"), 40, required=False),
        "carat": number(data.get("carat"), _l("Carat"), maximum=MAX_CARATS, places=3, allow_blank=True),
        "colour": text(data.get("colour"), _l("Colour"), 8, required=False),
        "clarity": text(data.get("clarity"), _l("Clarity"), 8, required=False),
        "cut": text(data.get("cut"), _l("Cut"), 12, required=False),
        "size": text(data.get("size"), _l("Size"), 12, required=False),
        "certificate_no": text(data.get("certificate_no"), _l("Certificate number"), 40, required=False),
        "certificate_lab": text(data.get("certificate_lab"), _l("Laboratory"), 12, required=False),
        "pricing": str(data.get("pricing") or BY_TAG),
        "tag_price": number(data.get("tag_price"), _l("Tag price"), maximum=MAX_PRICE, allow_blank=True),
        "labour_fee": number(data.get("labour_fee"), _l("Labour fee"), maximum=MAX_PRICE, allow_blank=True,
                             positive=False),
        "note": text(data.get("note"), _l("Note"), 2000, required=False),
    }
    if v["pricing"] not in PRICINGS:
        raise ServiceError(_l("Choose how the piece is priced."))
    if v["net_weight"] > v["gross_weight"]:
        raise ServiceError(_l("The net weight cannot be more than the gross weight."))
    if v["pricing"] == BY_TAG and v["tag_price"] is None:
        raise ServiceError(_l("A piece priced by its tag needs a tag price."))
    if v["certificate_no"]:
        v["certificate_no"] = v["certificate_no"].upper()
        clash = session.scalar(select(StoresDemoPiece.sku).where(
            StoresDemoPiece.certificate_no == v["certificate_no"],
            StoresDemoPiece.id != (piece.id if piece is not None else -1)))
        if clash:
            raise ServiceError(_l("Certificate number %(no)s is already used by piece %(sku)s.",
                                  no=v["certificate_no"], sku=clash))
    if piece is None:
        piece = StoresDemoPiece(state=IN_STOCK, **v)
        session.add(piece)
    else:
        for k, val in v.items():
            setattr(piece, k, val)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # the same certificate saved by someone else a moment ago
        raise ServiceError(_l("Certificate number %(no)s is already used by another piece.",
                              no=v["certificate_no"])) from None
    return piece


def price_of(session: Session, piece: StoresDemoPiece, on: date | None = None) -> Decimal | None:
    """Tag price, or net grams × the day's price of its metal + labour
    (None when that day's price has not been entered)."""
    if piece.pricing == BY_WEIGHT:
        per_gram = gold_price(session, piece.metal, on or clock.today())
        if per_gram is None or piece.net_weight is None:
            return None
        return (piece.net_weight * per_gram + (piece.labour_fee or 0)).quantize(CENT)
    return piece.tag_price


def reserve(session: Session, piece: StoresDemoPiece | int, customer_id: int, user, *,
            today: date | None = None) -> StoresDemoPiece:
    """Reserve an in-stock piece for an account (a customer the caller may
    edit: the view checks that)."""
    ident = piece if isinstance(piece, int) else piece.id
    ok = transition(session, StoresDemoPiece, ident, StoresDemoPiece.state == IN_STOCK, user=user,
                    values={"state": RESERVED, "customer_id": customer_id,
                            "reserved_by": getattr(user, "id", None),
                            "reserved_on": today or clock.today()})
    row = session.get(StoresDemoPiece, ident, populate_existing=True)
    if row is None:
        raise ServiceError(_l("This piece does not exist."))
    if not ok:
        raise ServiceError(_l("Piece %(sku)s is no longer in stock: someone else has reserved or sold it.",
                              sku=row.sku))
    return row


def release(session: Session, piece: StoresDemoPiece | int, user) -> StoresDemoPiece:
    """Put a reserved piece back in stock."""
    ident = piece if isinstance(piece, int) else piece.id
    ok = transition(session, StoresDemoPiece, ident, StoresDemoPiece.state == RESERVED, user=user,
                    values={"state": IN_STOCK, "customer_id": None, "reserved_by": None,
                            "reserved_on": None})
    row = session.get(StoresDemoPiece, ident, populate_existing=True)
    if row is None:
        raise ServiceError(_l("This piece does not exist."))
    if not ok:
        raise ServiceError(_l("Piece %(sku)s is not reserved.", sku=row.sku))
    return row


def sell(session: Session, piece: StoresDemoPiece | int, customer_id: int, user, *,
         price_raw: Any = None, today: date | None = None) -> StoresDemoPiece:
    """Sell an in-stock piece, or one reserved for this same customer, and
    invoice it in finance.  The price defaults to the piece's price today."""
    ident = piece if isinstance(piece, int) else piece.id
    row = session.get(StoresDemoPiece, ident)
    if row is None:
        raise ServiceError(_l("This piece does not exist."))
    on = today or clock.today()
    if price_raw not in (None, ""):
        price = number(price_raw, _l("Sale price"), maximum=MAX_PRICE)
    else:
        price = price_of(session, row, on)
        if price is None:
            raise ServiceError(_l("Enter today's %(metal)s price first, or give the sale price.",
                                  metal=row.metal))
    if row.state == RESERVED and row.customer_id != customer_id:
        raise ServiceError(_l("Piece %(sku)s is reserved for another customer.", sku=row.sku))
    P = StoresDemoPiece
    sellable = or_(P.state == IN_STOCK, and_(P.state == RESERVED, P.customer_id == customer_id))
    ok = transition(session, P, ident, sellable, user=user, values={"state": SOLD, "customer_id": customer_id, "sold_on": on,
                                       "sale_price": price})
    if not ok:
        raise ServiceError(_l("Piece %(sku)s is no longer for sale: it is reserved for someone else "
                              "or already sold.", sku=row.sku))
    row = session.get(StoresDemoPiece, ident, populate_existing=True)
    desc = f"{row.name} {row.sku}" + (f" 证书 {row.certificate_no}" if row.certificate_no else "")
    inv = finance.post_invoice(session, customer_id, [{"description": desc, "unit_price": price,
                                                       "quantity": 1}],
                               when=on, source=f"{SALE_SOURCE}{row.id}",
                               description=f"珠宝销售 {row.sku}", user=user, prices_include_tax=True)
    transition(session, P, ident, P.state == SOLD, user=user, values={"invoice_number": inv.number})
    return session.get(StoresDemoPiece, ident, populate_existing=True)


def sold_amounts(session: Session, customer_ids, start: date, end: date) -> dict[int, Decimal]:
    """Pieces sold per customer in ``[start, end)`` (the customers plugin's ABC grading)."""
    rows = session.execute(
        select(StoresDemoPiece.customer_id, func.sum(StoresDemoPiece.sale_price))
        .where(StoresDemoPiece.state.in_(tuple(s for s in PIECE_STATES if s not in (IN_STOCK, RESERVED))),
               StoresDemoPiece.sold_on >= start, StoresDemoPiece.sold_on < end,
               StoresDemoPiece.customer_id.in_(customer_ids))
        .group_by(StoresDemoPiece.customer_id))
    return {cid: Decimal(total or 0) for cid, total in rows}

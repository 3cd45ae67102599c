"""Products and price lists."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError
from core.fields import required_text, to_date, to_decimal

from ..models import DealerPriceList, DealerPriceListItem, DealerProduct
from ..models.catalog import CATEGORIES, PRODUCT_STATUSES
from .common import cents


def save_product(session: Session, product: DealerProduct | None, *, model: str, name: str = "",
                 category: str, list_price, floor_price, status: str,
                 active: bool = True) -> DealerProduct:
    model = required_text(model, _l("Model"), 60)
    if category not in CATEGORIES:
        raise ServiceError(_l("Unknown product category."))
    if status not in PRODUCT_STATUSES:
        raise ServiceError(_l("Unknown product status."))
    lp = cents(to_decimal(list_price, _l("List price")))
    fp = cents(to_decimal(floor_price, _l("Floor price")))
    if fp > lp:
        raise ServiceError(_l("The floor price cannot be above the list price."))
    clash = session.scalar(select(DealerProduct.id).where(DealerProduct.model == model))
    if clash and (product is None or clash != product.id):
        raise ServiceError(_l("Model %(model)s already exists.", model=model))
    if product is None:
        product = DealerProduct(model=model)
        session.add(product)
    product.model, product.name, product.category = model, (name or "").strip()[:200], category
    product.list_price, product.floor_price, product.status = lp, fp, status
    product.active = bool(active)
    session.flush()
    return product


def save_price_list(session: Session, pl: DealerPriceList | None, *, name: str, valid_from,
                    valid_to=None, dealer_kind: str | None = None, active: bool = True,
                    note: str | None = None) -> DealerPriceList:
    name = required_text(name, _l("Name"), 120)
    start = to_date(valid_from, _l("Valid from"))
    end = to_date(valid_to, _l("Valid to"), allow_blank=True)
    if end is not None and end < start:
        raise ServiceError(_l("A price list cannot end before it starts."))
    if pl is None:
        pl = DealerPriceList(name=name, valid_from=start)
        session.add(pl)
    pl.name, pl.valid_from, pl.valid_to = name, start, end
    pl.dealer_kind = dealer_kind or None
    pl.active, pl.note = bool(active), note
    session.flush()
    return pl


def set_price(session: Session, pl: DealerPriceList, product: DealerProduct, price) -> DealerPriceListItem:
    value = cents(to_decimal(price, _l("Price")))
    item = session.scalar(select(DealerPriceListItem).where(
        DealerPriceListItem.price_list_id == pl.id, DealerPriceListItem.product_id == product.id))
    if item is None:
        item = DealerPriceListItem(price_list_id=pl.id, product_id=product.id, price=value)
        session.add(item)
    item.price = value
    session.flush()
    return item


def remove_price(session: Session, item: DealerPriceListItem) -> None:
    session.delete(item)
    session.flush()


def valid_lists(session: Session, kind: str | None, on: date) -> list[DealerPriceList]:
    """Active lists valid on ``on`` for a dealer kind (own kind first, then general)."""
    stmt = (select(DealerPriceList)
            .where(DealerPriceList.active.is_(True), DealerPriceList.valid_from <= on,
                   or_(DealerPriceList.valid_to.is_(None), DealerPriceList.valid_to >= on),
                   or_(DealerPriceList.dealer_kind.is_(None), DealerPriceList.dealer_kind == kind))
            .order_by(DealerPriceList.dealer_kind.is_(None), DealerPriceList.valid_from.desc(), DealerPriceList.id.desc()))
    return list(session.execute(stmt).scalars())


def price_of(session: Session, pl: DealerPriceList | None, product: DealerProduct) -> Decimal:
    """The dealer price of ``product`` on ``pl``; refuses a product not listed."""
    if pl is None:
        raise ServiceError(_l("The order has no price list."))
    price = session.scalar(select(DealerPriceListItem.price).where(
        DealerPriceListItem.price_list_id == pl.id, DealerPriceListItem.product_id == product.id))
    if price is None:
        raise ServiceError(_l("%(model)s is not on the price list %(name)s.",
                              model=product.model, name=pl.name))
    return price


def active_products(session: Session) -> list[DealerProduct]:
    return list(session.execute(
        select(DealerProduct).where(DealerProduct.active.is_(True)).order_by(DealerProduct.category, DealerProduct.model)
    ).scalars())

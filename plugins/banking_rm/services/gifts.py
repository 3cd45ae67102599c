"""Gifts to customers (seed 004: 小礼品 … 在自己可控制的成本范围之内，在法律和
银行可允许赠送礼品的范围之内): each gift is logged with its value, and a
customer's gifts in a calendar year cannot exceed the ceiling (a setting).

Two managers giving the last of a customer's allowance at the same moment:
the customer's row is locked before the year's total is read (PostgreSQL:
SELECT … FOR NO KEY UPDATE; SQLite serialises write transactions), so the
second one sees the first gift and is refused."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from core.access import has_permission
from core.i18n import _l
from core.services import ServiceError, lock
from core.fields import optional_text, required_text, to_decimal
from plugins.customers.api import Customer, customer_ids_for

from ..declarations import APPROVE_ABOVE
from ..models.campaigns import BankCampaign
from ..models.care import BankGift
from .care_inputs import setting, to_date
from core import clock


def year_total(session: Session, customer_id: int, year: int) -> Decimal:
    return Decimal(session.scalar(
        select(func.coalesce(func.sum(BankGift.value), 0))
        .where(BankGift.customer_id == customer_id, BankGift.year == year)) or 0)


def give(session: Session, customer: Customer, user, *, item, value, given_on=None, campaign_id=None,
         note=None) -> BankGift:
    item = required_text(item, _l("Gift"), 120)
    amount = to_decimal(value, _l("Value"), positive=True)
    day = to_date(session, given_on, _l("Given on"), allow_blank=True) or clock.today()
    if day > clock.today():
        raise ServiceError(_l("A gift cannot be dated in the future."))
    campaign = None
    if campaign_id not in (None, ""):
        try:
            campaign = session.get(BankCampaign, int(campaign_id))
        except (TypeError, ValueError):
            campaign = None
        if campaign is None:
            raise ServiceError(_l("Unknown campaign."))
    over = Decimal(setting(session, "gift_approval_over"))
    if amount > over and not has_permission(session, user, APPROVE_ABOVE):
        raise ServiceError(_l("A gift above %(limit)s needs the branch head's approval: the branch head "
                              "logs it.", limit="{:,.2f}".format(over)))
    customer = lock(session, Customer, customer.id)  # one gift of this customer at a time
    ceiling = Decimal(setting(session, "gift_yearly_ceiling"))
    given = year_total(session, customer.id, day.year)
    if given + amount > ceiling:
        raise ServiceError(_l("Refused: gifts to %(name)s in %(year)s would come to %(total)s, above the "
                              "yearly ceiling of %(ceiling)s (%(left)s left).", name=customer.name,
                              year=day.year, total="{:,.2f}".format(given + amount), ceiling="{:,.2f}".format(ceiling),
                              left="{:,.2f}".format(max(ceiling - given, Decimal(0)))))
    gift = BankGift(customer_id=customer.id, user_id=user.id, given_on=day, year=day.year, item=item,
                    value=amount, campaign_id=campaign.id if campaign else None,
                    note=optional_text(note, _l("Note")))
    session.add(gift)
    session.flush()
    return gift


def by_customer(user, year: int) -> Select:
    """The year's gifts per customer, summed in SQL, largest first."""
    return (select(Customer.id, Customer.code, Customer.name, func.count(BankGift.id).label("n"),
                   func.sum(BankGift.value).label("total"))
            .join(BankGift, BankGift.customer_id == Customer.id)
            .where(BankGift.year == year, Customer.id.in_(customer_ids_for(user)))
            .group_by(Customer.id, Customer.code, Customer.name)
            .order_by(func.sum(BankGift.value).desc(), Customer.id))


def recent(user, limit: int = 50) -> Select:
    return (select(BankGift, Customer.name, Customer.code)
            .join(Customer, Customer.id == BankGift.customer_id)
            .where(BankGift.customer_id.in_(customer_ids_for(user)))
            .order_by(BankGift.given_on.desc(), BankGift.id.desc()).limit(limit))

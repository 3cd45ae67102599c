"""Yield watch (seed 004: 账户收益提醒, 止盈止损提醒): a wealth product or
fund whose yield falls below its floor (its own, else the branch's setting)
or below the rate the customer was told to expect is on its manager's alert
list."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError, lock
from core.fields import to_decimal
from plugins.customers.api import Customer, customer_ids_for

from ..models.care import BankHoldingWatch
from ..models.clients import FUND, OPEN, WEALTH, BankHolding
from .care_inputs import setting

WATCHED_KINDS = (WEALTH, FUND)
HUNDRED = Decimal(100)


def _base(user, manager_id: int | None):
    conds = [BankHolding.status == OPEN, BankHolding.kind.in_(WATCHED_KINDS),
             BankHolding.customer_id.in_(customer_ids_for(user))]
    if manager_id:
        conds.append(Customer.owner_id == manager_id)
    return conds


def watched(user, manager_id: int | None = None) -> Select:
    """Wealth products and funds with their yield and watch."""
    return (select(BankHolding.id, BankHolding.customer_id, Customer.code, Customer.name, Customer.owner_id,
                   BankHolding.kind, BankHolding.product_name, BankHolding.amount, BankHolding.yield_rate,
                   BankHoldingWatch.floor_rate, BankHoldingWatch.expected_rate)
            .join(Customer, Customer.id == BankHolding.customer_id)
            .outerjoin(BankHoldingWatch, BankHoldingWatch.holding_id == BankHolding.id)
            .where(*_base(user, manager_id))
            .order_by(BankHolding.yield_rate, BankHolding.id))


def alerts(session: Session, user, manager_id: int | None = None) -> Select:
    """One statement: the watched holdings below their floor or expected rate."""
    floor = setting(session, "yield_floor")
    low = or_(BankHolding.yield_rate < func.coalesce(BankHoldingWatch.floor_rate, floor),
              and_(BankHoldingWatch.expected_rate.is_not(None),
                   BankHolding.yield_rate < BankHoldingWatch.expected_rate))
    return watched(user, manager_id).where(BankHolding.yield_rate.is_not(None), low)


def alert_count(session: Session, user) -> int:
    stmt = alerts(session, user).with_only_columns(func.count(BankHolding.id)).order_by(None)
    return int(session.scalar(stmt) or 0)


def _rate(raw, label) -> Decimal | None:
    """A rate typed in percent (3.2 → 0.0320)."""
    value = to_decimal(raw, label, allow_blank=True, maximum=HUNDRED)
    return None if value is None else (value / HUNDRED).quantize(Decimal("0.0001"))


def set_watch(session: Session, holding: BankHolding, user, *, floor=None, expected=None) -> BankHoldingWatch:
    holding = lock(session, holding)
    if holding.kind not in WATCHED_KINDS:
        raise ServiceError(_l("Only wealth products and funds have a yield watch."))
    floor_rate = _rate(floor, _l("Alert below"))
    expected_rate = _rate(expected, _l("Expected yield"))
    if floor_rate is None and expected_rate is None:
        raise ServiceError(_l("Give an alert rate or an expected yield."))
    w = session.scalar(select(BankHoldingWatch).where(BankHoldingWatch.holding_id == holding.id))
    if w is None:
        w = BankHoldingWatch(holding_id=holding.id, customer_id=holding.customer_id)
        session.add(w)
    w.floor_rate, w.expected_rate, w.set_by = floor_rate, expected_rate, user.id
    session.flush()
    return w

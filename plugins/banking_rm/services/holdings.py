"""Product holdings and the suitability gate (适当性), cross-holding, the
non-holders of a product and the lobby's raise-hand census.  No Flask here;
nothing commits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from core import settings
from core.i18n import _l
from core.services import ServiceError, lock
from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL
from ..models import BankHolding
from ..models.clients import (AGENCY, CLOSED, CREDIT_CARD, DEPOSIT, EBANKING, FUND, INSURANCE,
                              INVESTMENT_KINDS, OPEN, PRODUCT_KINDS, RISK_LEVELS, TERM_DEPOSIT,
                              WEALTH)
from ..models.retail import BankCensus
from .clients import age_on, profile_or_blank, risk_valid_until
from core import clock

KIND_LABELS = {
    DEPOSIT: _l("Deposit"), TERM_DEPOSIT: _l("Term deposit"), WEALTH: _l("Wealth product"),
    FUND: _l("Fund"), INSURANCE: _l("Insurance"), EBANKING: _l("E-banking"),
    CREDIT_CARD: _l("Credit card"), AGENCY: _l("Agency product"),
}
#: seed 004: a customer holding one kind refers others 17 % of the time, two 34 %, three or more 49 %
PROPENSITY = {0: None, 1: Decimal("17"), 2: Decimal("34"), 3: Decimal("49")}
MAX_AMOUNT = Decimal("9999999999999999.99")


def propensity(kinds: int) -> Decimal | None:
    return PROPENSITY[min(int(kinds), 3)]


def _amount(raw: Any, *, required: bool = True) -> Decimal:
    try:
        v = Decimal(str(raw).strip().replace(",", "")) if raw not in (None, "") else None
    except InvalidOperation:
        v = None
    if v is None or not v.is_finite():
        raise ServiceError(_l("Give the amount as a number, e.g. 50000.00."))
    if v <= 0:
        raise ServiceError(_l("The amount must be more than zero."))
    if v > MAX_AMOUNT or v != v.quantize(Decimal("0.01")):
        raise ServiceError(_l("The amount has at most two decimals and 16 digits."))
    return v


def suitability(session: Session, customer: Customer, kind: str, risk_level: str | None,
                today: date) -> dict[str, Any]:
    """What the gate says about selling ``kind`` at ``risk_level`` to the
    customer: ``refusal`` (a message, or None), ``elderly`` (65+), the
    customer's level and its expiry."""
    p = profile_or_blank(session, customer)
    age = age_on(p.birthday, p.id_number, today)
    elderly = age is not None and age >= int(settings.get(session, "banking_rm.elderly_age"))
    out: dict[str, Any] = {"refusal": None, "elderly": elderly, "age": age,
                           "level": p.risk_level, "valid_until": risk_valid_until(session, p)}
    if kind not in INVESTMENT_KINDS:
        return out
    if risk_level not in RISK_LEVELS:
        out["refusal"] = _l("An investment product needs its risk level (R1 to R5).")
    elif not p.risk_level:
        out["refusal"] = _l("The customer has no risk questionnaire: assess the customer "
                            "(C1 to C5) before selling an investment product.")
    elif out["valid_until"] is None or out["valid_until"] < today:
        out["refusal"] = _l("The customer's risk questionnaire expired on %(day)s: assess "
                            "the customer again before this sale.", day=out["valid_until"])
    elif int(risk_level[1]) > int(p.risk_level[1]):
        out["refusal"] = _l("Refused: the product's risk level %(r)s is above the customer's "
                            "risk level %(c)s.", r=risk_level, c=p.risk_level)
    return out


def sell(session: Session, user, customer: Customer, *, kind: str, product_name: str,
         amount: Any, start_on: date | None, maturity_on: date | None = None,
         yield_rate: Any = None, risk_level: str | None = None, recording_ref: str | None = None,
         elderly_confirmed: bool = False, note: str | None = None,
         today: date | None = None) -> BankHolding:
    """Record a holding (a sale) after the suitability gate.  Raises
    ``ServiceError`` with the reason; nothing is written then."""
    today = today or clock.today()
    if kind not in PRODUCT_KINDS:
        raise ServiceError(_l("Choose a product kind."))
    name = (product_name or "").strip()
    if not name:
        raise ServiceError(_l("Give the product's name."))
    value = _amount(amount)
    if start_on is None:
        raise ServiceError(_l("Give the start date."))
    if maturity_on is not None and maturity_on < start_on:
        raise ServiceError(_l("The maturity date cannot be before the start date."))
    rate = None
    if yield_rate not in (None, ""):
        try:
            rate = Decimal(str(yield_rate).strip()) / 100
        except InvalidOperation:
            raise ServiceError(_l("Give the yield as a percentage, e.g. 3.25.")) from None
        if not rate.is_finite() or rate < -1 or rate > 1:
            raise ServiceError(_l("Give the yield as a percentage, e.g. 3.25."))
        rate = rate.quantize(Decimal("0.0001"))
    risk = risk_level or None
    if kind not in INVESTMENT_KINDS:
        risk = None
    gate = suitability(session, customer, kind, risk, today)
    if gate["refusal"]:
        raise ServiceError(gate["refusal"])
    ref = (recording_ref or "").strip()[:60] or None
    if kind in INVESTMENT_KINDS and not ref:
        raise ServiceError(_l("An investment sale needs the reference of its audio/video "
                              "recording (双录)."))
    if kind in INVESTMENT_KINDS and gate["elderly"] and not elderly_confirmed:
        raise ServiceError(_l("The customer is %(age)s: confirm that the risks were explained "
                              "again and the customer confirmed the purchase (elderly "
                              "customer rule).", age=gate["age"]))
    h = BankHolding(customer_id=customer.id, kind=kind, product_name=name[:120], amount=value,
                    start_on=start_on, maturity_on=maturity_on, yield_rate=rate, risk_level=risk,
                    recording_ref=ref if kind in INVESTMENT_KINDS else None,
                    sold_by=getattr(user, "id", None), note=(note or "").strip() or None,
                    elderly=bool(gate["elderly"]), status=OPEN)
    session.add(h)
    session.flush()
    return h


def close(session: Session, holding: BankHolding, closed_on: date | None = None) -> BankHolding:
    """Close an open holding (withdrawn, redeemed, cancelled).  The row is
    locked first (``core.services.lock``) and its state checked afterwards,
    so two closes at once close it once; the ORM change is audited."""
    closed_on = closed_on or clock.today()
    holding = lock(session, holding)
    if holding.status != OPEN:
        raise ServiceError(_l("This holding is already closed."))
    if closed_on < holding.start_on:
        raise ServiceError(_l("A holding cannot close before it started."))
    holding.status = CLOSED
    holding.closed_on = closed_on
    session.flush()
    return holding


# -- cross-holding -------------------------------------------------------------------
def cross_distribution(session: Session, scope_where) -> list[dict[str, Any]]:
    """Customers per number of product kinds held (0, 1, 2, 3+), with the
    seed's referral propensity — one GROUP BY."""
    kinds = (select(BankHolding.customer_id, func.count(func.distinct(BankHolding.kind)).label("n"))
             .where(BankHolding.status == OPEN).group_by(BankHolding.customer_id).subquery())
    n = func.coalesce(kinds.c.n, 0)
    b = case((n >= 3, 3), else_=n)
    stmt = (select(b.label("b"), func.count().label("customers")).select_from(Customer)
            .outerjoin(kinds, kinds.c.customer_id == Customer.id)
            .where(Customer.kind == KIND_RETAIL).group_by(b))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    counts = {int(k): int(v) for k, v in session.execute(stmt)}
    total = sum(counts.values()) or 1
    return [{"kinds": k, "customers": counts.get(k, 0),
             "share": (Decimal(counts.get(k, 0) * 100) / total).quantize(Decimal("0.1")),
             "propensity": PROPENSITY[k]} for k in (0, 1, 2, 3)]


def one_product_customers(session: Session, scope_where, limit: int = 200) -> list:
    """Cross-sell targets: customers holding exactly one product kind,
    with that kind and the amount held."""
    one = (select(BankHolding.customer_id).where(BankHolding.status == OPEN)
           .group_by(BankHolding.customer_id)
           .having(func.count(func.distinct(BankHolding.kind)) == 1).subquery())
    stmt = (select(Customer.id, Customer.code, Customer.name, func.min(BankHolding.kind),
                   func.sum(BankHolding.amount))
            .join(one, one.c.customer_id == Customer.id)
            .join(BankHolding, (BankHolding.customer_id == Customer.id) & (BankHolding.status == OPEN))
            .where(Customer.kind == KIND_RETAIL)
            .group_by(Customer.id, Customer.code, Customer.name)
            .order_by(func.sum(BankHolding.amount).desc(), Customer.id).limit(limit))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    return session.execute(stmt).all()


def non_holders(session: Session, scope_where, kind: str, limit: int = 500):
    """Retail customers in scope without an open holding of ``kind``."""
    held = exists().where(BankHolding.customer_id == Customer.id, BankHolding.kind == kind,
                          BankHolding.status == OPEN)
    stmt = (select(Customer.id, Customer.code, Customer.name, Customer.owner_id)
            .where(Customer.kind == KIND_RETAIL, ~held).order_by(Customer.name, Customer.id))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    count = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return count, session.execute(stmt.limit(limit)).all()


def record_census(session: Session, user, *, day: date | None, kind: str, present: Any,
                  holders: Any, note: str | None = None) -> BankCensus:
    if kind not in PRODUCT_KINDS:
        raise ServiceError(_l("Choose a product kind."))
    if day is None or day > clock.today():
        raise ServiceError(_l("Give the day of the census (not in the future)."))
    try:
        p, h = int(present), int(holders)
    except (TypeError, ValueError):
        raise ServiceError(_l("Give the numbers of customers as whole numbers.")) from None
    if p <= 0 or h < 0 or p > 10000:
        raise ServiceError(_l("At least one customer must be present."))
    if h > p:
        raise ServiceError(_l("More raised hands than customers present is not possible."))
    c = BankCensus(day=day, kind=kind, present=p, holders=h, note=(note or "").strip() or None,
                   taken_by=getattr(user, "id", None))
    session.add(c)
    session.flush()
    return c


def censuses(session: Session, limit: int = 50) -> list[BankCensus]:
    return list(session.scalars(select(BankCensus).order_by(BankCensus.day.desc(), BankCensus.id.desc())
                                .limit(limit)))

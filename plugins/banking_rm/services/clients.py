"""Retail customers of the branch: AUM, the value matrix, households, the
list and the profile.  AUM is never stored: it is the sum of a customer's
open asset holdings, computed in SQL at read time (and per household the
same way).  No Flask here; nothing commits."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from core import settings
from core.i18n import _l
from core.models import User
from core.services import ServiceError
from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL
from ..models import BankHolding, BankHousehold, BankRetailProfile
from ..models.clients import (ASSET_KINDS, CUSTOMER_RISK_LEVELS, OPEN, ORIENT_RELATIONSHIP,
                              ORIENT_SERVICE, ORIENT_VALUE, ORIENTATIONS, POTENTIAL_HIGH,
                              POTENTIALS, TEMPERAMENTS)
from ..models.retail import BankImportantDate
from core import clock

# -- the value matrix (seed 004 图1): AUM × growth potential → four cells ------
HH, HL, LH, LL = "hh", "hl", "lh", "ll"
CELLS = (HH, HL, LH, LL)
CELL_LABELS = {
    HH: _l("High AUM, high potential"),
    HL: _l("High AUM, low potential"),
    LH: _l("Low AUM, high potential"),
    LL: _l("Low AUM, low potential"),
}
ORIENTATION_LABELS = {
    ORIENT_RELATIONSHIP: _l("Relationship"),
    ORIENT_VALUE: _l("Value"),
    ORIENT_SERVICE: _l("Service"),
}
#: what the contact is about, by value orientation (seed 004)
CONTACT_TOPICS = {
    ORIENT_RELATIONSHIP: _l("Personal care: greetings, birthdays, festivals, small events"),
    ORIENT_VALUE: _l("After-sale service and a wealth check-up"),
    ORIENT_SERVICE: _l("After-sale service and client events"),
    None: _l("Find out what the customer values (relationship, value or service)"),
}
TEMPERAMENT_LABELS = {
    "choleric": _l("Impatient: be quick, show results"),
    "sanguine": _l("Relaxed: remind them when they ask for more"),
    "phlegmatic": _l("Meticulous: explain patiently and in detail"),
    "melancholic": _l("High-end: open with a topic they care about"),
}
POTENTIAL_LABELS = {"high": _l("High"), "low": _l("Low")}
HOUSEHOLD_ROLES = ("self", "spouse", "child", "parent", "other")
HOUSEHOLD_ROLE_LABELS = {"self": _l("Head"), "spouse": _l("Spouse"), "child": _l("Child"),
                         "parent": _l("Parent"), "other": _l("Other")}


def aum_threshold(session: Session) -> Decimal:
    return Decimal(settings.get(session, "banking_rm.matrix_aum_threshold"))


def contact_days(session: Session) -> dict[str, int]:
    return {c: int(settings.get(session, f"banking_rm.contact_days_{c}")) for c in CELLS}


def aum_subquery(customer_ids=None):
    """``(customer_id, aum)`` per customer with open asset holdings."""
    q = (select(BankHolding.customer_id.label("customer_id"),
                func.sum(BankHolding.amount).label("aum"))
         .where(BankHolding.status == OPEN, BankHolding.kind.in_(ASSET_KINDS)))
    if customer_ids is not None:
        q = q.where(BankHolding.customer_id.in_(customer_ids))
    return q.group_by(BankHolding.customer_id).subquery("aum")


def cross_subquery():
    """``(customer_id, kinds)``: the number of product kinds held (open)."""
    return (select(BankHolding.customer_id.label("customer_id"),
                   func.count(func.distinct(BankHolding.kind)).label("kinds"))
            .where(BankHolding.status == OPEN)
            .group_by(BankHolding.customer_id).subquery("cross"))


def cell_expr(aum_col, potential_col, threshold: Decimal):
    high_aum = func.coalesce(aum_col, 0) >= threshold
    high_pot = potential_col == POTENTIAL_HIGH
    return case((and_(high_aum, high_pot), literal(HH)), (high_aum, literal(HL)),
                (high_pot, literal(LH)), else_=literal(LL))


def cell_of(aum: Decimal | None, potential: str | None, threshold: Decimal) -> str:
    high = (aum or Decimal(0)) >= threshold
    pot = potential == POTENTIAL_HIGH
    return HH if high and pot else HL if high else LH if pot else LL


def retail_select(scoped):
    """``scoped`` (a scoped ``select(Customer)``) narrowed to retail customers."""
    return scoped.where(Customer.kind == KIND_RETAIL)


# -- the list ------------------------------------------------------------------
SORTS = {
    "name": lambda c: c["name"].asc(),
    "-aum": lambda c: c["aum"].desc(),
    "aum": lambda c: c["aum"].asc(),
    "-kinds": lambda c: c["kinds"].desc(),
    "kinds": lambda c: c["kinds"].asc(),
    "code": lambda c: c["code"].asc(),
}
LIST_FILTERS = ("owner", "cell", "orientation", "q", "sort")


def list_query(session: Session, scope_where, f: dict[str, str]):
    """One SELECT of the list's rows (plain columns, AUM and cross-holding
    from SQL), filtered by manager, matrix cell, orientation and a search
    string, in the chosen order (``f["sort"]``, default AUM descending)."""
    threshold = aum_threshold(session)
    aum = aum_subquery()
    cross = cross_subquery()
    aum_col = func.coalesce(aum.c.aum, 0)
    kinds_col = func.coalesce(cross.c.kinds, 0)
    cell = cell_expr(aum.c.aum, BankRetailProfile.potential, threshold)
    cols = {
        "id": Customer.id, "code": Customer.code, "name": Customer.name, "phone": Customer.phone,
        "owner": User.full_name, "owner_id": Customer.owner_id,
        "potential": BankRetailProfile.potential, "orientation": BankRetailProfile.orientation,
        "id_number": BankRetailProfile.id_number, "aum": aum_col, "kinds": kinds_col,
        "cell": cell,
    }
    stmt = (select(*[c.label(k) for k, c in cols.items()])
            .select_from(Customer)
            .outerjoin(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
            .outerjoin(User, User.id == Customer.owner_id)
            .outerjoin(aum, aum.c.customer_id == Customer.id)
            .outerjoin(cross, cross.c.customer_id == Customer.id)
            .where(Customer.kind == KIND_RETAIL))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    owner = (f.get("owner") or "").strip()
    if owner.isdigit():
        stmt = stmt.where(Customer.owner_id == int(owner))
    if f.get("cell") in CELLS:
        stmt = stmt.where(cell == f["cell"])
    if f.get("orientation") in ORIENTATIONS:
        stmt = stmt.where(BankRetailProfile.orientation == f["orientation"])
    elif f.get("orientation") == "none":
        stmt = stmt.where(BankRetailProfile.orientation.is_(None))
    q = (f.get("q") or "").strip()[:60]
    if q:
        like = f"%{q.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(Customer.name.like(like), Customer.code.like(like)))
    order = SORTS.get(f.get("sort") or "-aum", SORTS["-aum"])
    return stmt.order_by(order(cols), Customer.id)


def managers(session: Session, scope_where) -> list[tuple[int, str]]:
    """The owners of the retail customers in scope, for the filter."""
    stmt = (select(User.id, User.full_name, User.username).join(Customer, Customer.owner_id == User.id)
            .where(Customer.kind == KIND_RETAIL).group_by(User.id, User.full_name, User.username)
            .order_by(User.full_name))
    if scope_where is not None:
        stmt = stmt.where(scope_where)
    return [(i, n or u) for i, n, u in session.execute(stmt)]


# -- one customer --------------------------------------------------------------
def profile_of(session: Session, customer: Customer) -> BankRetailProfile:
    p = session.scalar(select(BankRetailProfile).where(BankRetailProfile.customer_id == customer.id))
    if p is None:
        p = BankRetailProfile(customer_id=customer.id)
        session.add(p)
        session.flush()
    return p


def profile_or_blank(session: Session, customer: Customer) -> BankRetailProfile:
    """The profile, or an unsaved blank one (a page that only reads)."""
    p = session.scalar(select(BankRetailProfile).where(BankRetailProfile.customer_id == customer.id))
    return p or BankRetailProfile(customer_id=customer.id, potential="low")


def customer_aum(session: Session, customer_id: int) -> Decimal:
    v = session.scalar(select(func.coalesce(func.sum(BankHolding.amount), 0))
                       .where(BankHolding.customer_id == customer_id, BankHolding.status == OPEN,
                              BankHolding.kind.in_(ASSET_KINDS)))
    return Decimal(v or 0)


def household_view(session: Session, household_id: int | None) -> dict[str, Any] | None:
    """The household, its members with each one's AUM and the household's
    AUM — all summed in SQL when read."""
    if household_id is None:
        return None
    hh = session.get(BankHousehold, household_id)
    if hh is None:
        return None
    aum = aum_subquery()
    rows = session.execute(
        select(Customer.id, Customer.code, Customer.name, BankRetailProfile.household_role,
               func.coalesce(aum.c.aum, 0))
        .join(BankRetailProfile, BankRetailProfile.customer_id == Customer.id)
        .outerjoin(aum, aum.c.customer_id == Customer.id)
        .where(BankRetailProfile.household_id == household_id)
        .order_by(Customer.name)).all()
    total = session.scalar(
        select(func.coalesce(func.sum(BankHolding.amount), 0))
        .join(BankRetailProfile, BankRetailProfile.customer_id == BankHolding.customer_id)
        .where(BankRetailProfile.household_id == household_id, BankHolding.status == OPEN,
               BankHolding.kind.in_(ASSET_KINDS)))
    return {"household": hh, "members": [
        {"id": r[0], "code": r[1], "name": r[2], "role": r[3], "aum": Decimal(r[4])} for r in rows],
        "aum": Decimal(total or 0)}


def age_on(birthday: date | None, id_number: str | None, today: date) -> int | None:
    """Age in whole years from the birthday, else from the ID number's
    date of birth (digits 7–14 of an 18-digit resident ID)."""
    born = birthday
    if born is None and id_number and len(id_number) == 18 and id_number[6:14].isdigit():
        try:
            born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        except ValueError:
            born = None
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def risk_valid_until(session: Session, p: BankRetailProfile) -> date | None:
    if p.risk_assessed_on is None:
        return None
    return p.risk_assessed_on + timedelta(days=int(settings.get(session, "banking_rm.risk_valid_days")))


PROFILE_FIELDS = ("potential", "orientation", "temperament", "birthday", "id_number", "card_number",
                  "risk_level", "risk_assessed_on", "household_id", "household_role", "note")


def update_profile(session: Session, customer: Customer, *, today: date | None = None,
                   new_household: str | None = None, **data) -> BankRetailProfile:
    """Save the profile (audited by the ORM with readable field names).
    ``new_household`` creates a household with that name and puts the
    customer in it."""
    today = today or clock.today()
    p = profile_of(session, customer)
    if data.get("potential") not in POTENTIALS:
        raise ServiceError(_l("Choose a growth potential."))
    if data.get("orientation") not in (None, "", *ORIENTATIONS):
        raise ServiceError(_l("Unknown value orientation."))
    if data.get("temperament") not in (None, "", *TEMPERAMENTS):
        raise ServiceError(_l("Unknown temperament."))
    if data.get("risk_level") not in (None, "", *CUSTOMER_RISK_LEVELS):
        raise ServiceError(_l("A risk level is one of C1 to C5."))
    if data.get("risk_level") and not data.get("risk_assessed_on"):
        raise ServiceError(_l("Give the date of the risk questionnaire."))
    for d in ("birthday", "risk_assessed_on"):
        if data.get(d) and data[d] > today:
            raise ServiceError(_l("A date in the future is not possible here."))
    idn = (data.get("id_number") or "").strip().upper()
    if idn and (len(idn) != 18 or not idn[:17].isdigit() or not (idn[17].isdigit() or idn[17] == "X")):
        raise ServiceError(_l("An ID number has 18 characters: 17 digits and a digit or X."))
    data["id_number"] = idn or None
    if "card_number" in data:
        data["card_number"] = card_digits(data.get("card_number"))
    if new_household and new_household.strip():
        hh = BankHousehold(name=new_household.strip()[:80])
        session.add(hh)
        session.flush()
        data["household_id"] = hh.id
    elif data.get("household_id"):
        if session.get(BankHousehold, data["household_id"]) is None:
            raise ServiceError(_l("Unknown household."))
    for k in PROFILE_FIELDS:
        if k in data:
            v = data[k]
            setattr(p, k, v if v not in ("",) else None)
    if p.household_id is None:
        p.household_role = None
    session.flush()
    return p


def card_digits(raw) -> str | None:
    """A bank-card number as stored: 12 to 19 digits, spaces and dashes dropped."""
    text = "".join(ch for ch in str(raw or "") if ch not in " -")
    if not text:
        return None
    if not text.isdigit() or not 12 <= len(text) <= 19:
        raise ServiceError(_l("A bank-card number has 12 to 19 digits."))
    return text


def add_important_date(session: Session, customer: Customer, label: str, on: date | None):
    label = (label or "").strip()
    if not label or on is None:
        raise ServiceError(_l("Give the occasion and its date."))
    row = BankImportantDate(customer_id=customer.id, label=label[:60], on=on)
    session.add(row)
    session.flush()
    return row


def households(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(select(BankHousehold.id, BankHousehold.name)
                                               .order_by(BankHousehold.name).limit(2000))]

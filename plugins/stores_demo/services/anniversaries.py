"""Birthdays and wedding anniversaries coming up, and the in-stock pieces
that fit each account (budget band, ring size, taste), reserved in one click.

The reminder list is ONE SQL query on both SQLite and PostgreSQL: the
window [today, today + N days] is turned, here in Python, into one or two
ranges of ``month * 100 + day`` (two when it crosses the year end), and the
database only compares integers on an indexed column — no date functions,
which the two databases spell differently.  29 February is celebrated on
28 February in a common year: when that 28 February lies in the window,
0229 is added to the ranges."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError, lock
from core.access import scope_clauses
from plugins.customers.api import Customer

from ..models.anniversaries import DATE_KINDS, WEDDING, StoresDemoFit, StoresDemoImportantDate
from ..models.pieces import BY_WEIGHT, IN_STOCK, StoresDemoGoldPrice, StoresDemoPiece
from ..models.walkins import BAND_CODES, BUDGET_BANDS
from . import pieces as pieces_svc
from core import clock

MAX_DAYS = 366


def month_day(d: date) -> int:
    return d.month * 100 + d.day


def window_ranges(today: date, days: int) -> list[tuple[int, int]]:
    """``[(low, high)]`` of ``month_day`` values whose next occurrence falls in
    ``[today, today + days]``."""
    end = today + timedelta(days=days)
    if days >= 365:
        return [(101, 1231)]
    if end.year == today.year:
        ranges = [(month_day(today), month_day(end))]
    else:
        ranges = [(month_day(today), 1231), (101, month_day(end))]
    for y in {today.year, end.year}:
        if not calendar.isleap(y) and today <= date(y, 2, 28) <= end:
            ranges.append((229, 229))
    return ranges


def occurrence(month: int, day: int, today: date) -> date:
    """The next day (today or later) a month/day is celebrated."""
    def on(year: int) -> date:
        if month == 2 and day == 29 and not calendar.isleap(year):
            return date(year, 2, 28)
        return date(year, month, day)

    d = on(today.year)
    return d if d >= today else on(today.year + 1)


def reminders_query(session: Session, user, today: date, days: int) -> Select:
    """The one query: each important date in the window with its account and
    what fits the account, the soonest first, limited to the accounts
    ``user`` may see (``user`` None: every account — jobs).  The access
    rules of every enabled plugin are applied to the joined customer row
    itself, so an unrestricted user pays for no ``IN (subquery)``."""
    D, C, F = StoresDemoImportantDate, Customer, StoresDemoFit
    start = month_day(today)
    in_window = or_(*[D.month_day.between(lo, hi) for lo, hi in window_ranges(today, days)])
    soonest = case((D.month_day >= start, D.month_day), else_=D.month_day + 1300)
    stmt = (select(D.id, D.kind, D.person, D.month, D.day, D.year, C.id.label("customer_id"),
                   C.name.label("customer_name"), C.owner_id, F.budget_band, F.ring_size, F.style,
                   F.metal, F.stone)
            .join(C, C.id == D.customer_id)
            .outerjoin(F, F.customer_id == D.customer_id)
            .where(in_window)
            .order_by(soonest, D.customer_id, D.id))
    if user is not None:
        stmt = stmt.where(*scope_clauses(session, C, user))
    return stmt


@dataclass(slots=True)
class Reminder:
    date_id: int
    kind: str
    person: str | None
    on: date
    in_days: int
    years: int | None
    customer_id: int
    customer_name: str
    owner_id: int | None
    budget_band: str | None
    ring_size: str | None
    style: str | None
    metal: str | None
    stone: str | None
    pieces: list


def reminders(session: Session, user, *, today: date | None = None, days: int = 30,
              limit: int | None = 200) -> list[Reminder]:
    today = today or clock.today()
    if not 1 <= days <= MAX_DAYS:
        raise ServiceError(_l("Choose between 1 and %(n)s days.", n=MAX_DAYS))
    stmt = reminders_query(session, user, today, days)
    if limit:
        stmt = stmt.limit(limit)
    out = []
    when: dict[tuple[int, int], tuple[date, int]] = {}  # at most 366 distinct days
    for (ident, kind, person, month, day, year, customer_id, customer_name, owner_id, band, size,
         style, metal, stone) in session.execute(stmt):
        key = (month, day)
        hit = when.get(key)
        if hit is None:
            on = occurrence(month, day, today)
            hit = when[key] = (on, (on - today).days)
        on, in_days = hit
        out.append(Reminder(ident, kind, person, on, in_days, on.year - year if year else None,
                            customer_id, customer_name, owner_id, band, size, style, metal, stone, []))
    return out


# -- pieces that fit --------------------------------------------------------------
def band_of(code: str | None) -> tuple[Decimal, Decimal | None] | None:
    for c, lo, hi in BUDGET_BANDS:
        if c == code:
            return Decimal(lo), (Decimal(hi) if hi is not None else None)
    return None


def _prices(session: Session, today: date) -> dict[str, Decimal]:
    """The latest price per gram of each metal on or before ``today``."""
    G = StoresDemoGoldPrice
    latest = (select(G.metal, G.price_per_gram, G.day).where(G.day <= today)
              .order_by(G.metal, G.day.desc()))
    out: dict[str, Decimal] = {}
    for metal, price, _day in session.execute(latest):
        out.setdefault(metal, price)
    return out


def piece_price(p: StoresDemoPiece, gold: dict[str, Decimal]) -> Decimal | None:
    if p.pricing == BY_WEIGHT:
        per_gram = gold.get(p.metal)
        if per_gram is None or p.net_weight is None:
            return None
        return (p.net_weight * per_gram + (p.labour_fee or Decimal("0"))).quantize(Decimal("0.01"))
    return p.tag_price


def fits(r: Reminder, p: StoresDemoPiece, price: Decimal | None) -> bool:
    band = band_of(r.budget_band)
    if band is not None:
        lo, hi = band
        if price is None or price < lo or (hi is not None and price >= hi):
            return False
    if r.style and p.style != r.style:
        return False
    if r.metal and p.metal != r.metal:
        return False
    if r.stone and p.stone != r.stone:
        return False
    if r.ring_size and p.style == "ring" and p.size and p.size != r.ring_size:
        return False
    return True


def propose(session: Session, rows: list[Reminder], *, today: date | None = None, per: int = 3,
            stock_limit: int = 1000) -> list[Reminder]:
    """Fill each reminder's ``pieces`` with up to ``per`` in-stock pieces that
    fit its account (one query for the stock); a wedding anniversary leads
    with diamonds (seed 002 §2.1)."""
    if not rows:
        return rows
    today = today or clock.today()
    gold = _prices(session, today)
    stock = list(session.execute(select(StoresDemoPiece).where(StoresDemoPiece.state == IN_STOCK)
                                 .order_by(StoresDemoPiece.id).limit(stock_limit)).scalars())
    priced = [(p, piece_price(p, gold)) for p in stock]
    for r in rows:
        found = [(p, price) for p, price in priced if fits(r, p, price)]
        if r.kind == WEDDING:
            found.sort(key=lambda pp: (pp[0].stone != "diamond", -(pp[1] or 0)))
        else:
            found.sort(key=lambda pp: -(pp[1] or 0))
        r.pieces = [{"id": p.id, "sku": p.sku, "name": p.name, "price": price, "size": p.size,
                     "stone": p.stone, "carat": p.carat} for p, price in found[:per]]
    return rows


def reserve_for(session: Session, piece_id: int, customer_id: int, user) -> StoresDemoPiece:
    """One click on a reminder: reserve the piece for the account (race-free:
    ``pieces.reserve`` locks the row, so of two clicks one wins)."""
    return pieces_svc.reserve(session, piece_id, customer_id, user)


# -- keeping the dates and the fit -----------------------------------------------
def add_date(session: Session, customer_id: int, *, kind: str, month, day, year=None,
             person: str | None = None, note: str | None = None) -> StoresDemoImportantDate:
    if kind not in DATE_KINDS:
        raise ServiceError(_l("Choose birthday or wedding anniversary."))
    try:
        month, day = int(month), int(day)
        year = int(year) if year not in (None, "") else None
    except (TypeError, ValueError):
        raise ServiceError(_l("Give the month and day as numbers.")) from None
    if year is not None and not 1900 <= year <= clock.today().year:
        raise ServiceError(_l("The year %(year)s is not plausible.", year=year))
    try:
        date(year if year else 2000, month, day)  # 2000 is a leap year: 29 February passes
    except ValueError:
        raise ServiceError(_l("%(month)s/%(day)s is not a date.", month=month, day=day)) from None
    d = StoresDemoImportantDate(customer_id=customer_id, kind=kind, month=month, day=day,
                                month_day=month * 100 + day, year=year,
                                person=(person or "").strip()[:40] or None, note=(note or "").strip() or None)
    session.add(d)
    session.flush()
    return d


def set_fit(session: Session, customer_id: int, *, budget_band=None, ring_size=None, style=None,
            metal=None, stone=None, note=None) -> StoresDemoFit:
    if budget_band and budget_band not in BAND_CODES:
        raise ServiceError(_l("Unknown budget band."))
    fit = session.scalar(select(StoresDemoFit).where(StoresDemoFit.customer_id == customer_id)
                         .with_for_update())
    if fit is None:
        fit = StoresDemoFit(customer_id=customer_id)
        session.add(fit)
    fit.budget_band = budget_band or None
    fit.ring_size = (ring_size or "").strip()[:12] or None
    fit.style = (style or "").strip()[:40] or None
    fit.metal = (metal or "").strip()[:12] or None
    fit.stone = (stone or "").strip()[:40] or None
    fit.note = (note or "").strip() or None
    session.flush()
    return fit


def remind(session: Session, date_id: int, user, *, today: date | None = None):
    """A follow-up task for the account's owner (else ``user``) to prepare the
    date: due three days before it (today when nearer).  Locks the date row
    first, so a double click makes one task."""
    from ..models.tasks import FROM_ANNIVERSARY, StoresDemoTask
    from . import tasks as task_svc

    today = today or clock.today()
    d = lock(session, StoresDemoImportantDate, date_id)
    if d is None:
        raise ServiceError(_l("This date does not exist."))
    customer = session.get(Customer, d.customer_id)
    on = occurrence(d.month, d.day, today)
    kind = _l("birthday") if d.kind == "birthday" else _l("wedding anniversary")
    title = str(_l("Prepare %(name)s's %(kind)s on %(on)s", name=customer.name, kind=kind, on=on.isoformat()))
    if session.scalar(select(StoresDemoTask.id).where(
            StoresDemoTask.customer_id == customer.id, StoresDemoTask.source == FROM_ANNIVERSARY,
            StoresDemoTask.title == title)):
        raise ServiceError(_l("This reminder is already in the tasks."))
    return task_svc.create_task(session, title=title, due_on=max(today, on - timedelta(days=3)),
                                owner_id=customer.owner_id or user.id, org_unit_id=customer.org_unit_id,
                                customer_id=customer.id, source=FROM_ANNIVERSARY)

"""Customer visits (seed 001 第四/五讲, 003 客户经理日常终端拜访管理, 000 §三.4):
plans with objectives, the day route, visit records, follow-up tasks, the
overdue list by grade frequency and the weekly report."""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from core import audit, settings
from core.access import kept_statement, scoped_select
from core.db import utcnow
from core.i18n import _l
from core.models import User
from core.services import ServiceError, lock

from ..models import ACTIVE, CANCELLED, DONE, PLANNED, Customer, FollowUp, Visit
from core import clock

SERVICE, SPECIAL = "service", "special"
OBJECTIVES = ("collect_payment", "press_stock", "check_usage", "recommend_new",
              "count_stock", "reconcile", "rebates", "purchasing_talk")
FIRST_VISIT_FIELDS = ("found_stock", "found_samples", "open_issues", "recent_sales")
RECORD_FIELDS = FIRST_VISIT_FIELDS + ("competitor_notes", "agreed_actions")


def purpose_labels() -> dict[str, Any]:
    return {SERVICE: _l("Service visit"), SPECIAL: _l("Special visit")}


def objective_labels() -> dict[str, Any]:
    return {
        "collect_payment": _l("Collect payment (回款)"),
        "press_stock": _l("Press stock (压货)"),
        "check_usage": _l("Check product use"),
        "recommend_new": _l("Recommend new products"),
        "count_stock": _l("Count stock (清点存货)"),
        "reconcile": _l("Reconcile accounts (对帐)"),
        "rebates": _l("Follow up rebates (返利)"),
        "purchasing_talk": _l("Routine purchasing talk"),
    }


def state_labels() -> dict[str, Any]:
    return {PLANNED: _l("Planned"), DONE: _l("Done"), CANCELLED: _l("Cancelled")}


# -- plans ------------------------------------------------------------------
def _check_plan(purpose: str, objectives: list[str]) -> list[str]:
    if purpose not in (SERVICE, SPECIAL):
        raise ServiceError(_l("Unknown visit purpose."))
    objectives = list(dict.fromkeys(objectives or ()))
    bad = [o for o in objectives if o not in OBJECTIVES]
    if bad:
        raise ServiceError(_l("Unknown visit objective: %(o)s", o=", ".join(bad)))
    return objectives


def plan(session: Session, customer: Customer, user: User, visit_date: date,
         purpose: str = SERVICE, objectives: list[str] | None = None, note: str = "") -> Visit:
    """Plan a visit: a date, a purpose and objectives from the seed's list."""
    objectives = _check_plan(purpose, objectives or [])
    if not objectives and not (note or "").strip():
        raise ServiceError(_l("A visit has an objective: pick one or describe it."))
    visit = Visit(customer_id=customer.id, user_id=user.id, visit_date=visit_date,
                  state=PLANNED, purpose=purpose, objectives=objectives,
                  objective_note=(note or "").strip() or None)
    session.add(visit)
    session.flush()
    return visit


def cancel(session: Session, visit: Visit, reason: str) -> None:
    reason = (reason or "").strip()
    visit = lock(session, visit)
    if visit.state != PLANNED:
        raise ServiceError(_l("Only a planned visit can be cancelled."))
    if not reason:
        raise ServiceError(_l("Give a reason for the cancellation."))
    audit.set_reason(session, reason)
    visit.state = CANCELLED
    session.flush()


def day_route(session: Session, user: User, day: date) -> list[Visit]:
    """The user's planned visits of a day in route order (``route_order``):
    the seed's "plan the route, visit in clusters"."""
    return [v for v, _km in day_route_legs(session, user, day)]


def day_route_legs(session: Session, user: User, day: date) -> list[tuple[Visit, float | None]]:
    """``day_route`` with the estimated kilometres from the previous stop."""
    def build():
        return (scoped_select(session, Visit, user)
                .join(Customer, Customer.id == Visit.customer_id)
                .where(Visit.user_id == user.id, Visit.visit_date == day, Visit.state == PLANNED)
                .order_by(Customer.province, Customer.city, Customer.county, Customer.town,
                          Customer.address, Customer.name, Visit.id))

    visits = list(session.scalars(kept_statement(session, user, ("customers.route", day), build)))
    return route_order(visits)


def route_order(visits: list[Visit]) -> list[tuple[Visit, float | None]]:
    """Nearest neighbour (issue 21 #7): start at the westernmost stop, then
    always go to the closest stop not yet visited, by the coordinates of each
    customer's county (else city, else province) from the division list.
    Stops in the same county keep the area order they come in (town,
    address, name); stops whose region is not in the list come last.
    Returns ``[(visit, km from the previous stop)]`` (None: unknown)."""
    from .divisions import coordinates, distance_km

    placed = [(v, coordinates(v.customer.province, v.customer.city, v.customer.county))
              for v in visits]
    todo = [(v, xy) for v, xy in placed if xy is not None]
    out: list[tuple[Visit, float | None]] = []
    here = None
    while todo:
        if here is None:
            i = min(range(len(todo)), key=lambda j: (todo[j][1][0], j))
        else:
            i = min(range(len(todo)), key=lambda j: (distance_km(here, todo[j][1]), j))
        v, xy = todo.pop(i)
        out.append((v, None if here is None else round(distance_km(here, xy), 1)))
        here = xy
    out += [(v, None) for v, xy in placed if xy is None]
    return out


# -- records ----------------------------------------------------------------
def record(session: Session, visit: Visit, *, time_in: datetime, time_out: datetime,
           objective_met: bool | None = None, next_visit_on: date | None = None,
           first_visit: bool = False, **fields: str) -> Visit:
    """Turn a planned visit into a record; moves the customer's last visit
    and, with a next visit date, plans the next one."""
    visit = lock(session, visit)  # cancelled meanwhile: refused
    if visit.state == CANCELLED:
        raise ServiceError(_l("This visit was cancelled."))
    unknown = set(fields) - set(RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown visit fields: {sorted(unknown)}")
    if time_in is None or time_out is None:
        raise ServiceError(_l("Give the time in and the time out."))
    if time_out < time_in:
        raise ServiceError(_l("The time out is before the time in."))
    clean = {k: (fields.get(k) or "").strip() or None for k in RECORD_FIELDS}
    if first_visit:
        # 000 §三.4.B: a first visit records stock, samples, leftover issues
        # and the last months' sales.
        missing = [k for k in FIRST_VISIT_FIELDS if not clean[k]]
        if missing:
            raise ServiceError(_l("A first visit records the customer's stock, sample units, "
                                  "open issues and the last months' sales."))
    visit_day = time_in.date()
    if next_visit_on is not None and next_visit_on <= visit_day:
        raise ServiceError(_l("The next visit must be after this one."))
    visit.state = DONE
    visit.visit_date = visit_day
    visit.time_in, visit.time_out = time_in, time_out
    visit.first_visit = bool(first_visit)
    visit.objective_met = objective_met
    visit.next_visit_on = next_visit_on
    for k, v in clean.items():
        setattr(visit, k, v)
    customer = lock(session, visit.customer)  # the latest of two records at once wins
    if customer.last_visit_on is None or customer.last_visit_on < visit_day:
        customer.last_visit_on = visit_day
    if next_visit_on is not None:
        already = session.scalar(select(Visit.id).where(
            Visit.customer_id == customer.id, Visit.visit_date == next_visit_on,
            Visit.state == PLANNED))
        if already is None:
            session.add(Visit(customer_id=customer.id, user_id=visit.user_id,
                              visit_date=next_visit_on, state=PLANNED, purpose=SERVICE,
                              objectives=[], objective_note=clean["agreed_actions"]))
    session.flush()
    return visit


# -- follow-ups -------------------------------------------------------------
def add_followup(session: Session, customer: Customer, user_id: int, title: str, due_on: date,
                 visit_id: int | None = None) -> FollowUp:
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("Describe the follow-up task."))
    if due_on is None:
        raise ServiceError(_l("Give the follow-up's due date."))
    task = FollowUp(customer_id=customer.id, user_id=user_id, title=title[:255], due_on=due_on,
                    visit_id=visit_id)
    session.add(task)
    session.flush()
    return task


def complete_followup(session: Session, task: FollowUp) -> None:
    if task.done_at is not None:
        raise ServiceError(_l("This task is already done."))
    task.done_at = utcnow()
    session.flush()


def open_followups(session: Session, user: User, limit: int | None = None) -> list[FollowUp]:
    def build():
        stmt = (scoped_select(session, FollowUp, user)
                .where(FollowUp.user_id == user.id, FollowUp.done_at.is_(None))
                .order_by(FollowUp.due_on, FollowUp.id))
        return stmt.limit(limit) if limit else stmt

    return list(session.scalars(kept_statement(session, user, ("customers.followups", limit),
                                               build)))


# -- frequency and overdue --------------------------------------------------
def allowed_days(session: Session) -> dict[str, int]:
    """Largest gap between visits per grade, from the frequency settings
    (seed 003: A 2–3 a week, B 1–2 a week, C 2–3 a month): at least N visits
    a week leaves at most 7 / N days between two, rounded down — A 2 a week
    → every 3 days (it was rounded up to 4, fewer than 2 a week; issue 21
    #7), B 1 a week → 7, C 2 a month → 15.  Ungraded active customers follow C."""
    a = int(settings.get(session, "customers.visits_a_per_week"))
    b = int(settings.get(session, "customers.visits_b_per_week"))
    c = int(settings.get(session, "customers.visits_c_per_month"))
    return {"A": max(1, math.floor(7 / a)), "B": max(1, math.floor(7 / b)),
            "C": max(1, math.floor(30 / c))}


def expected_per_week(session: Session) -> dict[str, Decimal]:
    a = Decimal(settings.get(session, "customers.visits_a_per_week"))
    b = Decimal(settings.get(session, "customers.visits_b_per_week"))
    c = Decimal(settings.get(session, "customers.visits_c_per_month")) * 7 / 30
    return {"A": a, "B": b, "C": c}


@dataclass
class Overdue:
    customer: Customer
    grade: str
    allowed: int
    days: int | None  # None: never visited


def overdue_select(session: Session, user: User, today: date):
    limits = allowed_days(session)
    grade = func.coalesce(Customer.grade, "C")
    conds = [and_(grade == g, or_(Customer.last_visit_on.is_(None),
                                  Customer.last_visit_on < today - timedelta(days=d)))
             for g, d in limits.items()]
    return (scoped_select(session, Customer, user)
            .where(Customer.status == ACTIVE, or_(*conds))
            .order_by(grade, Customer.last_visit_on.asc().nulls_first(), Customer.code))


def overdue(session: Session, user: User, today: date | None = None,
            limit: int | None = None) -> list[Overdue]:
    """Every active customer whose last visit is older than its grade allows —
    "when did you last visit this customer?"."""
    today = today or clock.today()
    limits = allowed_days(session)

    def build():
        stmt = overdue_select(session, user, today)
        return stmt.limit(limit) if limit else stmt

    stmt = kept_statement(session, user, ("customers.overdue", today, limit), build)
    out = []
    for c in session.scalars(stmt):
        g = c.grade or "C"
        days = None if c.last_visit_on is None else (today - c.last_visit_on).days
        out.append(Overdue(c, g, limits[g], days))
    return out


# -- weekly report ------------------------------------------------------------
@dataclass
class WeekRow:
    user_id: int
    name: str
    customers: dict = field(default_factory=lambda: {"A": 0, "B": 0, "C": 0})
    expected: Decimal = Decimal(0)
    done: int = 0
    with_objective: int = 0
    objective_met: int = 0
    never_visited: int = 0
    below_frequency: int = 0

    @property
    def met_share(self) -> Decimal | None:
        if not self.with_objective:
            return None
        return (Decimal(self.objective_met) * 100 / self.with_objective).quantize(
            Decimal("1"), rounding=ROUND_HALF_UP)

    @property
    def ratio(self) -> Decimal | None:
        if not self.expected:
            return None
        return (Decimal(self.done) * 100 / self.expected).quantize(Decimal("1"),
                                                                  rounding=ROUND_HALF_UP)


def weekly_report(session: Session, user: User, week_start: date) -> list[WeekRow]:
    """Per salesperson (owners of the customers ``user`` may see): visits done
    in the week against what the grades ask, share of visits with an objective
    met, customers never visited, A/B customers below their weekly minimum."""
    week_start = week_start - timedelta(days=week_start.weekday())
    week_end = week_start + timedelta(days=7)
    per_week = expected_per_week(session)
    minimum = {"A": int(per_week["A"]), "B": int(per_week["B"])}
    rows: dict[int, WeekRow] = {}

    def row(uid: int) -> WeekRow:
        if uid not in rows:
            u = session.get(User, uid)
            rows[uid] = WeekRow(uid, u.display_name if u else str(uid))
        return rows[uid]

    cust = scoped_select(session, Customer, user).where(
        Customer.status == ACTIVE, Customer.owner_id.is_not(None)).subquery()
    grade = func.coalesce(cust.c.grade, "C")
    for owner_id, g, n, never in session.execute(
            select(cust.c.owner_id, grade, func.count(),
                   func.sum(case((cust.c.last_visit_on.is_(None), 1), else_=0)))
            .group_by(cust.c.owner_id, grade)):
        r = row(owner_id)
        r.customers[g] += n
        r.expected += per_week[g] * n
        r.never_visited += int(never or 0)
    visits = (scoped_select(session, Visit, user)
              .where(Visit.state == DONE, Visit.visit_date >= week_start,
                     Visit.visit_date < week_end))
    per_customer: dict[int, int] = defaultdict(int)
    for v in session.scalars(visits):
        r = row(v.user_id)
        r.done += 1
        if v.objectives:
            r.with_objective += 1
            if v.objective_met:
                r.objective_met += 1
        per_customer[v.customer_id] += 1
    for c_id, owner_id, g in session.execute(
            select(cust.c.id, cust.c.owner_id, cust.c.grade).where(cust.c.grade.in_(("A", "B")))):
        if per_customer.get(c_id, 0) < minimum[g]:
            row(owner_id).below_frequency += 1
    for r in rows.values():
        r.expected = r.expected.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return sorted(rows.values(), key=lambda r: r.name)

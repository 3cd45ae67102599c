"""Development plans (开发方案, seed 002 §2.3 (5)): before developing a key
account the developer forecasts sales and profit and the cost of getting
them (staff, travel, PR) and rates the risk; the expected value says
whether the account is worth it.  The manager approves or rejects
(the reason is kept).  Afterwards the plan is read against what happened:
revenue from finance's invoices, cost from approved expense claims."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError
from plugins.customers.api import Customer
from plugins.finance import api as finance

from ..declarations import APPROVE, KINDS
from ..models.development import (
    APPROVED, DRAFT, PAID, REJECTED, SUBMITTED, StoresDemoClaim, StoresDemoPlan,
)
from .development import amount, check_permission, day, move, text
from core import clock

CENT = Decimal("0.01")


def expected_value(profit: Decimal, staff: Decimal, travel: Decimal, pr: Decimal,
                   risk: Decimal) -> Decimal:
    """Expected value = forecast profit × (1 − risk coefficient) − (staff
    cost + travel + PR cost): the profit the account is likely to bring,
    less what developing it costs for sure (seed 002 §2.3 (5))."""
    value = profit * (Decimal(1) - risk) - (staff + travel + pr)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _risk(value) -> Decimal:
    raw = str(value if value is not None else "").strip()
    try:
        r = Decimal(raw)
    except Exception:  # noqa: BLE001 - any junk is the same refusal
        r = None
    if r is None or not r.is_finite() or r < 0 or r > 1:
        raise ServiceError(_l("The risk coefficient is a number from 0 (no risk) to 1 (certain failure)."))
    return r.quantize(CENT, rounding=ROUND_HALF_UP)


def _figures(fields: dict) -> dict:
    out = {
        "title": text(fields.get("title"), _l("Title"), limit=120),
        "period_start": day(fields.get("period_start"), _l("Start")),
        "period_end": day(fields.get("period_end"), _l("End")),
        "forecast_sales": amount(fields.get("forecast_sales"), _l("Forecast sales")),
        "forecast_profit": amount(fields.get("forecast_profit"), _l("Forecast profit"), allow_zero=True),
        "staff_cost": amount(fields.get("staff_cost"), _l("Staff cost"), allow_zero=True),
        "travel_cost": amount(fields.get("travel_cost"), _l("Travel"), allow_zero=True),
        "pr_cost": amount(fields.get("pr_cost"), _l("PR cost"), allow_zero=True),
        "risk_coefficient": _risk(fields.get("risk_coefficient")),
        "approach": text(fields.get("approach"), _l("Approach"), required=False),
    }
    if out["period_end"] < out["period_start"]:
        raise ServiceError(_l("The plan ends before it starts."))
    if out["forecast_profit"] > out["forecast_sales"]:
        raise ServiceError(_l("The forecast profit cannot be more than the forecast sales."))
    out["expected_value"] = expected_value(out["forecast_profit"], out["staff_cost"],
                                           out["travel_cost"], out["pr_cost"], out["risk_coefficient"])
    return out


def create_plan(session: Session, customer: Customer, user, **fields) -> StoresDemoPlan:
    if customer.kind not in KINDS:
        raise ServiceError(_l("Development plans are for key accounts only."))
    plan = StoresDemoPlan(customer_id=customer.id, owner_id=user.id, status=DRAFT, **_figures(fields))
    session.add(plan)
    session.flush()
    return plan


def update_plan(session: Session, plan: StoresDemoPlan, user, **fields) -> StoresDemoPlan:
    values = _figures(fields)
    if plan.status not in (DRAFT, REJECTED):
        raise ServiceError(_l("Only a draft or rejected plan can be changed."))
    move(session, plan, (DRAFT, REJECTED), DRAFT, **values)
    return plan


def submit_plan(session: Session, plan: StoresDemoPlan, user, today: date | None = None) -> None:
    if plan.status not in (DRAFT, REJECTED):
        raise ServiceError(_l("This plan has already been submitted."))
    move(session, plan, (DRAFT, REJECTED), SUBMITTED, submitted_on=today or clock.today(),
         reject_reason=None, decided_by=None, decided_on=None)


def approve_plan(session: Session, plan: StoresDemoPlan, user, today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    if plan.status != SUBMITTED:
        raise ServiceError(_l("Only a submitted plan can be approved or rejected."))
    move(session, plan, (SUBMITTED,), APPROVED, decided_by=user.id, decided_on=today or clock.today())


def reject_plan(session: Session, plan: StoresDemoPlan, user, reason: str,
                today: date | None = None) -> None:
    check_permission(session, user, APPROVE)
    reason = text(reason, _l("Reason"), limit=1000)
    if plan.status != SUBMITTED:
        raise ServiceError(_l("Only a submitted plan can be approved or rejected."))
    move(session, plan, (SUBMITTED,), REJECTED, decided_by=user.id,
         decided_on=today or clock.today(), reject_reason=reason)


# -- plan against actual ------------------------------------------------------
@dataclass
class PlanActual:
    plan: StoresDemoPlan
    revenue: Decimal
    cost: Decimal

    @property
    def planned_cost(self) -> Decimal:
        p = self.plan
        return p.staff_cost + p.travel_cost + p.pr_cost

    @property
    def sales_pct(self) -> Decimal | None:
        if not self.plan.forecast_sales:
            return None
        return (self.revenue * 100 / self.plan.forecast_sales).quantize(Decimal("0.1"), ROUND_HALF_UP)


def claimed_costs(session: Session, customer_ids, start: date | None = None,
                  end: date | None = None) -> dict[int, Decimal]:
    """Approved (and paid) expense claims per account, spent in ``[start, end)``."""
    c = StoresDemoClaim
    stmt = (select(c.customer_id, func.coalesce(func.sum(c.amount), 0))
            .where(c.customer_id.in_(customer_ids), c.status.in_((APPROVED, PAID)))
            .group_by(c.customer_id))
    if start is not None:
        stmt = stmt.where(c.spent_on >= start)
    if end is not None:
        stmt = stmt.where(c.spent_on < end)
    return {cid: Decimal(v) for cid, v in session.execute(stmt)}


def plan_actual(session: Session, plan: StoresDemoPlan) -> PlanActual:
    end = plan.period_end + timedelta(days=1)
    revenue = finance.invoiced_amounts(session, [plan.customer_id], plan.period_start, end)
    cost = claimed_costs(session, [plan.customer_id], plan.period_start, end)
    return PlanActual(plan, revenue.get(plan.customer_id, Decimal("0.00")),
                      cost.get(plan.customer_id, Decimal("0.00")))

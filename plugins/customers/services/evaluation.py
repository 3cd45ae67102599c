"""Customer evaluation and adjustment (seed 001 第三讲第五节): five criteria
scored 1–5 per period, weighted (settings) into a score that recommends
reward (top), support (middle) or eliminate (bottom)."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, settings
from core.i18n import _l
from core.services import ServiceError, lock

from ..models import Customer, Evaluation

CRITERIA = ("transaction", "profitability", "safety", "growth", "cooperation")
REWARD, SUPPORT, ELIMINATE = "reward", "support", "eliminate"


def criterion_labels() -> dict[str, Any]:
    return {
        "transaction": _l("Transaction (交易性)"),
        "profitability": _l("Profitability (收益性)"),
        "safety": _l("Safety / credit (安全性)"),
        "growth": _l("Growth (发展性)"),
        "cooperation": _l("Cooperation (合作性)"),
    }


def action_labels() -> dict[str, Any]:
    return {REWARD: _l("Reward"), SUPPORT: _l("Support"), ELIMINATE: _l("Eliminate")}


def period_of(session: Session, day: date) -> str:
    if settings.get(session, "customers.eval_period") == "month":
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def weights(session: Session) -> dict[str, Decimal]:
    return {c: Decimal(settings.get(session, f"customers.eval_weight_{c}")) for c in CRITERIA}


def weighted_score(session: Session, scores: dict[str, int]) -> Decimal:
    w = weights(session)
    total_w = sum(w.values())
    if total_w <= 0:
        raise ServiceError(_l("The evaluation weights add up to zero; fix them in the settings."))
    total = sum(Decimal(scores[c]) * w[c] for c in CRITERIA) / total_w
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def action_for(session: Session, score: Decimal) -> str:
    reward = Decimal(settings.get(session, "customers.eval_reward_min"))
    eliminate = Decimal(settings.get(session, "customers.eval_eliminate_below"))
    if score >= reward:
        return REWARD
    if score < eliminate:
        return ELIMINATE
    return SUPPORT


def evaluate(session: Session, customer: Customer, period: str, scores: dict[str, int],
             user_id: int | None = None, notes: str = "") -> Evaluation:
    """Record (or revise, audited) the evaluation of one period."""
    clean: dict[str, int] = {}
    for c in CRITERIA:
        try:
            v = int(scores.get(c))
        except (TypeError, ValueError):
            v = 0
        if not 1 <= v <= 5:
            raise ServiceError(_l("Each criterion is scored from 1 to 5."))
        clean[c] = v
    period = (period or "").strip()
    if not period or len(period) > 10:
        raise ServiceError(_l("Give the evaluation period, e.g. 2026-Q1."))
    score = weighted_score(session, clean)
    action = action_for(session, score)
    lock(session, customer)  # one evaluation per period, however many record it at once
    ev = session.scalars(select(Evaluation).where(Evaluation.customer_id == customer.id,
                                                  Evaluation.period == period)).first()
    if ev is None:
        ev = Evaluation(customer_id=customer.id, period=period, score=score, action=action,
                        **clean)
        session.add(ev)
    else:
        audit.set_reason(session, str(_l("Evaluation revised")))
    for c, v in clean.items():
        setattr(ev, c, v)
    ev.score = score
    ev.action = action
    ev.notes = (notes or "").strip() or None
    ev.evaluated_by = user_id
    session.flush()
    return ev


def history(session: Session, customer: Customer) -> list[Evaluation]:
    return list(session.scalars(select(Evaluation).where(Evaluation.customer_id == customer.id)
                                .order_by(Evaluation.period.desc())))

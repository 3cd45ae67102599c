"""Customer evaluation and adjustment (seed 001 第三讲第五节): five criteria
scored 1–5 per period, weighted (settings) into a score that recommends
reward (top), support (middle) or eliminate (bottom)."""
from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit, settings
from core.i18n import _l
from core.services import ServiceError, lock

from ..models import Customer, Evaluation
from core import clock

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


#: A quarter ("2026-Q2") or a month ("2026-05"), nothing else (issue 21 #4:
#: "abc" and "2026-Q9" were saved and printed on the customer card).
PERIOD_RE = re.compile(r"^(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))$")
#: How many periods back the picker offers.
PICKER_QUARTERS, PICKER_MONTHS = 8, 12


def _period_key(period: str) -> tuple[int, int] | None:
    """(year, first month) of a well-formed period, else None."""
    m = PERIOD_RE.match(period or "")
    if not m:
        return None
    year = int(m.group(1))
    month = (int(m.group(2)) - 1) * 3 + 1 if m.group(2) else int(m.group(3))
    return year, month


def period_label(period: str) -> str:
    """2026-Q2 → 2026年第2季度 (2026 Q2); 2026-05 → 2026年5月 (2026-5)."""
    m = PERIOD_RE.match(period or "")
    if not m:
        return period
    if m.group(2):
        return str(_l("%(year)s Q%(q)s", year=m.group(1), q=m.group(2)))
    return str(_l("%(year)s-%(month)s", year=m.group(1), month=int(m.group(3))))


def period_choices(session: Session, today: date) -> list[tuple[str, str]]:
    """The periods the picker offers, newest first: this one and the ones
    before it, quarters or months as the setting says."""
    out = []
    if settings.get(session, "customers.eval_period") == "month":
        y, m = today.year, today.month
        for _i in range(PICKER_MONTHS):
            out.append(f"{y}-{m:02d}")
            y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    else:
        y, q = today.year, (today.month - 1) // 3 + 1
        for _i in range(PICKER_QUARTERS):
            out.append(f"{y}-Q{q}")
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    return [(p, period_label(p)) for p in out]


def check_period(period: str, today: date) -> str:
    """The period, well-formed and begun; else ServiceError."""
    period = (period or "").strip().upper()
    key = _period_key(period)
    if key is None or key[0] < 2000:
        raise ServiceError(_l("Choose the evaluation period from the list (a quarter such as "
                              "2026-Q1 or a month such as 2026-03)."))
    if key > (today.year, today.month):
        raise ServiceError(_l("The evaluation period %(period)s has not begun.", period=period))
    return period


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
    period = check_period(period, clock.today())
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

"""Relationship stages 相识 → 相知 → 相信 → 相伴 (seed 004).

A move goes one stage forward, or back any number of stages, and records
its evidence (a note or an attached file): what shows the customer reached
the stage (they named their manager at once; joined our event; joined a
private gathering; introduced a friend).  Two managers moving the same
customer at the same moment: the conditional UPDATE lets exactly one win."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core import attachments
from core.i18n import _l
from core.services import ServiceError

from ..models import BankRetailProfile
from ..models.activity import BankStageMove
from ..models.clients import STAGES

STAGE_LABELS = {
    "acquainted": _l("Acquainted (相识)"), "understood": _l("Interacting (相知)"),
    "trusted": _l("Trusted (相信)"), "companion": _l("Allied (相伴)"),
}
STAGE_SIGNS = {
    "acquainted": _l("The customer can name their manager at once."),
    "understood": _l("The customer takes part in our activities: events, seminars, visits."),
    "trusted": _l("The customer gives clear personal support and joins private activities."),
    "companion": _l("The customer shares private thoughts and introduces others."),
}
MIN_EVIDENCE = 4


def profile(session: Session, customer_id: int) -> BankRetailProfile:
    """The customer's bank profile, created at the first stage when missing."""
    p = session.execute(select(BankRetailProfile).where(BankRetailProfile.customer_id == customer_id)
                        ).scalar_one_or_none()
    if p is None:
        p = BankRetailProfile(customer_id=customer_id, stage=STAGES[0])
        session.add(p)
        session.flush()
    return p


def move_stage(session: Session, user, customer_id: int, *, from_stage: str, to_stage: str,
               evidence: str = "", upload=None) -> BankStageMove:
    """Move the customer from ``from_stage`` (what the page showed) to ``to_stage``."""
    if to_stage not in STAGES or from_stage not in STAGES:
        raise ServiceError(_l("Unknown stage."))
    if to_stage == from_stage:
        raise ServiceError(_l("The customer is at this stage already."))
    if STAGES.index(to_stage) > STAGES.index(from_stage) + 1:
        raise ServiceError(_l("A customer moves forward one stage at a time."))
    text = (evidence or "").strip()
    has_file = upload is not None and getattr(upload, "filename", "")
    if len(text) < MIN_EVIDENCE and not has_file:
        raise ServiceError(_l("A stage move needs its evidence: describe what happened or attach a file."))
    p = profile(session, customer_id)
    done = session.execute(
        update(BankRetailProfile)
        .where(BankRetailProfile.customer_id == customer_id, BankRetailProfile.stage == from_stage)
        .values(stage=to_stage, version=BankRetailProfile.version + 1)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.refresh(p)
        raise ServiceError(_l("Someone moved this customer meanwhile: the stage is now %(stage)s.",
                              stage=STAGE_LABELS.get(p.stage, p.stage)))
    att_id = None
    if has_file:
        att = attachments.save(session, upload.stream, upload.filename,
                               res_table="banking_rm_profile", res_id=p.id, purpose="stage_evidence",
                               user_id=user.id)
        att_id = att.id
    move = BankStageMove(customer_id=customer_id, from_stage=from_stage, to_stage=to_stage,
                         evidence=text or None, attachment_id=att_id, user_id=user.id)
    session.add(move)
    session.flush()
    session.expire(p)
    return move


def history(session: Session, customer_id: int) -> list[BankStageMove]:
    return list(session.execute(select(BankStageMove).where(BankStageMove.customer_id == customer_id)
                                .order_by(BankStageMove.id.desc())).scalars())


def distribution(session: Session, customer_ids) -> dict[str, int]:
    """Customers per stage among ``customer_ids`` (a SELECT)."""
    P = BankRetailProfile
    rows = session.execute(select(P.stage, func.count()).where(P.customer_id.in_(customer_ids))
                           .group_by(P.stage)).all()
    return {s: int(n) for s, n in rows}

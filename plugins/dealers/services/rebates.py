"""Rebate claims (返利申报) of dealers: two kinds only, sales subsidy and
price-drop compensation (seed 000 §四.5.D); the basis is per model; a
submitted claim continues in finance's rebate workflow."""
from __future__ import annotations

from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import attachments
from core.db import utcnow
from core.models import Attachment
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError, lock
from core.fields import to_decimal, to_int
from plugins.customers.api import Customer

from ..models import DealerProduct, DealerRebateClaim, DealerRebateClaimLine
from ..models.market import RC_DRAFT, RC_SUBMITTED, REBATE_KINDS
from . import finance_link
from .common import cents, parse_period
from .network import require_active, require_dealer

SEQUENCE = "dealers.rebate"
EVIDENCE = "rebate_evidence"


def create_claim(session: Session, customer: Customer, user, *, kind: str, period: str,
                 note: str | None = None) -> DealerRebateClaim:
    require_dealer(customer)
    if kind not in REBATE_KINDS:
        raise ServiceError(_l("A rebate is either a sales subsidy or a price-drop compensation."))
    first, _ = parse_period(period)
    claim = DealerRebateClaim(number=next_number(session, SEQUENCE, first), customer_id=customer.id,
                        kind=kind, period=period, state=RC_DRAFT, note=note,
                        created_by=user.id if user else None)
    session.add(claim)
    session.flush()
    return claim


def _draft_locked(session: Session, claim: DealerRebateClaim) -> DealerRebateClaim:
    claim = lock(session, claim)
    if claim.state != RC_DRAFT:
        raise ServiceError(_l("Claim %(no)s was already submitted.", no=claim.number))
    return claim


def _refresh(session: Session, claim: DealerRebateClaim) -> None:
    session.flush()
    claim.total = cents(session.scalar(select(func.coalesce(func.sum(DealerRebateClaimLine.amount), 0))
                                       .where(DealerRebateClaimLine.claim_id == claim.id)))
    session.flush()


def add_line(session: Session, claim: DealerRebateClaim, product: DealerProduct, quantity, unit_amount) -> DealerRebateClaimLine:
    claim = _draft_locked(session, claim)
    qty = to_int(quantity, _l("Quantity"), minimum=1)
    per = cents(to_decimal(unit_amount, _l("Amount per unit")))
    if per <= 0:
        raise ServiceError(_l("The amount per unit must be above zero."))
    line = DealerRebateClaimLine(product_id=product.id, quantity=qty,
                           unit_amount=per, amount=cents(per * qty))
    claim.lines.append(line)
    _refresh(session, claim)
    return line


def remove_line(session: Session, claim: DealerRebateClaim, line: DealerRebateClaimLine) -> None:
    claim = _draft_locked(session, claim)
    if line.claim_id != claim.id:
        raise ServiceError(_l("This line belongs to another claim."))
    if line not in claim.lines:
        raise ServiceError(_l("This line was already removed."))
    claim.lines.remove(line)
    session.delete(line)
    _refresh(session, claim)


def add_evidence(session: Session, claim: DealerRebateClaim, stream: BinaryIO, filename: str,
                 user) -> Attachment:
    """Sales records, price notices … (PDF, JPEG or PNG, checked by content)."""
    claim = _draft_locked(session, claim)
    return attachments.save(session, stream, filename, res_table="dealers_rebate_claim",
                            res_id=claim.id, purpose=EVIDENCE,
                            org_unit_id=claim.customer.org_unit_id,
                            user_id=user.id if user else None)


def evidence(session: Session, claim: DealerRebateClaim) -> list[Attachment]:
    return list(session.execute(select(Attachment).where(
        Attachment.res_table == "dealers_rebate_claim", Attachment.res_id == str(claim.id),
        Attachment.purpose == EVIDENCE).order_by(Attachment.id)).scalars())


def submit_claim(session: Session, claim: DealerRebateClaim, user) -> DealerRebateClaim:
    claim = _draft_locked(session, claim)
    if not claim.lines:
        raise ServiceError(_l("A claim needs at least one model with its quantity."))
    proof = evidence(session, claim)
    if not proof:
        # Seed 000 §四.5.D: no oral promises — a claim stands on its evidence.
        raise ServiceError(_l("Attach the evidence (sales records, price notices …) first."))
    require_active(claim.customer)
    _refresh(session, claim)
    claim.finance_ref = finance_link.submit_rebate(session, claim, user, [a.id for a in proof])
    claim.state = RC_SUBMITTED
    claim.submitted_at = utcnow()
    session.flush()
    return claim

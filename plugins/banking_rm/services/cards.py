"""FABE product cards (seed 004): feature, advantage, benefit, evidence —
written by managers, read by everyone, shown beside the sale form."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError

from ..models.clients import PRODUCT_KINDS
from ..models.retail import BankProductCard

FIELDS = ("kind", "title", "feature", "advantage", "benefit", "evidence")


def save_card(session: Session, user, card: BankProductCard | None, **data) -> BankProductCard:
    if data.get("kind") not in PRODUCT_KINDS:
        raise ServiceError(_l("Choose a product kind."))
    clean = {k: (data.get(k) or "").strip() for k in FIELDS}
    if not all(clean.values()):
        raise ServiceError(_l("A card needs a title and all four parts: feature, advantage, "
                              "benefit and evidence."))
    if card is None:
        card = BankProductCard(**clean)
        session.add(card)
    else:
        for k, v in clean.items():
            setattr(card, k, v)
    card.updated_by = getattr(user, "id", None)
    session.flush()
    return card

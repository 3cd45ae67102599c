"""Pieces: reserving one for an account, and letting it go again.

Reserving is race-free: the piece's row is locked before its state is read,
so of two people reserving the same piece at once exactly one succeeds and
the other is told it is already taken."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core.i18n import _l
from core.services import ServiceError, lock

from ..models.pieces import IN_STOCK, RESERVED, StoresDemoPiece


def reserve(session: Session, piece: StoresDemoPiece | int, customer_id: int, user, *,
            today: date | None = None) -> StoresDemoPiece:
    """Reserve an in-stock piece for an account (a customer the caller may see)."""
    ident = piece if isinstance(piece, int) else piece.id
    piece = lock(session, StoresDemoPiece, ident)
    if piece is None:
        raise ServiceError(_l("This piece does not exist."))
    if piece.state != IN_STOCK:
        raise ServiceError(_l("Piece %(sku)s is no longer in stock: someone else has reserved or sold it.",
                             sku=piece.sku))
    piece.state = RESERVED
    piece.customer_id = customer_id
    piece.reserved_by = getattr(user, "id", None)
    piece.reserved_on = today or date.today()
    session.flush()
    return piece


def release(session: Session, piece: StoresDemoPiece | int, user) -> StoresDemoPiece:
    """Put a reserved piece back in stock."""
    ident = piece if isinstance(piece, int) else piece.id
    piece = lock(session, StoresDemoPiece, ident)
    if piece is None:
        raise ServiceError(_l("This piece does not exist."))
    if piece.state != RESERVED:
        raise ServiceError(_l("Piece %(sku)s is not reserved.", sku=piece.sku))
    piece.state = IN_STOCK
    piece.customer_id = None
    piece.reserved_by = None
    piece.reserved_on = None
    session.flush()
    return piece

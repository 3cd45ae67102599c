"""Tables of the `stores_demo` plugin, one module per concern.

Every business row either belongs to a key account (``customer_id`` → a
customer of the customers plugin) and follows that customer's access, or is
shared reference data of the store (pieces, gold prices, templates)."""
from __future__ import annotations

from .pieces import StoresDemoGoldPrice, StoresDemoPiece
from .accounts import (StoresDemoAccount, StoresDemoContact, StoresDemoContactTemplate,
                       StoresDemoHandover, StoresDemoStageMove)

ALL_MODELS: tuple = (
    StoresDemoPiece, StoresDemoGoldPrice,
    StoresDemoAccount, StoresDemoStageMove, StoresDemoContactTemplate, StoresDemoContact,
    StoresDemoHandover,
)

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]

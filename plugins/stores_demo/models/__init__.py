"""Tables of the `stores_demo` plugin, one module per concern.

Every business row either belongs to a key account (``customer_id`` → a
customer of the customers plugin) and follows that customer's access, or is
shared reference data of the store (pieces, gold prices, templates)."""
from __future__ import annotations

from .pieces import StoresDemoGoldPrice, StoresDemoPiece
from .development import DEVELOPMENT_MODELS
from .tasks import StoresDemoTask
from .walkins import StoresDemoWalkin
from .anniversaries import StoresDemoFit, StoresDemoImportantDate
from .custom_orders import StoresDemoCustomOrder
from .after_sale import StoresDemoService
from .accounts import (StoresDemoAccount, StoresDemoContact, StoresDemoContactTemplate,
                       StoresDemoHandover, StoresDemoStageMove)
from .events import StoresDemoEvent, StoresDemoInvitation

ALL_MODELS: tuple = (
    StoresDemoPiece, StoresDemoGoldPrice,
    StoresDemoTask, StoresDemoWalkin, StoresDemoImportantDate, StoresDemoFit,
    StoresDemoEvent, StoresDemoInvitation,
    StoresDemoCustomOrder, StoresDemoService,
    StoresDemoAccount, StoresDemoStageMove, StoresDemoContactTemplate, StoresDemoContact,
    StoresDemoHandover,
) + DEVELOPMENT_MODELS


__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]

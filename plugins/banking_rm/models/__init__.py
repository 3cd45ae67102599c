"""Tables of the `banking_rm` plugin, one module per concern.

Every business row belongs to a retail customer (``customer_id`` → a
customer of the customers plugin) and follows that customer's access, or is
the branch's own reference data (campaigns, gift stock, templates)."""
from __future__ import annotations

from .activity import BankMeeting, BankReferral, BankSpotCheck, BankStageMove
from .campaigns import BankCampaign
from .care import (BankApproval, BankCareTask, BankCheckup, BankGift, BankHoldingWatch,
                   BankSpecialDate, BankValuePlan)
from .clients import BankActivity, BankHolding, BankHousehold, BankRetailProfile
from .retail import BankCensus, BankImportantDate, BankProductCard

ALL_MODELS: tuple = (
    BankHousehold, BankRetailProfile, BankHolding, BankActivity, BankCampaign,
    BankSpotCheck, BankStageMove, BankReferral, BankMeeting,
    BankCareTask, BankHoldingWatch, BankSpecialDate, BankCheckup, BankValuePlan, BankGift, BankApproval,
    BankImportantDate, BankProductCard, BankCensus,
)

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]

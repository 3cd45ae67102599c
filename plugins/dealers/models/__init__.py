"""Tables of the `dealers` plugin, one module per concern.

Every business row either belongs to a dealer (``customer_id`` → a customer
of the customers plugin) and follows that customer's access, or is shared
reference data (products, price lists), or is owned (surveys).
"""
from __future__ import annotations

from .catalog import DealerPriceList, DealerPriceListItem, DealerProduct
from .market import (
    CompetitorSurvey,
    CrossRegionIncident,
    DealerSurvey,
    DealerPromotion,
    DealerPromotionStep,
    DealerRebateClaim,
    DealerRebateClaimLine,
    RegionSurvey,
)
from .network import DealerProfile, DealerPromoter, DealerPromoterMonth, DealerTerminal
from .orders import DealerOrder, DealerOrderLine, ShipmentSerial
from .samples import ReturnedUnit, SampleCount, SampleCountLine, SampleTransfer, SampleUnit
from .stock import DealerStockReport, DealerStockReportLine

ALL_MODELS = (
    DealerProduct, DealerPriceList, DealerPriceListItem,
    DealerProfile, DealerTerminal, DealerPromoter, DealerPromoterMonth,
    DealerOrder, DealerOrderLine, ShipmentSerial,
    DealerStockReport, DealerStockReportLine,
    SampleUnit, SampleTransfer, SampleCount, SampleCountLine, ReturnedUnit,
    DealerPromotion, DealerPromotionStep, RegionSurvey, DealerSurvey, CompetitorSurvey,
    CrossRegionIncident, DealerRebateClaim, DealerRebateClaimLine,
)

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS"]

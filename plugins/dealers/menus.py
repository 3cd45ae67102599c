"""Menu entries of the dealers plugin."""
from __future__ import annotations

from core.i18n import _l
from core.registry import MenuItem

from .permissions import VIEW


def items(menu: str) -> list[MenuItem]:
    if menu == "main":
        return [MenuItem(_l("Dealers"), "dealers.index", 30, VIEW)]
    if menu == "dealers":
        return [
            MenuItem(_l("Overview"), "dealers.index", 10, VIEW),
            MenuItem(_l("Dealers"), "dealers.dealers", 20, VIEW),
            MenuItem(_l("Orders"), "dealers.orders", 30, VIEW),
            MenuItem(_l("Stock and volumes"), "dealers.volumes", 40, VIEW),
            MenuItem(_l("Stock pressing"), "dealers.pressing", 45, VIEW),
            MenuItem(_l("Sample units"), "dealers.samples", 50, VIEW),
            MenuItem(_l("Returned units"), "dealers.returns", 55, VIEW),
            MenuItem(_l("Promotions"), "dealers.promotions", 60, VIEW),
            MenuItem(_l("Promoters"), "dealers.promoter_assessment", 65, VIEW),
            MenuItem(_l("Surveys"), "dealers.surveys", 70, VIEW),
            MenuItem(_l("Coverage"), "dealers.coverage", 75, VIEW),
            MenuItem(_l("Cross-region"), "dealers.incidents", 80, VIEW),
            MenuItem(_l("Rebate claims"), "dealers.rebates", 85, VIEW),
            MenuItem(_l("Products"), "dealers.products", 90, VIEW),
            MenuItem(_l("Price lists"), "dealers.price_lists", 95, VIEW),
        ]
    return []

"""Permission codes of the dealers plugin and the roles that get them by default."""
from __future__ import annotations

from core.i18n import _l
from core.registry import Permission

VIEW = "dealers.view"
ORDER = "dealers.order_edit"
PRICE_APPROVE = "dealers.price_approve"
PAPER = "dealers.paper_trail"
STOCK = "dealers.stock_edit"
SAMPLE = "dealers.sample_edit"
SAMPLE_SELL = "dealers.sample_sell"
CATALOG = "dealers.catalog_edit"
NETWORK = "dealers.network_edit"
PROMOTION = "dealers.promotion_edit"
ASSESS = "dealers.promoter_assess"
SURVEY = "dealers.survey_edit"
INCIDENT = "dealers.incident_report"
INCIDENT_DECIDE = "dealers.incident_decide"
REBATE = "dealers.rebate_edit"

SALES = ("salesperson", "manager")


def permissions() -> list[Permission]:
    P = Permission
    return [
        P(VIEW, _l("See dealers, orders, stock, samples and reports"),
          ("salesperson", "manager", "finance", "auditor")),
        P(ORDER, _l("Write and confirm dealer orders"), SALES),
        P(PRICE_APPROVE, _l("Approve order prices below the floor price"), ("manager",)),
        P(PAPER, _l("Record signed order slips and receipt slips"), SALES + ("finance",)),
        P(STOCK, _l("Record dealer stock reports"), SALES),
        P(SAMPLE, _l("Register, count and transfer sample units; returned units"), SALES),
        P(SAMPLE_SELL, _l("Sell sample units to dealers (invoiced by finance)"), ("manager",)),
        P(CATALOG, _l("Edit products and price lists"), ("manager",)),
        P(NETWORK, _l("Edit dealer profiles, terminals and promoters"), SALES),
        P(PROMOTION, _l("Run promotions"), SALES),
        P(ASSESS, _l("Assess promoters"), ("manager",)),
        P(SURVEY, _l("Record market, dealer and competitor surveys"), SALES),
        P(INCIDENT, _l("Report units found outside their region"), SALES),
        P(INCIDENT_DECIDE, _l("Decide on cross-region incidents and penalties"), ("manager",)),
        P(REBATE, _l("File dealer rebate claims"), SALES),
    ]

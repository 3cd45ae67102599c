"""Everything the `dealers` plugin registers, in one place: permissions
(codes and the roles that get them by default), settings, numbering
sequences, menus, PDF documents and the customer kinds it adds.  ``plugin.py``'s hookimpls return
these; the code they point at lives in the plugin's other modules."""
from __future__ import annotations

from decimal import Decimal

from core.i18n import _l
from core.registry import DocumentSpec, MenuItem, Permission, SequenceSpec, SettingSpec

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


def settings() -> list[SettingSpec]:
    """Edited on /admin/settings.  The season calendar and weeks-of-cover
    targets drive the stock-pressing advice (seed 000 §三.4.F: press hard
    before and in the peak season, especially at multi-brand dealers; never
    press blindly off-season)."""
    S = SettingSpec
    return [
        S("dealers.peak_months", "str", "1,2,4,5,9,10", _l("Peak-season months"),
          _l("Month numbers separated by commas (春节、五一、国庆…); the others are off-season.")),
        S("dealers.peak_target_weeks", "decimal", Decimal("6"),
          _l("Peak season: target weeks of cover"), minimum=Decimal("0"), maximum=Decimal("52")),
        S("dealers.multibrand_extra_weeks", "decimal", Decimal("2"),
          _l("Peak season: extra weeks of cover for multi-brand dealers"),
          minimum=Decimal("0"), maximum=Decimal("26")),
        S("dealers.offseason_ceiling_weeks", "decimal", Decimal("4"),
          _l("Off-season: ceiling of weeks of cover"), minimum=Decimal("0"), maximum=Decimal("52")),
        S("dealers.sellout_window_weeks", "int", 8,
          _l("Weeks of sell-out averaged for weeks of cover"), minimum=1, maximum=52),
        S("dealers.slow_moving_days", "int", 60,
          _l("Slow-moving: days in the dealer's stock without being sold"), minimum=1, maximum=365),
        S("dealers.signed_slip_overdue_days", "int", 7,
          _l("Signed and stamped order slip overdue after (days)"), minimum=1, maximum=365),
        S("dealers.receipt_slip_overdue_days", "int", 15,
          _l("Invoice receipt slip overdue after (days)"), minimum=1, maximum=365),
        S("dealers.returned_unit_max_days", "int", 15,
          _l("Returned or repair unit: longest acceptable wait (days)"), minimum=1, maximum=365),
        S("dealers.promoter_elimination_pct", "int", 60,
          _l("Promoter elimination: below this % of target…"), minimum=1, maximum=100),
        S("dealers.promoter_elimination_months", "int", 3,
          _l("…for this many months in a row"), minimum=1, maximum=12),
        S("dealers.promoter_bonus_tiers", "str", "10:20,20:30,30:50",
          _l("Main-push tier bonus"),
          _l("units:CNY per main-push unit, e.g. 10:20,20:30 — the highest tier reached applies.")),
        S("dealers.store_rank_awards", "str", "500,300,200",
          _l("Store ranking awards (CNY for 1st, 2nd, 3rd …)")),
        S("dealers.coverage_points_per_county", "int", 2,
          _l("Coverage: points per county seat (一县两点)"), minimum=0, maximum=20),
        S("dealers.coverage_points_per_town", "int", 1,
          _l("Coverage: points per town (乡镇一点)"), minimum=0, maximum=20),
        S("dealers.weight_reputation", "int", 25, _l("Selection weight: reputation"), minimum=0),
        S("dealers.weight_scale_capital", "int", 20, _l("Selection weight: scale and capital"), minimum=0),
        S("dealers.weight_influence", "int", 15, _l("Selection weight: regional influence"), minimum=0),
        S("dealers.weight_management", "int", 15, _l("Selection weight: management ability"), minimum=0),
        S("dealers.weight_network", "int", 15, _l("Selection weight: sales network"), minimum=0),
        S("dealers.weight_logistics", "int", 10,
          _l("Selection weight: warehousing and delivery"), minimum=0),
    ]


def sequences() -> list[SequenceSpec]:
    return [
        SequenceSpec("dealers.order", "XS{year}-{n:05}", "销售指令单"),
        SequenceSpec("dealers.sample_transfer", "YJDB{year}-{n:04}", "样机调拨单"),
        SequenceSpec("dealers.promotion", "CX{year}-{n:04}", "促销活动"),
        SequenceSpec("dealers.incident", "CH{year}-{n:04}", "窜货记录"),
        SequenceSpec("dealers.rebate", "FLSB{year}-{n:04}", "返利申报"),
    ]


def menus(menu: str) -> list[MenuItem]:
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


def documents() -> list[DocumentSpec]:
    from .documents import agreement, count_sheet, order_slip, promotion_summary
    from .models import DealerOrder, DealerPromotion, DealerTerminal
    from plugins.customers.api import Customer

    return [
        DocumentSpec("dealers.order_slip", _l("Order slip"), "dealers/pdf/order_slip.html",
                     order_slip, VIEW, model=DealerOrder),
        DocumentSpec("dealers.agreement", _l("Dealer agreement"), "dealers/pdf/agreement.html",
                     agreement, VIEW, model=Customer),
        DocumentSpec("dealers.sample_count_sheet", _l("Sample count sheet"),
                     "dealers/pdf/count_sheet.html", count_sheet, VIEW, model=DealerTerminal),
        DocumentSpec("dealers.promotion_summary", _l("Promotion summary"),
                     "dealers/pdf/promotion.html", promotion_summary, VIEW, model=DealerPromotion),
    ]


def kinds() -> list[tuple[str, object]]:
    """The four dealer kinds this plugin registers into customers (seed 000
    §三.1), labelled in ``labels.py`` with the other stored codes."""
    from .labels import kind_labels

    return list(kind_labels().items())


def pickers() -> list:
    """The record picker's kinds (core.web.pickers): dealers in scope, and
    product models (the catalogue is the company's, not scoped: active
    models, or every model for returns of discontinued ones)."""
    from sqlalchemy import select

    from core.registry import PickerSpec
    from plugins.customers.api import customer_picker

    from .models import DealerProduct
    from .models.network import DEALER_KINDS

    def products(active_only: bool):
        def select_(session, user, action):
            stmt = select(DealerProduct)
            return stmt.where(DealerProduct.active.is_(True)) if active_only else stmt
        return select_

    def label(p) -> str:
        return p.label

    return [
        customer_picker("dealers.dealer", _l("dealer"), kinds=DEALER_KINDS, permission=VIEW),
        PickerSpec("dealers.product", DealerProduct, products(True), DealerProduct.model, label,
                   _l("product model"), columns=(DealerProduct.name,), permission=VIEW),
        PickerSpec("dealers.any_product", DealerProduct, products(False), DealerProduct.model,
                   label, _l("product model"), columns=(DealerProduct.name,), permission=VIEW),
    ]

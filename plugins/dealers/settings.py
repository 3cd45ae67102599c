"""Typed settings of the dealers plugin (edited on /admin/settings).

The season calendar and weeks-of-cover targets drive the stock-pressing
advice (seed 000 §三.4.F: press hard before and in the peak season,
especially at multi-brand dealers; never press blindly off-season)."""
from __future__ import annotations

from decimal import Decimal

from core.i18n import _l
from core.registry import SettingSpec


def specs() -> list[SettingSpec]:
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

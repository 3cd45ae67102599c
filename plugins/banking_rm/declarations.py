"""Everything the `banking_rm` plugin registers, in one place: permissions
(codes and the roles that get them by default), the branch's roles (seed
004: branch head, lobby manager, teller, wealth / relationship manager),
settings, numbering sequences, menus, PDF documents, job handlers and the
customer kind it adds to customers.  ``plugin.py``'s hookimpls return these;
the code they point at lives in the plugin's other modules."""
from __future__ import annotations

from core.i18n import _l
from core.registry import DocumentSpec, MenuItem, Permission, RoleSpec, SequenceSpec, SettingSpec

# -- permissions: views import the codes from here --------------------------
VIEW = "banking_rm.view"            # see retail customers, holdings, dashboards, reports
SERVE = "banking_rm.serve"          # log activities, stage moves, care, check-ups, gifts
SELL = "banking_rm.sell"            # record holdings and product sales (suitability gate)
REFER = "banking_rm.refer"          # hand a customer to a wealth manager (lobby, teller)
SUPERVISE = "banking_rm.supervise"  # spot checks, plan reviews, gift approvals, campaigns, meetings

# -- the branch's roles (seed 004) ------------------------------------------
BRANCH_HEAD = "br_head"             # 支行长
LOBBY = "br_lobby"                  # 大堂经理
TELLER = "br_teller"                # 柜员
WEALTH = "br_wealth"                # 理财经理 / 客户经理

HEADS = ("manager", BRANCH_HEAD)
MANAGERS = ("salesperson", WEALTH) + HEADS
FRONT = (LOBBY, TELLER)
EVERYONE = MANAGERS + FRONT + ("auditor",)

#: the customer kind this plugin adds to customers
KIND_RETAIL = "retail"


def permissions() -> list[Permission]:
    P = Permission
    return [
        P(VIEW, _l("See retail customers, holdings, the branch dashboard and reports"), EVERYONE),
        P(SERVE, _l("Serve customers: activities, stage moves, care, check-ups, gifts"), MANAGERS),
        P(SELL, _l("Record product holdings and sales"), MANAGERS),
        P(REFER, _l("Refer customers to a wealth manager"), EVERYONE[:-1]),
        P(SUPERVISE, _l("Supervise the branch: spot checks, plan reviews, gift approvals, campaigns"), HEADS),
    ]


def roles() -> list[RoleSpec]:
    return [
        RoleSpec(BRANCH_HEAD, _l("Branch head"), "org"),
        RoleSpec(LOBBY, _l("Lobby manager"), "org"),
        RoleSpec(TELLER, _l("Teller"), "own"),
        RoleSpec(WEALTH, _l("Wealth manager"), "own"),
    ]


def settings() -> list[SettingSpec]:
    """Edited on /admin/settings."""
    out: list[SettingSpec] = []
    out += clients_settings()
    return out


def clients_settings() -> list[SettingSpec]:
    """Retail clients: the value matrix (AUM × potential → contact frequency)
    and the suitability gate."""
    from decimal import Decimal

    S = SettingSpec
    return [
        S("banking_rm.matrix_aum_threshold", "decimal", Decimal("500000"),
          _l("Value matrix: AUM from which a customer counts as high value (CNY)"), minimum=Decimal("0")),
        S("banking_rm.contact_days_hh", "int", 7,
          _l("Contact every … days: high AUM, high potential"), minimum=1, maximum=365),
        S("banking_rm.contact_days_hl", "int", 14,
          _l("Contact every … days: high AUM, low potential"), minimum=1, maximum=365),
        S("banking_rm.contact_days_lh", "int", 14,
          _l("Contact every … days: low AUM, high potential"), minimum=1, maximum=365),
        S("banking_rm.contact_days_ll", "int", 30,
          _l("Contact every … days: low AUM, low potential"), minimum=1, maximum=365),
        S("banking_rm.risk_valid_days", "int", 365,
          _l("A risk questionnaire (C1–C5) is valid for … days"), minimum=1, maximum=1095),
        S("banking_rm.elderly_age", "int", 65,
          _l("Customers of this age and over are flagged at an investment sale"), minimum=50, maximum=100),
    ]


def sequences() -> list[SequenceSpec]:
    return []


def menus(menu: str) -> list[MenuItem]:
    if menu == "main":
        return [MenuItem(_l("Branch"), "banking_rm.index", 30, VIEW)]
    if menu == "banking_rm":  # the section menu beside every page of the plugin
        return [MenuItem(_l("Overview"), "banking_rm.index", 10, VIEW),
                *clients_menu()]
    return []


def clients_menu() -> list[MenuItem]:
    """Retail clients, holdings, the value matrix, census and FABE cards."""
    return [
        MenuItem(_l("Retail customers"), "banking_rm.clients", 20, VIEW),
        MenuItem(_l("Value matrix"), "banking_rm.matrix", 22, VIEW),
        MenuItem(_l("Cross-holding"), "banking_rm.holdings_report", 24, VIEW),
        MenuItem(_l("Raise-hand census"), "banking_rm.census", 26, VIEW),
        MenuItem(_l("Product cards"), "banking_rm.cards", 28, VIEW),
    ]


def documents() -> list[DocumentSpec]:
    return []


def job_handlers() -> dict:
    return {}


def kinds() -> list[tuple[str, object]]:
    return [(KIND_RETAIL, _l("Retail customer"))]

"""Everything the `stores_demo` plugin registers, in one place: permissions
(codes and the roles that get them by default), the department's roles
(seed 002 §3.3.3), settings, numbering sequences, menus, PDF documents, job
handlers and the key-account kinds it adds to customers.  ``plugin.py``'s
hookimpls return these; the code they point at lives in the plugin's other
modules."""
from __future__ import annotations

from core.i18n import _l
from core.registry import DocumentSpec, MenuItem, Permission, RoleSpec, SequenceSpec, SettingSpec

# -- permissions: views import the codes from here --------------------------
VIEW = "stores_demo.view"              # see key accounts, pipeline, pieces, reports
DEVELOP = "stores_demo.develop"        # contact log, stage moves, plans, visits, receptions, walk-ins
APPROVE = "stores_demo.approve"        # approve plans, visits, receptions, expense claims
STAGE_SKIP = "stores_demo.stage_skip"  # move an account past stages
PIECES = "stores_demo.pieces"          # pieces and the day's gold price
ORDERS = "stores_demo.orders"          # reserve pieces, custom orders, after-sale services
EVENTS = "stores_demo.events"          # events, invitations, attendance
HANDOVER = "stores_demo.handover"      # hand a leaving developer's accounts over
PAY_CLAIMS = "stores_demo.pay_claims"  # finance pays approved expense claims
TEMPLATES = "stores_demo.templates"    # write the first-contact message templates

# -- the department's roles (seed 002 §3.3.3) -------------------------------
COORDINATOR = "sd_coordinator"         # 大客户部协调人 (department manager)
DEVELOPER = "sd_developer"             # 大客户开发人员
LOGISTICS = "sd_logistics"             # 后勤协调人员
EVENT_PLANNER = "sd_event_planner"     # 活动策划人员
ANALYST = "sd_analyst"                 # 数据分析人员

MANAGERS = ("manager", COORDINATOR)
SELLERS = ("salesperson", DEVELOPER) + MANAGERS
EVERYONE = SELLERS + (LOGISTICS, EVENT_PLANNER, ANALYST, "auditor")

#: customer kinds (seed 002 §2.1): important, high-value, group-purchase, strategic, potential
KIND_IMPORTANT = "sd_important"
KIND_HIGH_VALUE = "sd_high_value"
KIND_GROUP = "sd_group"
KIND_STRATEGIC = "sd_strategic"
KIND_POTENTIAL = "sd_potential"
KINDS = (KIND_IMPORTANT, KIND_HIGH_VALUE, KIND_GROUP, KIND_STRATEGIC, KIND_POTENTIAL)


def permissions() -> list[Permission]:
    P = Permission
    return [
        P(VIEW, _l("See key accounts, the pipeline, pieces and reports"), EVERYONE),
        P(DEVELOP, _l("Develop key accounts: contacts, stage moves, plans, visits, receptions"), SELLERS),
        P(APPROVE, _l("Approve development plans, visits, receptions and expense claims"), MANAGERS),
        P(STAGE_SKIP, _l("Move a key account past pipeline stages"), MANAGERS),
        P(PIECES, _l("Edit pieces and the day's gold price"), MANAGERS + (LOGISTICS,)),
        P(ORDERS, _l("Reserve pieces, take custom orders and after-sale services"), SELLERS + (LOGISTICS,)),
        P(EVENTS, _l("Run events: invitations, replies and attendance"), MANAGERS + (EVENT_PLANNER,)),
        P(HANDOVER, _l("Hand a leaving developer's accounts to colleagues"), MANAGERS),
        P(PAY_CLAIMS, _l("Pay approved expense claims of the key-account department"), ("finance",)),
        P(TEMPLATES, _l("Write first-contact message templates"), MANAGERS),
    ]


def roles() -> list[RoleSpec]:
    return [
        RoleSpec(COORDINATOR, _l("Key-account coordinator"), "org"),
        RoleSpec(DEVELOPER, _l("Key-account developer"), "own"),
        RoleSpec(LOGISTICS, _l("Logistics coordinator"), "org"),
        RoleSpec(EVENT_PLANNER, _l("Event planner"), "org"),
        RoleSpec(ANALYST, _l("Data analyst"), "org", read_only=True),
    ]


def settings() -> list[SettingSpec]:
    """Edited on /admin/settings."""
    return [
        SettingSpec("stores_demo.anniversary_days_ahead", "int", 14,
                    _l("Remind of birthdays and anniversaries this many days ahead"), minimum=1, maximum=366),
        SettingSpec("stores_demo.walkin_followup_days", "int", 2,
                    _l("Follow up a walk-in within this many days"), minimum=0, maximum=60),
        SettingSpec("stores_demo.event_followup_days", "int", 3,
                    _l("Follow up an event's attendees within this many days"), minimum=0, maximum=60),
        SettingSpec("stores_demo.deposit_min_pct", "decimal", "30", _l("Custom orders: minimum deposit (percent of the estimated price)"),
                    minimum=0, maximum=100),
        SettingSpec("stores_demo.deposit_refund_pct", "decimal", "100",
                    _l("Custom orders: percent of the deposit refunded when an order is cancelled before production "
                       "(the rest is kept as a cancellation fee)"), minimum=0, maximum=100),
        SettingSpec("stores_demo.gold_lock_days", "int", 7, _l("Custom orders: days the gold price stays locked"),
                    minimum=1, maximum=90),
        SettingSpec("stores_demo.buyback_pct_ours", "decimal", "95", _l("Buy-back: percent of the gold value for our pieces (known certificate)"),
                    minimum=0, maximum=100),
        SettingSpec("stores_demo.buyback_pct_other", "decimal", "80", _l("Buy-back: percent of the gold value for other pieces"),
                    minimum=0, maximum=100),
        SettingSpec("stores_demo.tradein_pct_ours", "decimal", "100", _l("Trade-in: percent of the gold value for our pieces (known certificate)"),
                    minimum=0, maximum=100),
        SettingSpec("stores_demo.tradein_pct_other", "decimal", "90", _l("Trade-in: percent of the gold value for other pieces"),
                    minimum=0, maximum=100),
    ]


def sequences() -> list[SequenceSpec]:
    return [
        SequenceSpec("stores_demo.custom_order", "DZ{year}-{n:05}", "定制单"),
        SequenceSpec("stores_demo.service", "SH{year}-{n:05}", "售后单"),
        SequenceSpec("stores_demo.contract", "DZHT{year}-{n:05}", "定制合同"),
        SequenceSpec("stores_demo.appraisal", "JD{year}-{n:05}", "鉴定证书"),
    ]


def menus(menu: str) -> list[MenuItem]:
    if menu == "main":
        return [MenuItem(_l("Key accounts"), "stores_demo.index", 30, VIEW),
                MenuItem(_l("Key-account claims to pay"), "stores_demo.claims", 45, PAY_CLAIMS,
                         {"status": "approved"}),
                ]
    if menu == "stores_demo":  # the section menu beside every page of the plugin
        return [MenuItem(_l("Overview"), "stores_demo.index", 10, VIEW),
                MenuItem(_l("Key accounts"), "stores_demo.accounts", 20, VIEW),
                MenuItem(_l("Pipeline"), "stores_demo.pipeline", 21, VIEW),
                MenuItem(_l("Contacts due"), "stores_demo.contacts_due", 22, VIEW),
                MenuItem(_l("Pipeline reports"), "stores_demo.pipeline_report", 80, VIEW),
                MenuItem(_l("Message templates"), "stores_demo.templates", 85, VIEW),
                MenuItem(_l("Handover"), "stores_demo.handover", 90, HANDOVER),
                MenuItem(_l("My tasks"), "stores_demo.tasks", 12, VIEW),
                MenuItem(_l("Team tasks"), "stores_demo.tasks_team", 13, APPROVE),
                MenuItem(_l("Walk-ins"), "stores_demo.walkins", 14, VIEW),
                MenuItem(_l("Anniversaries"), "stores_demo.anniversaries", 16, VIEW),
                MenuItem(_l("Events"), "stores_demo.events", 18, VIEW),
                MenuItem(_l("Development plans"), "stores_demo.plans", 40, VIEW),
                MenuItem(_l("Visits"), "stores_demo.visits", 41, VIEW),
                MenuItem(_l("Receptions"), "stores_demo.receptions", 42, VIEW),
                MenuItem(_l("Expense claims"), "stores_demo.claims", 43, VIEW),
                MenuItem(_l("Development report"), "stores_demo.dev_report", 44, VIEW),
                MenuItem(_l("Pieces"), "stores_demo.pieces", 60, VIEW),
                MenuItem(_l("Gold prices"), "stores_demo.gold_prices", 61, VIEW),
                MenuItem(_l("Custom orders"), "stores_demo.custom_orders", 62, VIEW),
                MenuItem(_l("After-sale services"), "stores_demo.services", 63, VIEW),
                ]
    return []


def documents() -> list[DocumentSpec]:
    from .documents import appraisal_certificate, custom_order_contract, development_report
    from .models import StoresDemoCustomOrder, StoresDemoService

    return [
        DocumentSpec("stores_demo.development_report", _l("Development report"),
                     "stores_demo/pdf/development_report.html", development_report, VIEW),
        DocumentSpec("stores_demo.custom_contract", _l("Custom order contract"),
                     "stores_demo/pdf/custom_contract.html", custom_order_contract, VIEW,
                     sequence="stores_demo.contract", model=StoresDemoCustomOrder),
        DocumentSpec("stores_demo.appraisal", _l("Appraisal certificate and warranty"),
                     "stores_demo/pdf/appraisal.html", appraisal_certificate, VIEW,
                     sequence="stores_demo.appraisal", model=StoresDemoService),
    ]


def job_handlers() -> dict:
    return {}


def kinds() -> list[tuple[str, object]]:
    return [
        (KIND_IMPORTANT, _l("Important account")),
        (KIND_HIGH_VALUE, _l("High-value account")),
        (KIND_GROUP, _l("Group-purchase account")),
        (KIND_STRATEGIC, _l("Strategic account")),
        (KIND_POTENTIAL, _l("Potential key account")),
    ]


def pickers() -> list:
    """The record picker's kind for key accounts (customers of our kinds in
    scope); other customers are chosen with customers' own kind."""
    from plugins.customers.api import customer_picker

    return [customer_picker("stores_demo.account", _l("key account"), kinds=KINDS)]

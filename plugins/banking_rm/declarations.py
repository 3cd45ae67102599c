"""Everything the `banking_rm` plugin registers, in one place: permissions
(codes and the roles that get them by default), the branch's roles (seed
004: branch head, lobby manager, teller, wealth / relationship manager),
settings, numbering sequences, menus, PDF documents, job handlers and the
customer kind it adds to customers.  ``plugin.py``'s hookimpls return these;
the code they point at lives in the plugin's other modules."""
from __future__ import annotations

from decimal import Decimal

from core.i18n import _l
from core.registry import DocumentSpec, MenuItem, Permission, RoleSpec, SequenceSpec, SettingSpec

# -- permissions: views import the codes from here --------------------------
VIEW = "banking_rm.view"            # see retail customers, holdings, dashboards, reports
SERVE = "banking_rm.serve"          # log activities, stage moves, care, check-ups, gifts
SELL = "banking_rm.sell"            # record holdings and product sales (suitability gate)
REFER = "banking_rm.refer"          # hand a customer to a wealth manager (lobby, teller)
SUPERVISE = "banking_rm.supervise"  # spot checks, plan reviews, gift approvals, campaigns, meetings
APPROVE_ABOVE = "banking_rm.approve_above"  # discount / expense requests above the manager's tier

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
        P(APPROVE_ABOVE, _l("Approve discounts and expenses above the wealth manager's tier"), HEADS),
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
    return activity_settings() + care_settings() + clients_settings()


def activity_settings() -> list[SettingSpec]:
    """5-20-30 daily targets, spot-check sample, referral window and split."""
    S = SettingSpec
    return [
        S("banking_rm.target_meeting", "int", 5, _l("Daily target: customers met (wealth manager)"), minimum=0, maximum=1000),
        S("banking_rm.target_call", "int", 20, _l("Daily target: customers called (wealth manager)"), minimum=0, maximum=1000),
        S("banking_rm.target_message", "int", 30, _l("Daily target: customers messaged (wealth manager)"), minimum=0, maximum=5000),
        S("banking_rm.target_greet", "int", 30, _l("Daily target: greetings (lobby manager, teller)"), minimum=0, maximum=5000),
        S("banking_rm.target_talk", "int", 20, _l("Daily target: conversations (lobby manager, teller)"), minimum=0, maximum=1000),
        S("banking_rm.target_pitch", "int", 5, _l("Daily target: 30-second referral pitches (lobby manager, teller)"), minimum=0, maximum=1000),
        S("banking_rm.spot_sample", "int", 10, _l("Spot checks: activities drawn per sample"), minimum=1, maximum=100),
        S("banking_rm.referral_window_days", "int", 30, _l("Referrals: days in which the same customer cannot be referred again"), minimum=0, maximum=365),
        S("banking_rm.referrer_share_pct", "decimal", "30", _l("Referrals: referrer's share of the commission (%)"), minimum=0, maximum=100),
        S("banking_rm.referral_owner", "choice", "receiver", _l("Referrals: who owns the customer after a sale"),
          choices=(("receiver", _l("The wealth manager who sold")), ("unchanged", _l("Unchanged")))),
    ]


def care_settings() -> list[SettingSpec]:
    """After-sale care, gifts and approval tiers (seed 004 and its appendix)."""
    S = SettingSpec
    return [
        S("banking_rm.maturity_days", "int", 7, _l("Maturity reminders: days ahead"),
          _l("Holdings maturing within this many days get a call task."), minimum=1, maximum=366),
        S("banking_rm.care_days", "int", 30, _l("Care calendar: days ahead"), minimum=1, maximum=90),
        S("banking_rm.yield_floor", "decimal", Decimal("0.0200"), _l("Yield alert below (annual, as a fraction)"),
          _l("Wealth products and funds yielding less get an alert unless their own watch says otherwise."),
          minimum=Decimal("0"), maximum=Decimal("1")),
        S("banking_rm.checkup_months_high_high", "int", 3,
          _l("Check-up every … months: high AUM, high potential"), minimum=1, maximum=36),
        S("banking_rm.checkup_months_high_low", "int", 6,
          _l("Check-up every … months: high AUM, low potential"), minimum=1, maximum=36),
        S("banking_rm.checkup_months_low_high", "int", 6,
          _l("Check-up every … months: low AUM, high potential"), minimum=1, maximum=36),
        S("banking_rm.checkup_months_low_low", "int", 12,
          _l("Check-up every … months: low AUM, low potential"), minimum=1, maximum=36),
        S("banking_rm.gift_yearly_ceiling", "decimal", Decimal("800.00"), _l("Gifts: yearly ceiling per customer"),
          _l("The value of all gifts to one customer in a calendar year cannot exceed this."),
          minimum=Decimal("0")),
        S("banking_rm.gift_approval_over", "decimal", Decimal("300.00"),
          _l("Gifts: a single gift above this needs the branch head"),
          _l("Stage-3 valuable gifts: the branch head approves them by logging them; they still count "
             "towards the yearly ceiling."), minimum=Decimal("0")),
        S("banking_rm.discount_manager_limit", "decimal", Decimal("2.00"),
          _l("Discounts a wealth manager may approve, up to (percent)"),
          _l("Above it the branch head approves (seed appendix: up to 2 % by the sales team)."),
          minimum=Decimal("0"), maximum=Decimal("100")),
        S("banking_rm.expense_manager_limit", "decimal", Decimal("10000.00"),
          _l("Expenses a wealth manager may approve, up to (amount)"),
          _l("Above it the branch head approves (seed appendix: above 10,000 by a higher level)."),
          minimum=Decimal("0")),
    ]


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
        return [MenuItem(_l("Overview"), "banking_rm.index", 10, VIEW), *clients_menu()] + activity_menu() + care_menus()
    return []


def activity_menu() -> list[MenuItem]:
    return [
        MenuItem(_l("Log 5-20-30"), "banking_rm.activity_log", 20, VIEW),
        MenuItem(_l("League table"), "banking_rm.league", 21, VIEW),
        MenuItem(_l("Stages"), "banking_rm.stages", 22, VIEW),
        MenuItem(_l("Referrals"), "banking_rm.referrals", 23, VIEW),
        MenuItem(_l("Spot checks"), "banking_rm.spot_checks", 24, SUPERVISE),
        MenuItem(_l("Campaigns"), "banking_rm.campaigns", 25, VIEW),
        MenuItem(_l("Evening meeting"), "banking_rm.meeting", 26, VIEW),
    ]


def care_menus() -> list[MenuItem]:
    return [
        MenuItem(_l("Maturities"), "banking_rm.maturities", 60, VIEW),
        MenuItem(_l("Yield alerts"), "banking_rm.yield_alerts", 61, VIEW),
        MenuItem(_l("Care calendar"), "banking_rm.care_calendar", 62, VIEW),
        MenuItem(_l("Check-ups"), "banking_rm.checkups", 63, VIEW),
        MenuItem(_l("Value plans"), "banking_rm.plans", 64, VIEW),
        MenuItem(_l("Gifts"), "banking_rm.gifts", 65, VIEW),
        MenuItem(_l("Approvals"), "banking_rm.approvals", 66, VIEW),
    ]


def clients_menu() -> list[MenuItem]:
    """Retail clients, holdings, the value matrix, census and FABE cards."""
    return [
        MenuItem(_l("Retail customers"), "banking_rm.clients", 11, VIEW),
        MenuItem(_l("Value matrix"), "banking_rm.matrix", 12, VIEW),
        MenuItem(_l("Cross-holding"), "banking_rm.holdings_report", 13, VIEW),
        MenuItem(_l("Raise-hand census"), "banking_rm.census", 14, VIEW),
        MenuItem(_l("Product cards"), "banking_rm.cards", 15, VIEW),
    ]


def documents() -> list[DocumentSpec]:
    return [] + activity_documents()


def activity_documents() -> list[DocumentSpec]:
    from .services.meeting import meeting_context

    return [DocumentSpec("banking_rm.meeting", _l("Evening meeting"), "banking_rm/pdf/meeting.html",
                         meeting_context, VIEW)]


def job_handlers() -> dict:
    return {}


def kinds() -> list[tuple[str, object]]:
    return [(KIND_RETAIL, _l("Retail customer"))]

"""Everything the `customers` plugin registers, in one place: permissions,
settings, the numbering sequence, menus, PDF documents, job handlers and
its own customer kind.
``plugin.py``'s hookimpls return these; the code they point at lives in
the plugin's other modules."""
from __future__ import annotations

from decimal import Decimal

from core.i18n import _l
from core.registry import DocumentSpec, MenuItem, Permission, SequenceSpec, SettingSpec

from .services.master import SEQUENCE

VIEW = "customers.view"
EDIT = "customers.edit"
APPROVE = "customers.approve"
REASSIGN = "customers.reassign"
GRADE = "customers.grade"
EVALUATE = "customers.evaluate"
IMPORT = "customers.import"
EXPORT = "customers.export"
REPORTS = "customers.reports"
#: The customer card document.
CARD = "customers.card"


def permissions() -> list[Permission]:
    sales = ("salesperson", "manager")
    return [
        Permission(VIEW, _l("See customers, contacts and visits"),
                   ("salesperson", "manager", "finance", "auditor")),
        Permission(EDIT, _l("Create and edit customers, contacts, visits and follow-ups"), sales),
        Permission(APPROVE, _l("Approve account openings; suspend, reactivate or eliminate customers"),
                   ("manager",)),
        Permission(REASSIGN, _l("Reassign a customer to another salesperson"), ("manager",)),
        Permission(GRADE, _l("Recompute ABC grades and override a grade"), ("manager",)),
        Permission(EVALUATE, _l("Evaluate customers (five criteria)"), sales),
        Permission(IMPORT, _l("Import customers from Excel or CSV"), ("manager",)),
        Permission(EXPORT, _l("Export customers to Excel or CSV"), sales),
        Permission(REPORTS, _l("Visit reports of the team"), ("manager",)),
    ]


def settings() -> list[SettingSpec]:
    pct = {"minimum": Decimal("0"), "maximum": Decimal("100")}
    score = {"minimum": Decimal("1"), "maximum": Decimal("5")}
    weight = {"minimum": Decimal("0"), "maximum": Decimal("100")}
    return [
        SettingSpec("customers.grade_a_share", "decimal", Decimal("60"),
                    _l("Grade A: cumulative purchase share (%)"),
                    _l("Top customers whose cumulative share reaches this are A."), **pct),
        SettingSpec("customers.grade_b_share", "decimal", Decimal("90"),
                    _l("Grade B: cumulative purchase share (%)"),
                    _l("The next customers up to this cumulative share are B; the rest C."), **pct),
        SettingSpec("customers.grade_window_months", "int", 12,
                    _l("Grading window (months)"), minimum=1, maximum=60),
        SettingSpec("customers.visits_a_per_week", "int", 2,
                    _l("Grade A: minimum visits per week"), minimum=1, maximum=7),
        SettingSpec("customers.visits_b_per_week", "int", 1,
                    _l("Grade B: minimum visits per week"), minimum=1, maximum=7),
        SettingSpec("customers.visits_c_per_month", "int", 2,
                    _l("Grade C: minimum visits per month"), minimum=1, maximum=30),
        SettingSpec("customers.eval_period", "choice", "quarter", _l("Evaluation period"),
                    choices=(("quarter", _l("Quarter")), ("month", _l("Month")))),
        SettingSpec("customers.eval_weight_transaction", "decimal", Decimal("25"),
                    _l("Evaluation weight: transaction"), **weight),
        SettingSpec("customers.eval_weight_profitability", "decimal", Decimal("25"),
                    _l("Evaluation weight: profitability"), **weight),
        SettingSpec("customers.eval_weight_safety", "decimal", Decimal("20"),
                    _l("Evaluation weight: safety / credit"), **weight),
        SettingSpec("customers.eval_weight_growth", "decimal", Decimal("15"),
                    _l("Evaluation weight: growth"), **weight),
        SettingSpec("customers.eval_weight_cooperation", "decimal", Decimal("15"),
                    _l("Evaluation weight: cooperation"), **weight),
        SettingSpec("customers.eval_reward_min", "decimal", Decimal("4.00"),
                    _l("Evaluation: reward from this weighted score"), **score),
        SettingSpec("customers.eval_eliminate_below", "decimal", Decimal("2.50"),
                    _l("Evaluation: eliminate below this weighted score"), **score),
        SettingSpec("customers.import_max_rows", "int", 200000,
                    _l("Largest import (rows)"), minimum=1, maximum=1000000),
    ]


def sequences() -> list[SequenceSpec]:
    return [SequenceSpec(SEQUENCE, "C{year}-{n:05}", _l("Customer code"))]


def documents() -> list[DocumentSpec]:
    from .documents import build_context
    from .models import Customer

    return [DocumentSpec(CARD, _l("Customer card"), "customers/pdf/card.html", build_context,
                         VIEW, sequence=None, model=Customer)]


def menus(menu: str) -> list[MenuItem]:
    """"Customers" in the main menu, and the plugin's own tab row (menu
    ``customers``, which other plugins may extend)."""
    if menu == "main":
        return [MenuItem(_l("Customers"), "customers.index", 10, VIEW)]
    if menu == "customers":
        return [
            MenuItem(_l("Customers"), "customers.index", 10, VIEW),
            MenuItem(_l("Day route"), "customers.route", 20, VIEW),
            MenuItem(_l("Overdue visits"), "customers.overdue", 30, VIEW),
            MenuItem(_l("Follow-up tasks"), "customers.followups", 40, VIEW),
            MenuItem(_l("Applications to approve"), "customers.applications", 50, APPROVE),
            MenuItem(_l("Weekly visit report"), "customers.weekly_report", 60, REPORTS),
            MenuItem(_l("Import"), "customers.import_page", 70, IMPORT),
        ]
    return []


def job_handlers() -> dict:
    from .jobs import IMPORT_JOB, import_job

    return {IMPORT_JOB: import_job}


#: The customers plugin's own kind; vertical plugins add theirs through the
#: ``customer_kinds`` hook (dealers: member, traditional, chains …).
GENERAL = "general"


def kinds() -> list[tuple[str, object]]:
    return [(GENERAL, _l("General customer"))]


def pickers() -> list:
    """The record picker's kinds (core.web.pickers): any customer in scope."""
    from .api import customer_picker

    return [customer_picker("customers.customer", _l("customer"))]

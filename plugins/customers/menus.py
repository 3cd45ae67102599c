"""Menu entries: "Customers" in the main menu, and the plugin's own tab row
(menu ``customers``, which other plugins may extend)."""
from __future__ import annotations

from core.i18n import _l
from core.registry import MenuItem

from .options import APPROVE, IMPORT, REPORTS, VIEW


def items(menu: str) -> list[MenuItem]:
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

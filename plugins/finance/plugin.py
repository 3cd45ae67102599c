"""Hook implementations of the `finance` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl  # noqa: F401  (hookimpls arrive with the plugin's issue)
from core.registry import Manifest

MANIFEST = Manifest(
    name="finance",
    label_zh="财务",
    label_en="Finance",
    version="0.1.0",
    depends=('customers',),
    description="Double-entry ledgers, credit lines, rebates, statements, aging, budgets.",
)

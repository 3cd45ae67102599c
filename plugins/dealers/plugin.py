"""Hook implementations of the `dealers` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl  # noqa: F401  (hookimpls arrive with the plugin's issue)
from core.registry import Manifest

MANIFEST = Manifest(
    name="dealers",
    label_zh="经销商管理",
    label_en="Dealers",
    version="0.1.0",
    depends=('customers', 'finance'),
    description="An appliance office and its dealers: orders, stock, samples, promotions.",
)

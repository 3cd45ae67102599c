"""Hook implementations of the `stores_demo` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl  # noqa: F401  (hookimpls arrive with the plugin's issue)
from core.registry import Manifest

MANIFEST = Manifest(
    name="stores_demo",
    label_zh="珠宝门店大客户",
    label_en="Jewelry key accounts",
    version="0.1.0",
    depends=('customers', 'finance'),
    description="A jewelry boutique's key-account team.",
)

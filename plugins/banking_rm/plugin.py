"""Hook implementations of the `banking_rm` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl  # noqa: F401  (hookimpls arrive with the plugin's issue)
from core.registry import Manifest

MANIFEST = Manifest(
    name="banking_rm",
    label_zh="银行客户经理",
    label_en="Bank relationship managers",
    version="0.1.0",
    depends=('customers',),
    description="A bank branch's relationship managers: 5-20-30, stages, referrals, maturities.",
)

"""Hook implementations of the `customers` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl  # noqa: F401  (hookimpls arrive with the plugin's issue)
from core.registry import Manifest

MANIFEST = Manifest(
    name="customers",
    label_zh="客户管理",
    label_en="Customers",
    version="0.1.0",
    depends=(),
    description="Customer master: account opening, MAN rule, ABC grading, evaluation, loyalty, visits.",
)

"""Hook implementations of the `customers` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

from . import hookspecs as _hookspecs

MANIFEST = Manifest(
    name="customers",
    label_zh="客户管理",
    label_en="Customers",
    version="0.1.0",
    depends=(),
    description="Customer master: account opening, MAN rule, ABC grading, evaluation, loyalty, visits.",
)

#: Published hooks (customer_kinds, customer_purchase_amounts, customer_panels).
HOOKSPECS = _hookspecs


@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)


@hookimpl
def customer_kinds():
    from .kinds import BASE_KINDS

    return list(BASE_KINDS)


@hookimpl
def register_sequences():
    from core.registry import SequenceSpec

    from .services import SEQUENCE

    return [SequenceSpec(SEQUENCE, "C{year}-{n:05}", "Customer code")]

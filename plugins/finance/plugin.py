"""Hook implementations of the `finance` plugin: thin, returning objects
defined in the plugin's other modules."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

MANIFEST = Manifest(
    name="finance",
    label_zh="财务",
    label_en="Finance",
    version="0.1.0",
    depends=('customers',),
    description="Double-entry ledgers, credit lines, rebates, statements, aging, budgets.",
)

@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def register_permissions():
    from .registry import PERMISSIONS

    return list(PERMISSIONS)


@hookimpl
def register_sequences():
    from .registry import sequences

    return sequences()


@hookimpl
def register_settings():
    from .registry import SETTINGS

    return list(SETTINGS)


@hookimpl
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)

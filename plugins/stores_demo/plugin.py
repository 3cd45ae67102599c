"""The `stores_demo` plugin: its MANIFEST and thin hook implementations.

This is the plugin to read first.  Every hookimpl below imports lazily and
returns what another module of the plugin defines; what the plugin
registers (permissions, roles, settings, sequences, menus, documents,
customer kinds) is declared in ``declarations.py``."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

MANIFEST = Manifest(
    name="stores_demo",
    label_zh="珠宝门店大客户",
    label_en="Jewelry key accounts",
    version="0.2.0",
    depends=('customers', 'finance'),
    description="A jewelry boutique's key-account team.",
    description_zh="珠宝门店的大客户团队。",
)


@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def register_permissions():
    from .declarations import permissions

    return permissions()


@hookimpl
def register_roles():
    from .declarations import roles

    return roles()


@hookimpl
def register_settings():
    from .declarations import settings

    return settings()


@hookimpl
def register_sequences():
    from .declarations import sequences

    return sequences()


@hookimpl
def register_documents():
    from .declarations import documents

    return documents()


@hookimpl
def register_job_handlers():
    from .declarations import job_handlers

    return job_handlers()


@hookimpl
def customer_kinds():
    from .declarations import kinds

    return kinds()


@hookimpl
def customer_purchase_amounts(session, customer_ids, start, end):
    from .services.custom_orders import purchase_amounts

    return purchase_amounts(session, customer_ids, start, end)


@hookimpl
def customer_panels(session, customer, user):
    from .widgets import customer_panels as panels

    return panels(session, customer, user)


@hookimpl
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)


@hookimpl
def register_blueprints(app):
    from .views import blueprint

    return [blueprint()]


@hookimpl
def menu_items(menu, user):
    from .declarations import menus

    return menus(menu)


@hookimpl
def dashboard_widgets(session, user):
    from .widgets import widgets

    return widgets(session, user)


@hookimpl
def load_demo_data(session, context):
    from .demo import load

    load(session, context)


@hookimpl
def register_pickers():
    from .declarations import pickers

    return pickers()
